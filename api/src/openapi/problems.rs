//! The shared problem responses (`components/responses`): one per status the server answers with a
//! problem document, added to the components and then pruned to those the operations refer to.
use serde_json::{Map, Value, json};

const PROBLEM_REF: &str = "#/components/schemas/ProblemDocument";

/// The shared problem responses, by name: (name, status, description, example detail).
const PROBLEM_RESPONSES: &[(&str, u16, &str, &str)] = &[
    (
        "BadRequest",
        400,
        "The request cannot be parsed: malformed JSON, wrong type, unknown field or bad parameter.",
        "Le corps ne correspond pas au schéma attendu.",
    ),
    ("Unauthorized", 401, "No valid bearer token.", "Jeton absent, expiré ou invalide."),
    ("Forbidden", 403, "The caller's role does not allow this action.", "Votre rôle ne permet pas cette action."),
    ("NotFound", 404, "No such resource.", "Aucune ressource ne correspond à cette adresse."),
    (
        "PreconditionFailed",
        412,
        "`If-Match` names a version that is no longer current; the current ETag is in the problem and the `ETag` header.",
        "La ressource a changé depuis votre lecture.",
    ),
    (
        "PayloadTooLarge",
        413,
        "The body exceeds the configured limit.",
        "Le corps de la requête dépasse la limite de 1048576 octets.",
    ),
    (
        "IdempotencyInProgress",
        409,
        "A request with the same `Idempotency-Key` is still being served; retry in a moment.",
        "Une requête avec cette clé d'idempotence est en cours ; réessayez dans un instant.",
    ),
    ("UnsupportedMediaType", 415, "The body is not `application/json`.", "Envoyez le corps en application/json."),
    (
        "ValidationFailed",
        422,
        "The body parses but breaks a rule; `errors` lists each one.",
        "Certaines valeurs ne respectent pas les règles.",
    ),
    (
        "PreconditionRequired",
        428,
        "`If-Match` is required to change this resource.",
        "Envoyez l'ETag lu par GET dans l'en-tête If-Match.",
    ),
    ("TooManyRequests", 429, "Too many requests; retry after `Retry-After` seconds.", "Réessayez dans 30 s."),
    (
        "InternalServerError",
        500,
        "A fault of the server, logged with the request id; the answer carries no internals.",
        "Une erreur inattendue s'est produite ; elle a été journalisée avec l'identifiant de la requête.",
    ),
    (
        "ServiceUnavailable",
        503,
        "The database cannot be reached now; retry after `Retry-After` seconds.",
        "La base de données est momentanément injoignable.",
    ),
];

/// Drops the shared problem responses that no operation refers to (e.g. 429 while no operation
/// is throttled), so that the document lists only what the server can answer.
pub(super) fn prune_unused_responses(document: &mut Value) {
    fn collect(value: &Value, used: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(name) =
                    map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/responses/"))
                {
                    used.push(name.to_owned());
                }
                map.values().for_each(|child| collect(child, used));
            }
            Value::Array(items) => items.iter().for_each(|child| collect(child, used)),
            _ => {}
        }
    }
    let mut used = Vec::new();
    collect(&document["paths"], &mut used);
    if let Some(responses) = document["components"].get_mut("responses").and_then(Value::as_object_mut) {
        responses.retain(|name, _| used.contains(name));
    }
}

pub(super) fn add_problem_responses(document: &mut Value) {
    let mut responses = Map::new();
    for (name, status, description, detail) in PROBLEM_RESPONSES {
        let mut headers = Map::new();
        if *status == 429 || *status == 503 {
            headers.insert(
                "Retry-After".into(),
                json!({
                    "description": "Seconds to wait before retrying",
                    "schema": {"type": "integer", "format": "int32", "minimum": 0}
                }),
            );
        }
        if *status == 401 {
            headers.insert(
                "WWW-Authenticate".into(),
                json!({"description": "The authentication scheme", "schema": {"type": "string"}}),
            );
        }
        let mut response = json!({
            "description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": PROBLEM_REF},
                "example": {"type": format!("urn:djcd:problem:{}", slug(name)), "title": name, "status": status, "detail": detail, "code": code(name)}
            }}
        });
        if !headers.is_empty() {
            response["headers"] = Value::Object(headers);
        }
        responses.insert((*name).into(), response);
    }
    if let Some(components) = document.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("responses".into(), Value::Object(responses));
    }
}

/// The problem's code in the example: its kind, or the conflict's reason.
fn code(name: &str) -> String {
    match name {
        "IdempotencyInProgress" => "idempotency_in_progress".to_owned(),
        _ => slug(name).replace('-', "_"),
    }
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
