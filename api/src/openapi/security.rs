//! Security schemes and each operation's security, 401/403 and allowed roles, read from the policy table.
use serde_json::{Map, Value, json};

use crate::auth::{
    Role,
    policy::{self, Action},
};

pub(super) fn add_security_schemes(document: &mut Value) {
    let schemes = json!({
        "bearer": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "An access token from `POST /api/v1/auth/login` (staff) or `POST /api/v1/auth/token` (partner systems). JWT best practices of RFC8725: the algorithm is pinned (HS256 with a `kid`), `iss`, `aud`, `exp`, `nbf` and `iat` are required and checked, tokens live 15 minutes."
        },
        "password": {
            "type": "oauth2",
            "description": "Staff, from Swagger UI's *Authorize*: your e-mail address as username and your password, exchanged at `POST /api/v1/auth/token` (`grant_type=password`, form-encoded) for the same session a login opens (a 15-minute access token and a single-use refresh token, `grant_type=refresh_token` at the same address); the access token is then sent as a bearer token. Leave client_id and client_secret empty. JWT best practices of RFC8725, as for `bearer`: pinned algorithm, every registered claim checked.",
            "flows": {"password": {"tokenUrl": "/api/v1/auth/token", "refreshUrl": "/api/v1/auth/token", "scopes": {}}}
        },
        "client_credentials": {
            "type": "oauth2",
            "description": "Partner systems: OAuth 2.0 client credentials of a machine account. The tokens follow RFC8725 (pinned algorithm, every registered claim checked, 15-minute lifetime).",
            "flows": {"clientCredentials": {"tokenUrl": "/api/v1/auth/token", "scopes": {}}}
        }
    });
    if let Some(components) = document.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("securitySchemes".into(), schemes);
    }
}

fn role_names(roles: &[Role]) -> String {
    roles.iter().map(|role| format!("`{}`", role.as_str())).collect::<Vec<_>>().join(", ")
}

/// Security, 401/403 and the allowed roles of an operation, all read from the policy table.
pub(super) fn apply_policy(operation: &mut Map<String, Value>, action: Option<Action>) {
    let Some(action) = action else {
        operation.insert("security".into(), json!([]));
        return;
    };
    let roles = policy::roles_for(action);
    let mut security = vec![json!({"bearer": []})];
    if roles.iter().any(|role| *role != Role::Partner) {
        security.push(json!({"password": []}));
    }
    if roles.contains(&Role::Partner) {
        security.push(json!({"client_credentials": []}));
    }
    operation.insert("security".into(), Value::Array(security));
    operation.insert(
        "x-permission".into(),
        json!({"action": action.code(), "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()}),
    );
    let note = format!("\n\n**Allowed roles:** {}.", role_names(roles));
    let description = operation.get("description").and_then(Value::as_str).unwrap_or("").to_owned();
    operation.insert("description".into(), Value::String(format!("{description}{note}").trim_start().to_owned()));
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    if let Some(responses) = responses.as_object_mut() {
        responses.entry("401").or_insert_with(|| json!({"$ref": "#/components/responses/Unauthorized"}));
        if roles.len() < Role::ALL.len() {
            responses.entry("403").or_insert_with(|| json!({"$ref": "#/components/responses/Forbidden"}));
        }
    }
}
