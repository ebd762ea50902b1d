//! The OpenAPI document: collected from the routes' `#[utoipa::path]` attributes, then completed by
//! rules that mirror the shared mechanisms (every body can be refused with 400/413/415/422, every
//! `PUT`/`PATCH`/`DELETE` needs `If-Match`, every path id can be unknown…), so that each operation lists
//! the statuses the server can really return.
use actix_web::App;
use serde_json::{Map, Value, json};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::{
    auth::{
        Role,
        policy::{self, Action},
    },
    money, routes,
    validate::{self, CODE_PATTERN, TEXT_PATTERN},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "DJCD API",
        description = include_str!("openapi_description.md"),
        contact(name = "Direction du Jumelage et de la Coopération Décentralisée, Mairie du District de Bamako", email = "djcd@bamako.ml"),
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "This server (local, test or production): the document is served by the API it describes")),
    components(schemas(crate::error::ProblemDocument, crate::error::FieldErrorDocument)),
    tags(
        (name = "health", description = "Probes for orchestrators: liveness and readiness."),
        (name = "vocabularies", description = "Every code list of the API with French and English labels. / Toutes les listes de codes de l'API, libellés en français et en anglais."),
        (name = "auth", description = "Sign-in for the DJCD's staff (e-mail and password, rotating refresh tokens) and for partners' systems (OAuth 2.0 client credentials). / Connexion du personnel et des systèmes partenaires."),
        (name = "users", description = "The DJCD's people (director, division heads, agents) and partners' machine accounts, managed by the director. / Les comptes du personnel et des systèmes partenaires."),
        (name = "partners", description = "The organisations the city works with: partner cities, networks of local governments (AIMF, METROPOLIS, UCLG Africa…), technical and financial partners (PTF: donors and development agencies), NGOs, State services. / Les partenaires de la ville : villes, réseaux, PTF, ONG, services de l'État."),
        (name = "agreements", description = "Twinnings (jumelages), decentralized-cooperation conventions (coopération décentralisée), network memberships, memoranda and financing agreements, with the life of their status: in gestation, active, dormant, suspended, ended. / Jumelages, conventions, adhésions et leur statut."),
        (name = "projects", description = "The city's projects: their status (IATI activity status), append-only timeline, participants (IATI organisation roles), communes and financing. / Les projets de la ville, leur avancement et leur financement."),
        (name = "financing", description = "Funding lines (pledges, commitments, disbursements, expenditures) as exact decimal strings in their currency, and the exchange rates to XOF (EUR at the fixed parity 655.957). / Lignes de financement et taux de change."),
        (name = "partner", description = "For partner cities' and donors' systems (machine accounts, OAuth 2.0 client credentials): the projects they take part in, their timeline and a change feed, with conditional requests and a per-account rate limit. / Pour les systèmes des partenaires."),
        (name = "webhooks", description = "Signed notifications of changes to partner systems, retried for 24 hours, with a delivery log. / Notifications signées aux systèmes partenaires."),
        (name = "iati", description = "Projects published as IATI 2.03 activities (International Aid Transparency Initiative). / Publication IATI des projets."),
        (name = "evaluations", description = "Periodic evaluations of the partnerships, on a cadence per agreement, signed off by the division head or the director. / Évaluations périodiques des partenariats."),
        (name = "events", description = "Round tables of technical and financial partners (PTF), delegation visits, youth exchanges, signings, general assemblies, and the pledges announced at round tables. / Événements : tables rondes des PTF, visites, échanges."),
        (name = "stats", description = "The dashboard: agreements, projects and financing figures (the share of classic PTFs), inactive relations, pledges followed to disbursement, partners on a map (GeoJSON). / Tableau de bord."),
        (name = "audit", description = "Who changed what, when, in which request, with the values before and after. / Le journal des modifications."),
        (name = "domains", description = "The domains of cooperation (formation, santé, hydraulique, voirie…) that partners, agreements and projects are tagged with. / Les domaines de coopération."),
    )
)]
struct BaseDocument;

