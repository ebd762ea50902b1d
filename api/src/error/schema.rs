//! The problem document and its field errors as the OpenAPI contract describes them.
use serde::Serialize;
use utoipa::ToSchema;

/// The problem document as the OpenAPI contract describes it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:djcd:problem:validation-failed",
    "title": "Données invalides",
    "status": 422,
    "detail": "Certaines valeurs ne respectent pas les règles.",
    "instance": "/api/v1/domains",
    "request_id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e",
    "code": "validation_failed",
    "errors": [{"field": "label_fr", "code": "length", "message": "Entre 1 et 200 caractères."}]
}))]
pub struct ProblemDocument {
    /// A URN naming the kind of problem, stable across releases (`urn:djcd:problem:<slug>`).
    #[schema(example = "urn:djcd:problem:not-found")]
    pub r#type: String,
    /// A short summary, in the language chosen by `Accept-Language` (French by default).
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What happened, for a person, in the chosen language.
    pub detail: String,
    /// The path of the request that failed.
    pub instance: Option<String>,
    /// The `X-Request-Id` of the request, to quote when reporting a problem.
    pub request_id: Option<String>,
    /// The problem's code: a conflict's reason for 409 (`partner_exists`, `invalid_transition`…),
    /// else the problem's kind (`not_found`, `validation_failed`…).
    #[schema(schema_with = problem_code)]
    pub code: String,
    /// One entry per broken rule (400, 422), or per field a conflict is about (409).
    pub errors: Option<Vec<FieldErrorDocument>>,
    /// For 409 `partner_exists`: the id of the partner that exists.
    #[schema(format = "uuid")]
    pub existing_id: Option<String>,
    /// For 409 `invalid_transition`: the current status.
    pub from: Option<String>,
    /// For 409 `invalid_transition`: the moves allowed from the current status.
    pub allowed: Option<Vec<String>>,
    /// For 412: the ETag of the current version (also in the `ETag` header).
    pub current_etag: Option<String>,
}

fn problem_code() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::Ref::from_schema_name("ProblemCode").into()
}

#[derive(Serialize, ToSchema)]
pub struct FieldErrorDocument {
    /// The field, as a path into the request as sent: a body's field by its dotted path with list
    /// indexes (`participants[0].partner_id`, `amount`), a query or path parameter by its name
    /// (`limit`, `id`), a header by its name (`Idempotency-Key`), `body` for the body as a whole.
    pub field: String,
    /// A machine-readable rule name (`required`, `length`, `format`, `unknown_field`…).
    #[schema(schema_with = problem_code)]
    pub code: String,
    /// What is wrong, for a person, in the chosen language.
    pub message: String,
}
