//! What answers hold, for clients generated from the document: a member the server always sends is
//! `required`, even when its value may be `null`.
//!
//! utoipa marks an `Option<T>` field optional (and nullable). serde sends it as `null` when it is
//! `None` unless the field says `skip_serializing_if`, so in an answer a nullable member is always
//! there: this pass makes every nullable member of a response schema required (openapi-typescript
//! then types it `T | null`, not `T?`). A field the server leaves out when it is `None` says so
//! with `#[serde(skip_serializing_if = "Option::is_none")]` and `#[schema(nullable = false)]`: it is
//! then optional and never `null`, which is what a client receives.
//!
//! Only schemas that no request uses are changed: a schema shared with a request body (`Contact`)
//! keeps its optional members there, so its answers get a copy of it (`ContactResponse`) with them
//! required.
use serde_json::{Value, json};

use super::constraints::collect_refs;

/// Schemas whose members are added only when they apply, not sent as `null`: the problem document
/// (RFC 9457 extension members, `error::problem`).
pub(super) const MEMBERS_ADDED_WHEN_THEY_APPLY: &[&str] = &["ProblemDocument", "FieldErrorDocument"];

/// Makes the nullable members of every response schema required (see the module's comment).
pub(super) fn require_response_members(document: &mut Value) {
    let (requests, responses) = schema_uses(document);
    let mut copies: Vec<String> = Vec::new();
    for name in &responses {
        if MEMBERS_ADDED_WHEN_THEY_APPLY.contains(&name.as_str()) {
            continue;
        }
        let Some(schema) = document["components"]["schemas"].get(name) else { continue };
        if !has_optional_nullable(schema) {
            continue;
        }
        if requests.contains(name) {
            // A copy only under a free name (a type of that name would be overwritten otherwise;
            // the schema then keeps its optional members, which the tests report).
            if document["components"]["schemas"].get(format!("{name}Response")).is_none() {
                copies.push(name.clone());
            }
            continue;
        }
        if let Some(schema) = document["components"]["schemas"].get_mut(name) {
            require_nullable(schema);
        }
    }
    for name in copies {
        let copy_name = format!("{name}Response");
        let mut copy = document["components"]["schemas"][&name].clone();
        require_nullable(&mut copy);
        document["components"]["schemas"][&copy_name] = copy;
        let from = json!(format!("#/components/schemas/{name}"));
        let to = json!(format!("#/components/schemas/{copy_name}"));
        for other in &responses {
            if requests.contains(other) {
                continue;
            }
            if let Some(schema) = document["components"]["schemas"].get_mut(other) {
                replace_ref(schema, &from, &to);
            }
        }
        for item in document["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut()) {
            for operation in item.as_object_mut().into_iter().flat_map(|item| item.values_mut()) {
                if let Some(responses) = operation.get_mut("responses") {
                    replace_ref(responses, &from, &to);
                }
            }
        }
    }
}

/// The schemas that request bodies use and those that answers use (each with what they refer to).
pub(super) fn schema_uses(document: &Value) -> (Vec<String>, Vec<String>) {
    let mut requests: Vec<String> = Vec::new();
    collect_refs(&document["paths"], &mut requests, true);
    let mut answers: Vec<String> = Vec::new();
    for item in document["paths"].as_object().into_iter().flat_map(|paths| paths.values()) {
        for operation in item.as_object().into_iter().flat_map(|item| item.values()) {
            collect_refs(&operation["responses"], &mut answers, false);
        }
    }
    collect_refs(&document["components"]["responses"], &mut answers, false);
    for names in [&mut requests, &mut answers] {
        let mut index = 0;
        while index < names.len() {
            let schema = document["components"]["schemas"][&names[index]].clone();
            collect_refs(&schema, names, false);
            index += 1;
        }
    }
    (requests, answers)
}

/// Whether a value of `schema` may be `null`: a `null` type, a `oneOf`/`anyOf` with a `null`
/// branch, or any value at all (no type: `Option<serde_json::Value>`).
pub(super) fn admits_null(schema: &Value) -> bool {
    let Some(schema) = schema.as_object() else { return false };
    if let Some(kind) = schema.get("type") {
        return kind == "null" || kind.as_array().is_some_and(|kinds| kinds.contains(&json!("null")));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            return branches.iter().any(admits_null);
        }
    }
    ["$ref", "allOf", "enum", "const", "not"].iter().all(|key| !schema.contains_key(*key))
}