/// The document the server serves at `/api-docs/openapi.json` and `openapi/openapi.json` holds.
pub fn document() -> Value {
    let (_, generated) = App::new()
        .into_utoipa_app()
        .openapi(BaseDocument::openapi())
        .configure(routes::configure_all)
        .split_for_parts();
    let mut document = serde_json::to_value(&generated).unwrap_or_else(|_| json!({}));
    complete(&mut document);
    document
}

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

/// List operations that also answer `text/csv` (see `http::export`).
const CSV_EXPORTS: &[&str] =
    &["list_partners", "list_agreements", "list_projects", "list_funding_lines", "list_events"];

/// Operations that answer 429 when a caller goes over its allowance.
const THROTTLED: &[&str] = &["login", "issue_client_token", "redeliver_webhook"];
/// Operations whose `If-Match` is optional (a move honours it when sent).
const OPTIONAL_IF_MATCH: &[&str] = &["change_agreement_status", "create_status_update"];
/// Update bodies that the server refuses when empty.
const NON_EMPTY_BODIES: &[&str] = &["UpdateDomain"];
/// Fields that go together: (body, field, field): when one is a number, so is the other.
const PAIRED_FIELDS: &[(&str, &str, &str)] = &[("CreatePartner", "latitude", "longitude")];
/// The longest RFC 3339 instant: nanoseconds and an offset (`2026-11-27T17:33:13.123456789+00:00`).
const DATE_TIME_MAX: usize = 35;
const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]+$";
/// `Idempotency-Key` as `http::idempotency` accepts it: 1 to 255 visible ASCII characters.
const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]{1,255}$";
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

fn complete(document: &mut Value) {
    add_problem_responses(document);
    add_security_schemes(document);
    document["servers"][0]["x-internal"] = json!(false);
    constrain_request_schemas(document);
    add_role_rules(document);
    add_pair_rules(document);
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            complete_operation(path, method, operation);
        }
    }
    add_links(document);
    prune_unused_responses(document);
}

/// OpenAPI links from each creation (`201`) to the operations on what it created: the record's
/// id (or code) in the answer fills the path parameter of its read, update, archive and sub-routes,
/// so that clients and stateful test tools follow a record from its creation. The created record
/// is the one whose read (`GET …/{id}`) answers the same schema as the 201 (or as one of its
/// properties: `{"account": …, "password": …}`); between two such reads, the one under the same
/// collection as the creation wins (`POST /users` → `/users/{id}`, not `/machine-accounts/{id}`).
fn add_links(document: &mut Value) {
    let schema_name = |schema: &Value| {
        schema.get("$ref").and_then(Value::as_str).map(|r| r.trim_start_matches("#/components/schemas/").to_owned())
    };
    let single_parameter = |template: &str| {
        let parameters: Vec<&str> =
            template.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        (parameters.len() == 1).then(|| parameters[0].to_owned())
    };
    let Some(paths) = document.get("paths").and_then(Value::as_object).cloned() else { return };
    // The reads by key: (template, parameter, schema answered).
    let reads: Vec<(String, String, String)> = paths
        .iter()
        .filter(|(template, _)| template.ends_with('}'))
        .filter_map(|(template, item)| {
            let schema = &item["get"]["responses"]["200"]["content"]["application/json"]["schema"];
            Some((template.clone(), single_parameter(template)?, schema_name(schema)?))
        })
        .collect();
    let schemas = document["components"]["schemas"].clone();
    for (path, item) in &paths {
        let Some(created) = schema_name(&item["post"]["responses"]["201"]["content"]["application/json"]["schema"])
        else {
            continue;
        };
        // The created schema itself, or one of its properties, with the JSON pointer to its key.
        let mut wanted = vec![(created.clone(), String::new())];
        if let Some(properties) = schemas[&created]["properties"].as_object() {
            for (property, schema) in properties {
                if let Some(name) = schema_name(schema) {
                    wanted.push((name, format!("/{property}")));
                }
            }
        }
        let collection = path.split('/').take(4).collect::<Vec<_>>().join("/");
        let mut candidates: Vec<(&String, &String, String)> = reads
            .iter()
            .flat_map(|(template, parameter, schema)| {
                wanted
                    .iter()
                    .filter(move |(name, _)| name == schema)
                    .map(move |(_, at)| (template, parameter, format!("$response.body#{at}/{parameter}")))
            })
            .collect();
        if candidates.len() > 1 {
            candidates.retain(|(template, _, _)| template.starts_with(&format!("{collection}/")));
        }
        let [(target, parameter, value)] = candidates.as_slice() else { continue };
        let mut links = Map::new();
        for (template, operations) in &paths {
            if template != *target && !template.starts_with(&format!("{target}/")) {
                continue;
            }
            if single_parameter(template).as_deref() != Some(parameter.as_str()) {
                continue;
            }
            for operation in operations.as_object().into_iter().flat_map(|o| o.values()) {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else { continue };
                links.insert(id.to_owned(), json!({"operationId": id, "parameters": {parameter.as_str(): value}}));
            }
        }
        if !links.is_empty() {
            document["paths"][path]["post"]["responses"]["201"]["links"] = Value::Object(links);
        }
    }
}

