//! `ApiError`, the one error type of the API, rendered as `application/problem+json` (RFC 9457).
//!
//! Handlers return `Result<_, ApiError>`. The response body is written in French; the
//! `problem_details` middleware re-renders it in the client's language and fills `instance`.
use std::time::Duration;

use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::i18n::{Lang, Text};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One rule broken by one field of a request.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Self { field: field.into(), code, message }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be parsed (malformed JSON, wrong type, unknown field, bad parameter).
    #[error("bad request: {}", .0.en)]
    BadRequest(Text, Vec<FieldError>),
    /// 401: no valid credentials.
    #[error("unauthorized: {}", .0.en)]
    Unauthorized(Text),
    /// 403: authenticated, but the role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 404: no such resource (or one the caller may not know exists).
    #[error("not found")]
    NotFound,
    /// 405: the path exists, not with this method; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    /// 409: the request conflicts with the current state; `extra` adds members to the problem.
    #[error("conflict: {}", .detail.en)]
    Conflict { code: &'static str, detail: Text, extra: Map<String, Value> },
    /// 412: `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed { current_etag: String },
    /// 413: the body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// 415: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType { expected: &'static str },
    /// 422: the body parses but breaks a rule.
    #[error("unprocessable: {} field error(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// 428: `If-Match` is required and missing.
    #[error("precondition required")]
    PreconditionRequired,
    /// 429: too many requests; retry after the given delay.
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    /// 503: the database cannot be reached now; retry later.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// 503: the server's disk is full; the write was not saved (reads still work); retry later.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// 500: a fault of the server. Logged with its cause, answered without internals.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(detail: Text) -> Self {
        Self::BadRequest(detail, Vec::new())
    }

    pub fn invalid(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict(code: &'static str, detail: Text) -> Self {
        Self::Conflict { code, detail, extra: Map::new() }
    }

    /// The machine-readable problem for this error, before localisation.
    pub fn problem(&self) -> Problem {
        use ApiError::*;
        let (slug, title, detail) = match self {
            BadRequest(detail, _) => ("bad-request", Text::fixed("Requête invalide", "Bad request"), detail.clone()),
            Unauthorized(detail) => {
                ("unauthorized", Text::fixed("Authentification requise", "Authentication required"), detail.clone())
            }
            Forbidden => (
                "forbidden",
                Text::fixed("Action non autorisée", "Forbidden"),
                Text::fixed("Votre rôle ne permet pas cette action.", "Your role does not allow this action."),
            ),
            NotFound => (
                "not-found",
                Text::fixed("Ressource introuvable", "Not found"),
                Text::fixed("Aucune ressource ne correspond à cette adresse.", "No resource matches this address."),
            ),
            Conflict { detail, .. } => ("conflict", Text::fixed("Conflit", "Conflict"), detail.clone()),
            MethodNotAllowed { allow } => (
                "method-not-allowed",
                Text::fixed("Méthode non autorisée", "Method not allowed"),
                Text::new(
                    format!("Méthodes acceptées à cette adresse : {}.", allow.join(", ")),
                    format!("Methods accepted at this address: {}.", allow.join(", ")),
                ),
            ),
            PreconditionFailed { .. } => (
                "precondition-failed",
                Text::fixed("Version périmée", "Precondition failed"),
                Text::fixed(
                    "La ressource a changé depuis votre lecture : relisez-la puis recommencez avec son ETag actuel.",
                    "The resource changed since you read it: read it again and retry with its current ETag.",
                ),
            ),
            PayloadTooLarge { limit } => (
                "payload-too-large",
                Text::fixed("Corps trop volumineux", "Payload too large"),
                Text::new(
                    format!("Le corps de la requête dépasse la limite de {limit} octets."),
                    format!("The request body exceeds the limit of {limit} bytes."),
                ),
            ),
            UnsupportedMediaType { expected } => (
                "unsupported-media-type",
                Text::fixed("Type de contenu non pris en charge", "Unsupported media type"),
                Text::new(format!("Envoyez le corps en {expected}."), format!("Send the body as {expected}.")),
            ),
            Validation(_) => (
                "validation-failed",
                Text::fixed("Données invalides", "Validation failed"),
                Text::fixed("Certaines valeurs ne respectent pas les règles.", "Some values break the rules."),
            ),
            PreconditionRequired => (
                "precondition-required",
                Text::fixed("En-tête If-Match requis", "Precondition required"),
                Text::fixed(
                    "Envoyez l'ETag lu par GET dans l'en-tête If-Match pour modifier cette ressource.",
                    "Send the ETag read by GET in the If-Match header to change this resource.",
                ),
            ),
            TooManyRequests { retry_after } => (
                "too-many-requests",
                Text::fixed("Trop de requêtes", "Too many requests"),
                Text::new(
                    format!("Réessayez dans {} s.", retry_after.as_secs().max(1)),
                    format!("Retry in {} s.", retry_after.as_secs().max(1)),
                ),
            ),
            Unavailable(_) => (
                "service-unavailable",
                Text::fixed("Service indisponible", "Service unavailable"),
                Text::fixed(
                    "La base de données est momentanément injoignable. Réessayez bientôt.",
                    "The database cannot be reached at the moment. Retry shortly.",
                ),
            ),
            StorageFull(_) => (
                "storage-full",
                Text::fixed("Espace disque épuisé", "Storage full"),
                Text::fixed(
                    "Le disque du serveur est plein : la modification n'a pas été enregistrée. Les consultations restent possibles ; réessayez plus tard.",
                    "The server's disk is full: the change was not saved. Reads still work; retry later.",
                ),
            ),
            Internal(_) => (
                "internal-error",
                Text::fixed("Erreur interne", "Internal server error"),
                Text::fixed(
                    "Une erreur inattendue s'est produite ; elle a été journalisée avec l'identifiant de la requête.",
                    "An unexpected error occurred; it was logged with the request id.",
                ),
            ),
        };
        let errors = match self {
            BadRequest(_, errors) | Validation(errors) => errors.clone(),
            _ => Vec::new(),
        };
        let mut extra = Map::new();
        match self {
            Conflict { code, extra: more, .. } => {
                extra.insert("code".into(), Value::from(*code));
                extra.extend(more.clone());
            }
            PreconditionFailed { current_etag } => {
                extra.insert("current_etag".into(), Value::from(current_etag.clone()));
            }
            _ => {}
        }
        Problem { slug, status: self.status_code(), title, detail, errors, extra }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        use ApiError::*;
        match self {
            BadRequest(..) => StatusCode::BAD_REQUEST,
            Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Forbidden => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Conflict { .. } => StatusCode::CONFLICT,
            PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Unavailable(_) | StorageFull(_) => StatusCode::SERVICE_UNAVAILABLE,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            ApiError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            ApiError::StorageFull(cause) => tracing::error!(%cause, "disk full: a write was refused"),
            _ => {}
        }
        let problem = self.problem();
        let mut response = HttpResponse::build(problem.status);
        match self {
            ApiError::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.as_secs().max(1).to_string()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "2"));
            }
            ApiError::StorageFull(_) => {
                response.insert_header((header::RETRY_AFTER, "30"));
            }
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::PreconditionFailed { current_etag } => {
                response.insert_header((header::ETAG, current_etag.clone()));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            _ => {}
        }
        let mut response = response.content_type(PROBLEM_JSON).body(problem.render(Lang::Fr, None).to_string());
        response.extensions_mut().insert(problem);
        response
    }
}