/// The members of an object schema that may be `null` and are not required.
pub(super) fn optional_nullable_members(schema: &Value) -> Vec<String> {
    let required: Vec<&str> =
        schema["required"].as_array().map(|names| names.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else { return Vec::new() };
    properties
        .iter()
        .filter(|(name, property)| admits_null(property) && !required.contains(&name.as_str()))
        .map(|(name, _)| name.clone())
        .collect()
}

fn has_optional_nullable(schema: &Value) -> bool {
    !optional_nullable_members(schema).is_empty()
}

fn require_nullable(schema: &mut Value) {
    let missing = optional_nullable_members(schema);
    let Some(schema) = schema.as_object_mut() else { return };
    let required = schema.entry("required").or_insert_with(|| json!([]));
    if let Some(required) = required.as_array_mut() {
        required.extend(missing.into_iter().map(Value::from));
    }
}

fn replace_ref(value: &mut Value, from: &Value, to: &Value) {
    match value {
        Value::Object(map) => {
            if map.get("$ref") == Some(from) {
                map.insert("$ref".into(), to.clone());
            }
            map.values_mut().for_each(|child| replace_ref(child, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| replace_ref(child, from, to)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::openapi::document;

    /// Member names that hold a code of a closed list wherever an answer has them.
    const CODE_MEMBERS: &[&str] = &[
        "type",
        "kind",
        "status",
        "from_status",
        "to_status",
        "role",
        "roles",
        "division",
        "action",
        "entity_type",
        "event_type",
        "events",
        "funder_kind",
        "vitality",
        "commune",
        "communes",
        "currency",
        "token_type",
        "grant_type",
    ];

    /// Members with a code-like name whose values are not a closed list: a city's role in a network
    /// is a short code the staff choose (`founding_member`, `secretary_general`…).
    const OPEN_CODES: &[(&str, &str)] = &[("CityRoleResponse", "role")];

    /// Whether `schema` (or each of its items) is a closed list: an `enum`, or a reference to one,
    /// possibly nullable.
    fn is_closed(document: &Value, schema: &Value) -> bool {
        if let Some(items) = schema.get("items") {
            return is_closed(document, items);
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = document.pointer(reference.trim_start_matches('#')).unwrap_or(&Value::Null);
            return is_closed(document, target);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                return branches.iter().all(|branch| branch["type"] == "null" || is_closed(document, branch));
            }
        }
        schema.get("enum").is_some_and(Value::is_array)
    }

    /// A member an answer always holds is `required`, `null` or not: no answer schema has a
    /// nullable member that a client could read as optional.
    #[test]
    fn every_member_an_answer_always_holds_is_required() {
        let document = document();
        let (requests, responses) = schema_uses(&document);
        let mut faults = Vec::new();
        for name in responses.iter().filter(|name| !requests.contains(name)) {
            if MEMBERS_ADDED_WHEN_THEY_APPLY.contains(&name.as_str()) {
                continue;
            }
            for member in optional_nullable_members(&document["components"]["schemas"][name]) {
                faults.push(format!("{name}.{member}"));
            }
        }
        // Nor does an answer use a schema shared with requests that has optional nullable members.
        let (_, responses) = schema_uses(&document);
        for name in responses.iter().filter(|name| requests.contains(name)) {
            let members = optional_nullable_members(&document["components"]["schemas"][name]);
            if !members.is_empty() {
                faults.push(format!("{name} (shared with requests): {members:?}"));
            }
        }
        assert!(faults.is_empty(), "nullable but optional in answers: {faults:?}");
        // A schema shared with requests keeps its optional members there, and answers use its copy.
        let partner = &document["components"]["schemas"]["PartnerResponse"]["properties"]["contacts"];
        assert_eq!(partner["items"]["$ref"], "#/components/schemas/ContactResponse");
        let create = &document["components"]["schemas"]["CreatePartner"]["properties"]["contacts"];
        assert_eq!(create["items"]["$ref"], "#/components/schemas/Contact");
        assert!(optional_nullable_members(&document["components"]["schemas"]["Contact"]).contains(&"email".to_owned()));
    }

    /// A member of an answer that holds a code of a closed list is an enum, not a bare string.
    #[test]
    fn codes_in_answers_are_enums() {
        let document = document();
        let (requests, responses) = schema_uses(&document);
        let mut faults = Vec::new();
        for name in responses.iter().filter(|name| !requests.contains(name)) {
            if MEMBERS_ADDED_WHEN_THEY_APPLY.contains(&name.as_str()) {
                continue;
            }
            let Some(properties) = document["components"]["schemas"][name]["properties"].as_object() else { continue };
            for (member, schema) in properties {
                let open = OPEN_CODES.contains(&(name.as_str(), member.as_str()));
                if CODE_MEMBERS.contains(&member.as_str()) && !open && !is_closed(&document, schema) {
                    faults.push(format!("{name}.{member}"));
                }
            }
        }
        assert!(faults.is_empty(), "codes typed as bare strings: {faults:?}");
        for (name, member) in [
            ("ChangeEvent", "type"),
            ("DeliveryResponse", "status"),
            ("WebhookResponse", "status"),
            ("AuditEventResponse", "action"),
            ("AuditEventResponse", "entity_type"),
            ("AverageProgress", "status"),
            ("Vocabulary", "name"),
        ] {
            let schema = &document["components"]["schemas"][name]["properties"][member];
            assert!(is_closed(&document, schema), "{name}.{member}: {schema}");
        }
        let key = &document["components"]["schemas"]["Count"]["properties"]["key"];
        assert_eq!(key["additionalProperties"], false, "the stats keys are a closed set: {key}");
    }

    /// No request member has a `default`: what the server fills in is said in its description, as a
    /// `default` makes generated clients require the member.
    #[test]
    fn no_request_member_has_a_default() {
        let document = document();
        let (requests, _) = schema_uses(&document);
        for name in requests {
            let schema = &document["components"]["schemas"][&name];
            for (member, property) in schema["properties"].as_object().into_iter().flatten() {
                assert!(property.get("default").is_none(), "{name}.{member} has a default");
            }
        }
    }
}
