//! What each operation gets from the shared mechanisms: its problem statuses, `Idempotency-Key`,
//! `If-Match`, CSV export and rate limit.
use serde_json::{Map, Value, json};

use super::{constraints::constrain_parameters, security::apply_policy};
use crate::auth::policy::{self, Action};

/// List operations that also answer `text/csv` (see `http::export`).
const CSV_EXPORTS: &[&str] =
    &["list_partners", "list_agreements", "list_projects", "list_funding_lines", "list_events"];

/// Operations that answer 429 when a caller goes over its allowance.
const THROTTLED: &[&str] = &["login", "issue_client_token", "redeliver_webhook"];
/// Operations whose `If-Match` is optional (a move honours it when sent).
const OPTIONAL_IF_MATCH: &[&str] = &["change_agreement_status", "create_status_update"];
/// `Idempotency-Key` as `http::idempotency` accepts it: 1 to 255 visible ASCII characters.
const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]{1,255}$";
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

pub(super) fn complete_operation(path: &str, method: &str, operation: &mut Map<String, Value>) {
    let operation_id = operation.get("operationId").and_then(Value::as_str).unwrap_or("").to_owned();
    // An operation missing from the policy table fails the tests; until then it is documented closed.
    apply_policy(operation, policy::operation_action(&operation_id).unwrap_or(Some(Action::ManageUsers)));
    // `http::idempotency` serves every POST made with a token: each one takes `Idempotency-Key`.
    if method == "post" && operation.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty()) {
        let parameters = operation.entry("parameters").or_insert_with(|| json!([]));
        if let Some(parameters) = parameters.as_array_mut()
            && !parameters.iter().any(|p| p["name"] == IDEMPOTENCY_KEY)
        {
            parameters.push(json!({"name": IDEMPOTENCY_KEY, "in": "header", "required": false}));
        }
    }
    let has_body = operation.contains_key("requestBody");
    let has_params = operation.get("parameters").and_then(Value::as_array).is_some_and(|p| !p.is_empty());
    // A cursor of the right syntax that does not fit the request (another sort, other filters, not
    // made by this list) is a 422 naming `cursor` with the reason (`records::listing`); so is an
    // unknown value in a multi-value filter (`validate::CodeSet`).
    let lists = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| p.iter().any(|p| p["name"] == "cursor" || p.get("explode") == Some(&json!(false))));
    let mut add = |status: u16, name: &str| {
        let responses = operation.entry("responses").or_insert_with(|| json!({}));
        if let Some(responses) = responses.as_object_mut() {
            responses
                .entry(status.to_string())
                .or_insert_with(|| json!({"$ref": format!("#/components/responses/{name}")}));
        }
    };
    if has_body || has_params {
        add(400, "BadRequest");
    }
    if path.contains('{') {
        add(404, "NotFound");
    }
    if lists {
        add(422, "ValidationFailed");
    }
    if has_body {
        add(413, "PayloadTooLarge");
        add(415, "UnsupportedMediaType");
        add(422, "ValidationFailed");
    }
    if matches!(method, "put" | "patch" | "delete") {
        add(412, "PreconditionFailed");
        add(428, "PreconditionRequired");
    }
    if OPTIONAL_IF_MATCH.contains(&operation_id.as_str()) {
        add(412, "PreconditionFailed");
    }
    // Partner systems are metered on every route they may call (`partner_api::caller::Metered`).
    if THROTTLED.contains(&operation_id.as_str())
        || path.starts_with("/api/v1/partner/")
        || path.starts_with("/api/v1/iati/")
    {
        add(429, "TooManyRequests");
    }
    if path.starts_with("/api/") || path == "/health/ready" {
        add(503, "ServiceUnavailable");
    }
    add(500, "InternalServerError");
    if CSV_EXPORTS.contains(&operation_id.as_str())
        && let Some(ok) = operation.get_mut("responses").and_then(|r| r.get_mut("200")).and_then(Value::as_object_mut)
    {
        let content = ok.entry("content").or_insert_with(|| json!({}));
        content["text/csv"] = json!({
            "schema": {"type": "string", "maxLength": 1_000_000_000},
            "example": "\u{feff}name;country\r\nFès;MA\r\n"
        });
        let description = operation.get("description").and_then(Value::as_str).unwrap_or("").to_owned();
        operation.insert(
            "description".into(),
            Value::String(format!(
                "{description}\n\nWith `Accept: text/csv` (`; separator=semicolon` for French spreadsheets), every matching row, \
                 the same filters and no paging, streamed as UTF-8 CSV with a byte-order mark."
            )),
        );
    }
    complete_idempotency_key(operation);
    let versioned = matches!(method, "put" | "patch" | "delete");
    if versioned || OPTIONAL_IF_MATCH.contains(&operation_id.as_str()) {
        let parameters = operation.entry("parameters").or_insert_with(|| json!([]));
        if let Some(parameters) = parameters.as_array_mut() {
            parameters.push(json!({
                "name": "If-Match", "in": "header", "required": versioned,
                "description": "The ETag read by GET: the change applies only to that version (412 otherwise).",
                "schema": {"type": "string", "maxLength": 100, "pattern": "^(\\*|(W/)?\"[^\"]*\")$"},
                "example": "\"1\""
            }));
        }
    }
    if method == "get" && path.starts_with("/api/v1/") {
        complete_conditional_get(operation);
    }
    constrain_parameters(operation);
}