/// A problem ready to be rendered in either language.
#[derive(Clone, Debug)]
pub struct Problem {
    pub slug: &'static str,
    pub status: StatusCode,
    pub title: Text,
    pub detail: Text,
    pub errors: Vec<FieldError>,
    pub extra: Map<String, Value>,
}

impl Problem {
    /// A generic problem for a status that no handler described (the safety net's fallback).
    pub fn for_status(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        let (slug, title_fr) = match status.as_u16() {
            404 => ("not-found", "Ressource introuvable"),
            405 => ("method-not-allowed", "Méthode non autorisée"),
            408 => ("request-timeout", "Délai de requête dépassé"),
            413 => ("payload-too-large", "Corps trop volumineux"),
            414 => ("uri-too-long", "Adresse trop longue"),
            431 => ("headers-too-large", "En-têtes trop volumineux"),
            400..=499 => ("bad-request", "Requête invalide"),
            _ => ("internal-error", "Erreur interne"),
        };
        let detail = match status.as_u16() {
            405 => Text::fixed(
                "Cette méthode n'est pas acceptée à cette adresse.",
                "This method is not accepted at this address.",
            ),
            400..=499 => Text::fixed(
                "La requête ne peut pas être traitée telle quelle.",
                "The request cannot be processed as sent.",
            ),
            _ => Text::fixed("Une erreur inattendue s'est produite.", "An unexpected error occurred."),
        };
        Self { slug, status, title: Text::new(title_fr, reason), detail, errors: Vec::new(), extra: Map::new() }
    }

    pub fn type_uri(&self) -> String {
        format!("urn:djcd:problem:{}", self.slug)
    }

