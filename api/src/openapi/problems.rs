//! The shared problem responses (`components/responses`): one per status the server answers with a
//! problem document, added to the components and then pruned to those the operations refer to.
use serde_json::{Map, Value, json};

use crate::{error::ApiError, i18n::Lang};

const PROBLEM_REF: &str = "#/components/schemas/ProblemDocument";

/// The shared problem responses, by name: (name, status, description). Their examples are
/// rendered from the errors the server really answers with ([`example_error`]).
const PROBLEM_RESPONSES: &[(&str, u16, &str)] = &[
    ("BadRequest", 400, "The request cannot be parsed: malformed JSON, wrong type, unknown field or bad parameter."),
    ("Unauthorized", 401, "No valid bearer token."),
    ("Forbidden", 403, "The caller's role does not allow this action."),
    ("NotFound", 404, "No such resource."),
    (
        "PreconditionFailed",
        412,
        "`If-Match` names a version that is no longer current; the current ETag is in the problem and the `ETag` header.",
    ),
    ("PayloadTooLarge", 413, "The body exceeds the configured limit."),
    (
        "IdempotencyInProgress",
        409,
        "A request with the same `Idempotency-Key` is still being served; retry in a moment.",
    ),
    ("UnsupportedMediaType", 415, "The body is not `application/json`."),
    ("ValidationFailed", 422, "The body parses but breaks a rule; `errors` lists each one."),
    ("PreconditionRequired", 428, "`If-Match` is required to change this resource."),
    ("TooManyRequests", 429, "Too many requests; retry after `Retry-After` seconds."),
    ("InternalServerError", 500, "A fault of the server, logged with the request id; the answer carries no internals."),
    ("ServiceUnavailable", 503, "The database cannot be reached now; retry after `Retry-After` seconds."),
];

/// A real error of `status`, as the server answers it, for the examples of the document; the
/// operation refines it where it has an error of its own (a wrong password on sign-in…).
fn example_error(status: u16, operation_id: &str) -> Option<ApiError> {
    use crate::i18n::Text;
    Some(match (status, operation_id) {
        (400, _) => ApiError::bad_request(Text::fixed(
            "JSON mal formé : EOF while parsing an object at line 1 column 1",
            "Malformed JSON: EOF while parsing an object at line 1 column 1",
        )),
        (401, "login" | "issue_client_token") => crate::routes::auth::handlers::bad_credentials(),
        (401, "refresh_session") => crate::sessions::invalid_refresh_token(),
        (401, "change_password") => {
            ApiError::Unauthorized(Text::fixed("Mot de passe actuel incorrect.", "Wrong current password."))
        }
        (401, _) => crate::http::authenticate::unauthorized(),
        (403, _) => ApiError::Forbidden,
        (404, _) => ApiError::NotFound,
        (409, "" | "IdempotencyInProgress") => {
            ApiError::conflict("idempotency_in_progress", crate::http::idempotency::in_progress_text())
        }
        (409, _) => ApiError::conflict(
            "already_exists",
            Text::fixed("Cet enregistrement existe déjà.", "This record already exists."),
        ),
        (412, _) => ApiError::PreconditionFailed { current_etag: "\"3\"".into() },
        (413, _) => ApiError::PayloadTooLarge { limit: 1_048_576 },
        (415, "issue_client_token") => {
            ApiError::UnsupportedMediaType { expected: "application/x-www-form-urlencoded or application/json" }
        }
        (415, _) => ApiError::UnsupportedMediaType { expected: "application/json" },
        (422, _) => ApiError::invalid(
            "label_fr",
            "length",
            Text::fixed("Entre 1 et 200 caractères.", "Between 1 and 200 characters."),
        ),
        (428, _) => ApiError::PreconditionRequired,
        (429, _) => ApiError::TooManyRequests { retry_after: std::time::Duration::from_secs(30) },
        (500, _) => ApiError::Internal(anyhow::anyhow!("example")),
        (503, _) => ApiError::Unavailable("example".into()),
        _ => return None,
    })
}

/// The example problem document of a response `status` of `operation_id` at `path`.
fn example(status: u16, operation_id: &str, path: Option<&str>) -> Option<Value> {
    let error = example_error(status, operation_id)?;
    let mut body = error.problem().render(Lang::Fr, path);
    body["request_id"] = json!("0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e");
    Some(body)
}

/// Gives each problem response written in an operation (not a shared one) an example of its own
/// status, so that no 401 shows the schema's 422 example.
pub(super) fn add_problem_examples(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for operation in item.values_mut() {
            let operation_id = operation["operationId"].as_str().unwrap_or("").to_owned();
            let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            for (status, response) in responses.iter_mut() {
                let Some(media) =
                    response.pointer_mut("/content/application~1problem+json").and_then(Value::as_object_mut)
                else {
                    continue;
                };
                if media.contains_key("example") || media.contains_key("examples") {
                    continue;
                }
                if let Some(example) = status.parse().ok().and_then(|status| example(status, &operation_id, Some(path)))
                {
                    media.insert("example".into(), example);
                }
            }
        }
    }
}

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
    for (name, status, description) in PROBLEM_RESPONSES {
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
                "example": example(*status, name, None)
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every example of a problem response, shared or an operation's own, has the status it is
    /// listed under, and names the problem type the server sends for it.
    #[test]
    fn every_problem_example_has_the_status_of_its_response() {
        let document = super::super::document();
        let mut checked = 0;
        let mut check = |at: &str, status: &str, response: &Value| {
            let Some(media) = response.pointer("/content/application~1problem+json") else { return };
            let example = &media["example"];
            assert!(example.is_object(), "{at} {status}: a problem response without an example");
            assert_eq!(example["status"].to_string(), status, "{at}: the example under {status} is {example}");
            assert!(example["type"].as_str().is_some_and(|t| t.starts_with("urn:djcd:problem:")), "{at} {status}");
            checked += 1;
        };
        for (name, response) in document["components"]["responses"].as_object().expect("shared responses") {
            let status = response.pointer("/content/application~1problem+json/example/status").map(Value::to_string);
            // A shared response is checked against the status of every operation that refers to it.
            for (path, item) in document["paths"].as_object().expect("paths") {
                for (method, operation) in item.as_object().expect("path item") {
                    for (code, used) in operation["responses"].as_object().into_iter().flatten() {
                        if used["$ref"] == format!("#/components/responses/{name}") {
                            assert_eq!(status.as_deref(), Some(code.as_str()), "{method} {path} {code} → {name}");
                        }
                    }
                }
            }
        }
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                    check(&format!("{method} {path}"), status, response);
                }
            }
        }
        assert!(checked > 10, "only {checked} operation problem responses checked");
        let login = &document["paths"]["/api/v1/auth/login"]["post"]["responses"]["401"];
        let example = &login["content"]["application/problem+json"]["example"];
        assert_eq!(example["type"], "urn:djcd:problem:unauthorized");
        assert_eq!(example["detail"], "Adresse e-mail ou mot de passe incorrect.");
    }
}