/// Conditional GET (`http::conditional::conditional_get`): every read's 200 carries an `ETag`, and
/// `If-None-Match` naming it gets a 304 with no body.
fn complete_conditional_get(operation: &mut Map<String, Value>) {
    let parameters = operation.entry("parameters").or_insert_with(|| json!([]));
    if let Some(parameters) = parameters.as_array_mut()
        && !parameters.iter().any(|p| p["name"] == "If-None-Match")
    {
        parameters.push(json!({
            "name": "If-None-Match", "in": "header", "required": false,
            "description": "The `ETag` of the copy the client holds (or several, comma-separated, or `*`): when it is still current the answer is a 304 with no body (weak comparison).",
            "schema": {"type": "string", "maxLength": 1000, "pattern": "^(\\*|(W/)?\"[!#-~]*\"(\\s*,\\s*(W/)?\"[!#-~]*\")*)$"},
            "example": "W/\"5c3a255f9a28183a3cc6d8ee44625bab\""
        }));
    }
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { return };
    // A malformed `If-None-Match` is refused (`http::conditional`).
    responses.entry("400").or_insert_with(|| json!({"$ref": "#/components/responses/BadRequest"}));
    if let Some(headers) = responses
        .get_mut("200")
        .and_then(Value::as_object_mut)
        .map(|ok| ok.entry("headers").or_insert_with(|| json!({})))
        && let Some(headers) = headers.as_object_mut()
    {
        headers.entry("ETag").or_insert_with(|| {
            json!({
                "description": "A weak ETag of this answer, `W/\"<hash of the body>\"`, for `If-None-Match` (none on a streamed CSV export)",
                "schema": {"type": "string"}
            })
        });
    }
    let not_modified = responses
        .entry("304")
        .or_insert_with(|| json!({"description": "Not modified: `If-None-Match` names the current `ETag`; no body"}));
    if let Some(not_modified) = not_modified.as_object_mut() {
        let headers = not_modified.entry("headers").or_insert_with(|| json!({}));
        if let Some(headers) = headers.as_object_mut() {
            headers.entry("ETag").or_insert_with(
                || json!({"description": "The current ETag, the one named", "schema": {"type": "string"}}),
            );
        }
    }
}

/// Where an operation takes `Idempotency-Key`: its syntax, and the answers of the middleware
/// (`http::idempotency`): 409 while a request with the same key is being served, 422 when the key
/// was used with another body.
fn complete_idempotency_key(operation: &mut Map<String, Value>) {
    let Some(parameter) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .and_then(|parameters| parameters.iter_mut().find(|p| p["name"] == IDEMPOTENCY_KEY && p["in"] == "header"))
    else {
        return;
    };
    parameter["schema"] =
        json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN});
    parameter["description"] = json!(
        "Any 1 to 255 visible ASCII characters, new for each change (a fresh UUID does). A retry with the same key and body replays the first answer (with `Idempotent-Replayed: true`); the same key with another body is a 422; while the first request is being served, a 409. In Swagger UI, leave it empty (or type a new value each time): a key kept from one try to the next makes every later change a replay or a 422. / Laisser vide dans Swagger UI."
    );
    // No example on purpose: Swagger UI pre-fills examples, and one fixed key would turn every
    // later POST of that user into a replay or a 422 for a day.
    if let Some(parameter) = parameter.as_object_mut() {
        parameter.remove("example");
    }
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else { return };
    responses.entry("422").or_insert_with(|| json!({"$ref": "#/components/responses/ValidationFailed"}));
    match responses.get_mut("409") {
        None => {
            responses.insert("409".into(), json!({"$ref": "#/components/responses/IdempotencyInProgress"}));
        }
        Some(conflict) => {
            if let Some(description) = conflict.get("description").and_then(Value::as_str) {
                let description =
                    format!("{description}; or a request with the same `Idempotency-Key` is still being served");
                conflict["description"] = json!(description);
            }
        }
    }
}