    pub fn render(&self, lang: Lang, instance: Option<&str>) -> Value {
        let mut body = Map::new();
        body.insert("type".into(), Value::from(self.type_uri()));
        body.insert("title".into(), Value::from(self.title.get(lang)));
        body.insert("status".into(), Value::from(self.status.as_u16()));
        body.insert("detail".into(), Value::from(self.detail.get(lang)));
        if let Some(instance) = instance {
            body.insert("instance".into(), Value::from(instance));
        }
        if !self.errors.is_empty() {
            let errors = self
                .errors
                .iter()
                .map(|e| serde_json::json!({"field": e.field, "code": e.code, "message": e.message.get(lang)}))
                .collect();
            body.insert("errors".into(), Value::Array(errors));
        }
        for (key, value) in &self.extra {
            body.entry(key.clone()).or_insert_with(|| value.clone());
        }
        Value::Object(body)
    }
}

/// The problem document as the OpenAPI contract describes it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:djcd:problem:validation-failed",
    "title": "Données invalides",
    "status": 422,
    "detail": "Certaines valeurs ne respectent pas les règles.",
    "instance": "/api/v1/domains",
    "request_id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e",
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
    /// One entry per broken rule, for 400 and 422.
    pub errors: Option<Vec<FieldErrorDocument>>,
    /// For 409: a machine-readable reason.
    pub code: Option<String>,
    /// For 409 on a status change: the moves allowed from the current status.
    pub allowed: Option<Vec<String>>,
    /// For 412: the ETag of the current version.
    pub current_etag: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldErrorDocument {
    /// The field, as a path into the body or the name of a parameter (`contacts[0].email`).
    pub field: String,
    /// A machine-readable rule name (`required`, `length`, `format`, `unknown_field`…).
    pub code: String,
    /// What is wrong, for a person, in the chosen language.
    pub message: String,
}

/// Maps database errors: connection trouble is 503 (retry), a broken unique rule is 409, the rest 500.
impl From<DbErr> for ApiError {
    fn from(error: DbErr) -> Self {
        if is_storage_full(&error) {
            return ApiError::StorageFull(error.to_string());
        }
        if is_unavailable(&error) {
            return ApiError::Unavailable(error.to_string());
        }
        if let Some(SqlErr::UniqueConstraintViolation(_)) = error.sql_err() {
            return ApiError::conflict(
                "already_exists",
                Text::fixed("Cet enregistrement existe déjà.", "This record already exists."),
            );
        }
        ApiError::Internal(anyhow::Error::new(error))
    }
}

/// Whether a database error means the disk is full (SQLite's `SQLITE_FULL`, PostgreSQL's
/// `53100 disk_full`, or the operating system's `ENOSPC`).
pub fn is_storage_full(error: &DbErr) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    ["database or disk is full", "no space left on device", "could not extend file", "53100"]
        .iter()
        .any(|needle| text.contains(needle))
}

/// Whether a database error means "cannot reach the database now" rather than a bad query.
pub fn is_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        other => {
            let text = other.to_string().to_ascii_lowercase();
            [
                "pool timed out",
                "connection refused",
                "connection reset",
                "broken pipe",
                "terminating connection",
                "the database system is",
                "closed the connection",
                "io error",
                "error communicating",
                // SQLite: another writer kept the lock past the busy timeout; the disk is full.
                "database is locked",
                "disk is full",
                "no space left on device",
            ]
            .iter()
            .any(|needle| text.contains(needle))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_renders_in_both_languages_with_its_field_errors() {
        let error = ApiError::invalid("label_fr", "length", Text::fixed("trop long", "too long"));
        let problem = error.problem();
        let fr = problem.render(Lang::Fr, Some("/api/v1/domains"));
        let en = problem.render(Lang::En, None);
        assert_eq!(fr["status"], 422);
        assert_eq!(fr["title"], "Données invalides");
        assert_eq!(en["title"], "Validation failed");
        assert_eq!(fr["instance"], "/api/v1/domains");
        assert_eq!(en["errors"][0]["message"], "too long");
        assert_eq!(en["type"], "urn:djcd:problem:validation-failed");
    }

    #[test]
    fn a_full_disk_is_a_503_that_says_so_with_retry_after() {
        let error =
            ApiError::from(DbErr::Custom("error returned from database: (code: 13) database or disk is full".into()));
        assert!(matches!(error, ApiError::StorageFull(_)), "{error:?}");
        assert_eq!(error.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let response = error.error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("30"));
        let body = error.problem().render(Lang::En, None);
        assert_eq!(body["type"], "urn:djcd:problem:storage-full");
        assert!(body["detail"].as_str().unwrap_or_default().contains("disk is full"), "{body}");
    }

    #[test]
    fn a_conflict_carries_its_code_and_extra_members() {
        let mut extra = Map::new();
        extra.insert("allowed".into(), serde_json::json!(["active"]));
        let error = ApiError::Conflict { code: "invalid_transition", detail: Text::fixed("a", "b"), extra };
        let body = error.problem().render(Lang::En, None);
        assert_eq!(body["code"], "invalid_transition");
        assert_eq!(body["allowed"][0], "active");
        assert_eq!(error.status_code(), StatusCode::CONFLICT);
    }
}