/// Drops the shared problem responses that no operation refers to (e.g. 429 while no operation
/// is throttled), so that the document lists only what the server can answer.
fn prune_unused_responses(document: &mut Value) {
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

fn add_problem_responses(document: &mut Value) {
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
                "example": {"type": format!("urn:djcd:problem:{}", slug(name)), "title": name, "status": status, "detail": detail}
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

fn add_security_schemes(document: &mut Value) {
    let schemes = json!({
        "bearer": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "An access token from `POST /api/v1/auth/login` (staff) or `POST /api/v1/auth/token` (partner systems). JWT best practices of RFC8725: the algorithm is pinned (HS256 with a `kid`), `iss`, `aud`, `exp`, `nbf` and `iat` are required and checked, tokens live 15 minutes."
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
fn apply_policy(operation: &mut Map<String, Value>, action: Option<Action>) {
    let Some(action) = action else {
        operation.insert("security".into(), json!([]));
        return;
    };
    let roles = policy::roles_for(action);
    let mut security = vec![json!({"bearer": []})];
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

fn complete_operation(path: &str, method: &str, operation: &mut Map<String, Value>) {
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
    constrain_parameters(operation);
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
        "Any 1 to 255 visible ASCII characters, new for each change (a UUID does). A retry with the same key and body replays the first answer (with `Idempotent-Replayed: true`); the same key with another body is a 422; while the first request is being served, a 409."
    );
    parameter["example"] = json!("0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e");
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

/// The role/division rule of people's accounts, as JSON Schema conditions: division heads and
/// agents have a division, the director none; a division changes only with the role.
fn add_role_rules(document: &mut Value) {
    let staff_with_division =
        json!({"required": ["role"], "properties": {"role": {"enum": ["division_head", "agent"]}}});
    let then = json!({"required": ["division"], "properties": {"division": {"not": {"type": "null"}}}});
    let otherwise = json!({"properties": {"division": {"type": "null"}}});
    for name in ["CreateUser", "UpdateUser"] {
        if let Some(schema) = document["components"]["schemas"].get_mut(name).and_then(Value::as_object_mut) {
            schema.insert("if".into(), staff_with_division.clone());
            schema.insert("then".into(), then.clone());
            schema.insert("else".into(), otherwise.clone());
            if name == "UpdateUser" {
                // A division is sent only with a role (`null` is no role: it keeps the current one).
                let with_role = json!({
                    "if": {"required": ["division"]},
                    "then": {"required": ["role"], "properties": {"role": {"not": {"type": "null"}}}}
                });
                all_of(schema).push(with_role);
            }
        }
    }
}

/// Numbers that go together (`PAIRED_FIELDS`): both or neither.
fn add_pair_rules(document: &mut Value) {
    for (name, first, second) in PAIRED_FIELDS {
        let Some(schema) = document["components"]["schemas"].get_mut(*name).and_then(Value::as_object_mut) else {
            continue;
        };
        let given = |field: &str| json!({"required": [field], "properties": {field: {"type": "number"}}});
        let rules =
            [json!({"if": given(first), "then": given(second)}), json!({"if": given(second), "then": given(first)})];
        all_of(schema).extend(rules);
    }
}

/// The `allOf` list of a schema, created when missing.
fn all_of(schema: &mut Map<String, Value>) -> &mut Vec<Value> {
    let list = schema.entry("allOf").or_insert_with(|| json!([]));
    if !list.is_array() {
        *list = json!([]);
    }
    list.as_array_mut().expect("an array")
}

/// Bounds on path and query parameters, as the server enforces them.
fn constrain_parameters(operation: &mut Map<String, Value>) {
    let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else { return };
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap_or("").to_owned();
        let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut) else { continue };
        let is_string = schema
            .get("type")
            .is_some_and(|t| t == "string" || t.as_array().is_some_and(|a| a.contains(&json!("string"))));
        if !is_string || schema.contains_key("maxLength") || schema.contains_key("enum") {
            continue;
        }
        match (name.as_str(), schema.get("format").and_then(Value::as_str)) {
            (_, Some("uuid")) => {
                schema.insert("maxLength".into(), json!(36));
            }
            (_, Some("date")) => {
                schema.insert("maxLength".into(), json!(10));
                schema.insert("pattern".into(), json!(validate::DATE_PATTERN));
            }
            (_, Some("date-time")) => {
                schema.insert("maxLength".into(), json!(DATE_TIME_MAX));
            }
            ("cursor", _) => {
                schema.insert("maxLength".into(), json!(512));
                schema.insert("pattern".into(), json!(CURSOR_PATTERN));
            }
            ("code", _) => {
                schema.insert("minLength".into(), json!(2));
                schema.insert("maxLength".into(), json!(validate::CODE_MAX));
                schema.insert("pattern".into(), json!(CODE_PATTERN));
            }
            // Anything else says its own bounds in its declaration; a missing one is a finding of
            // the contract lint, never a guess here.
            _ => {}
        }
    }
}

/// Request bodies: free text gets the pattern the server enforces, identifiers their length.
fn constrain_request_schemas(document: &mut Value) {
    let mut names: Vec<String> = Vec::new();
    collect_refs(&document["paths"].clone(), &mut names, true);
    let mut index = 0;
    while index < names.len() {
        let schema = document["components"]["schemas"][&names[index]].clone();
        collect_refs(&schema, &mut names, false);
        index += 1;
    }
    for name in names {
        let Some(schema) = document["components"]["schemas"].get_mut(&name).and_then(Value::as_object_mut) else {
            continue;
        };
        if NON_EMPTY_BODIES.contains(&name.as_str()) {
            schema.insert("minProperties".into(), json!(1));
        }
        add_money_rules(schema);
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for property in properties.values_mut() {
            constrain_string(property);
            if let Some(items) = property.get_mut("items") {
                constrain_string(items);
            }
        }
    }
}

/// The kinds of value that request fields name with `format = "…"` in their DTO, replaced by what
/// the server's check of that kind accepts (the rules live in `validate` and `money`). Standard
/// formats whose usual validators accept other values than the server (`email`) are replaced the
/// same way, so that the document says exactly what the server takes.
fn value_kind(kind: &str) -> Option<Value> {
    let text = |pattern: &str, min: usize, max: usize| json!({"pattern": pattern, "minLength": min, "maxLength": max});
    let widest = money::decimal_counts().into_iter().max().unwrap_or(0);
    Some(match kind {
        "email" => json!({"pattern": validate::EMAIL_PATTERN, "minLength": 5, "maxLength": validate::EMAIL_MAX}),
        "web-address" => {
            json!({"pattern": validate::WEB_ADDRESS_PATTERN, "minLength": 7, "maxLength": validate::WEB_ADDRESS_MAX})
        }
        "country" => text(validate::COUNTRY_PATTERN, 2, 2),
        "language" => text(validate::LANGUAGE_PATTERN, 2, 2),
        "code" => text(CODE_PATTERN, 2, validate::CODE_MAX),
        "phone" => text(validate::PHONE_PATTERN, 3, 40),
        // Free text items of a list (`check_text` with these bounds).
        "name" => text(TEXT_PATTERN, 1, 200),
        "line" => text(TEXT_PATTERN, 1, 500),
        "currency" => json!({"enum": money::known_currencies().collect::<Vec<_>>()}),
        "rate-currency" => {
            json!({"enum": money::known_currencies().filter(|c| !["XOF", "EUR"].contains(c)).collect::<Vec<_>>()})
        }
        "amount" => decimal(money::AMOUNT_INTEGER_DIGITS, widest),
        "rate" => decimal(money::RATE_INTEGER_DIGITS, money::RATE_DECIMALS),
        _ => return None,
    })
}

fn decimal(integer_digits: usize, decimals: u32) -> Value {
    json!({
        "pattern": money::decimal_pattern(integer_digits, decimals),
        "minLength": 1,
        "maxLength": money::decimal_max_length(integer_digits, decimals)
    })
}

/// An amount with its currency (`format = "amount"` and `format = "currency"`): the amount has no
/// more decimals than the currency (`money::parse_amount`). With a `default` currency, an absent
/// or null one is that currency.
fn add_money_rules(schema: &mut Map<String, Value>) {
    let property = |field: &str, key: &str| {
        schema.get("properties").and_then(|p| p.get(field)).and_then(|p| p.get(key)).and_then(Value::as_str)
    };
    if property("amount", "format") != Some("amount") || property("currency", "format") != Some("currency") {
        return;
    }
    let default = property("currency", "default").map(str::to_owned);
    let amount_in = |decimals: u32| json!({"properties": {"amount": decimal(money::AMOUNT_INTEGER_DIGITS, decimals)}});
    let mut rules: Vec<Value> = money::decimal_counts()
        .into_iter()
        .map(|decimals| {
            json!({
                "if": {"required": ["currency"], "properties": {"currency": {"enum": money::currencies_with(decimals)}}},
                "then": amount_in(decimals)
            })
        })
        .collect();
    if let Some(decimals) = default.as_deref().and_then(money::minor_units) {
        rules.push(json!({"if": {"properties": {"currency": {"type": "null"}}}, "then": amount_in(decimals)}));
    }
    all_of(schema).extend(rules);
}

fn constrain_string(property: &mut Value) {
    let Some(property) = property.as_object_mut() else { return };
    let is_string = property
        .get("type")
        .is_some_and(|t| t == "string" || t.as_array().is_some_and(|a| a.contains(&json!("string"))));
    if !is_string || property.contains_key("enum") {
        return;
    }
    let nullable = property.get("type").and_then(Value::as_array).is_some_and(|t| t.contains(&json!("null")));
    if let Some(kind) = property.get("format").and_then(Value::as_str).and_then(value_kind) {
        property.remove("format");
        if let Value::Object(kind) = kind {
            for (key, mut value) in kind {
                if key == "enum" && nullable {
                    value.as_array_mut().expect("an enum").push(Value::Null);
                }
                property.insert(key, value);
            }
        }
        return;
    }
    match property.get("format").and_then(Value::as_str) {
        Some("uuid") => {
            property.entry("maxLength").or_insert(json!(36));
        }
        // Every date the API takes is within `validate::plausible_date`'s years.
        Some("date") => {
            property.entry("maxLength").or_insert(json!(10));
            property.entry("pattern").or_insert(json!(validate::DATE_PATTERN));
        }
        Some("date-time") => {
            property.entry("maxLength").or_insert(json!(DATE_TIME_MAX));
        }
        // Any other text: no forbidden character (`validate::is_forbidden_char`, checked for every
        // string of every body), and free text when it may not be empty (`check_text`).
        Some(_) => {
            property.entry("pattern").or_insert(json!(validate::ANY_TEXT_PATTERN));
        }
        None => {
            let has_min = property.get("minLength").and_then(Value::as_u64).is_some_and(|min| min >= 1);
            let pattern = if has_min { TEXT_PATTERN } else { validate::ANY_TEXT_PATTERN };
            property.entry("pattern").or_insert(json!(pattern));
        }
    }
}

/// The names of the schemas that `value` refers to (only under `requestBody` when `bodies_only`).
fn collect_refs(value: &Value, names: &mut Vec<String>, bodies_only: bool) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if bodies_only && key != "requestBody" && !child.is_object() {
                    continue;
                }
                if key == "$ref" && !bodies_only {
                    if let Some(name) = child.as_str().and_then(|r| r.strip_prefix("#/components/schemas/"))
                        && !names.iter().any(|n| n == name)
                    {
                        names.push(name.to_owned());
                    }
                } else if bodies_only && key == "requestBody" {
                    collect_refs(child, names, false);
                } else if bodies_only && (key == "responses" || key == "parameters") {
                    continue;
                } else {
                    collect_refs(child, names, bodies_only);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, names, bodies_only)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_an_operation_id_a_summary_and_a_tag() {
        let document = document();
        let paths = document["paths"].as_object().expect("paths");
        assert!(!paths.is_empty());
        for (path, item) in paths {
            for (method, operation) in item.as_object().expect("path item") {
                let name = format!("{method} {path}");
                assert!(operation["operationId"].is_string(), "{name} has no operationId");
                assert!(operation["summary"].is_string(), "{name} has no summary");
                assert!(operation["tags"].as_array().is_some_and(|t| !t.is_empty()), "{name} has no tag");
            }
        }
    }

    #[test]
    fn every_operation_is_in_the_policy_table() {
        let document = document();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                let id = operation["operationId"].as_str().unwrap_or("");
                assert!(policy::operation_action(id).is_some(), "{method} {path} ({id}) is not in policy::OPERATIONS");
            }
        }
    }

    #[test]
    fn creations_link_to_the_operations_on_what_they_created() {
        let document = document();
        let links = |path: &str| {
            let links = document["paths"][path]["post"]["responses"]["201"]["links"].as_object().cloned();
            links.unwrap_or_default()
        };
        let partner = links("/api/v1/partners");
        assert_eq!(partner["get_partner"]["parameters"]["id"], "$response.body#/id");
        assert!(partner.contains_key("update_partner") && partner.contains_key("archive_partner"));
        assert_eq!(links("/api/v1/users")["get_user"]["parameters"]["id"], "$response.body#/account/id");
        assert!(!links("/api/v1/users").contains_key("get_machine_account"));
        assert_eq!(
            links("/api/v1/machine-accounts")["get_machine_account"]["parameters"]["id"],
            "$response.body#/account/id"
        );
        assert_eq!(links("/api/v1/domains")["get_domain"]["parameters"]["code"], "$response.body#/code");
        assert!(links("/api/v1/events/{id}/pledges").contains_key("get_funding_line"));
        assert!(links("/api/v1/projects").contains_key("create_status_update"));
        assert_eq!(links("/api/v1/webhooks")["get_webhook"]["parameters"]["id"], "$response.body#/webhook/id");
    }

    #[test]
    fn every_reference_resolves() {
        fn walk(value: &Value, document: &Value) {
            match value {
                Value::Object(map) => {
                    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                        let pointer = reference.trim_start_matches('#');
                        assert!(document.pointer(pointer).is_some(), "unresolved {reference}");
                    }
                    map.values().for_each(|child| walk(child, document));
                }
                Value::Array(items) => items.iter().for_each(|child| walk(child, document)),
                _ => {}
            }
        }
        let document = document();
        walk(&document, &document);
    }

    /// A value kind named in a DTO (`format = "country"`) never reaches the document: it is
    /// replaced by the server's rule wherever a request uses it, and no response-only schema uses one.
    #[test]
    fn value_kinds_are_all_replaced() {
        fn walk(value: &Value, at: &str) {
            match value {
                Value::Object(map) => {
                    if let Some(format) = map.get("format").and_then(Value::as_str) {
                        assert!(value_kind(format).is_none(), "{at}: format {format} left in the document");
                    }
                    map.iter().for_each(|(key, child)| walk(child, &format!("{at}/{key}")));
                }
                Value::Array(items) => items.iter().for_each(|child| walk(child, at)),
                _ => {}
            }
        }
        walk(&document(), "");
    }

    #[test]
    fn bodies_and_versions_get_their_problem_responses() {
        let document = document();
        let patch = &document["paths"]["/api/v1/domains/{code}"]["patch"]["responses"];
        for status in ["400", "404", "412", "413", "415", "422", "428", "503"] {
            assert!(patch[status].is_object(), "PATCH /domains/{{code}} lacks {status}");
        }
    }
}
