//! Schema and parameter constraints that mirror the server's checks: text patterns, lengths, value
//! kinds, money rules, role/division and paired-field conditions.
use serde_json::{Map, Value, json};

use crate::{
    money,
    validate::{self, CODE_PATTERN, TEXT_PATTERN},
};

/// Update bodies that the server refuses when empty.
const NON_EMPTY_BODIES: &[&str] = &["UpdateDomain"];
/// Bodies whose `currency` is XOF when absent or null (the server fills it: no `default` in the
/// document, which generated clients would read as a member they must send).
const XOF_WHEN_ABSENT: &[&str] = &["CreateFundingLine", "CreatePledge"];
/// Fields that go together: (body, field, field): when one is a number, so is the other.
const PAIRED_FIELDS: &[(&str, &str, &str)] = &[("CreatePartner", "latitude", "longitude")];
/// The longest RFC 3339 instant: nanoseconds and an offset (`2026-11-27T17:33:13.123456789+00:00`).
const DATE_TIME_MAX: usize = 35;
use crate::records::listing::{CURSOR_MAX, CURSOR_PATTERN};

/// The role/division rule of people's accounts, as JSON Schema conditions: division heads and
/// agents have a division, the director none; a division changes only with the role.
pub(super) fn add_role_rules(document: &mut Value) {
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
pub(super) fn add_pair_rules(document: &mut Value) {
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
pub(super) fn constrain_parameters(operation: &mut Map<String, Value>) {
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
                schema.insert("maxLength".into(), json!(CURSOR_MAX));
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
pub(super) fn constrain_request_schemas(document: &mut Value) {
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
        add_money_rules(schema, XOF_WHEN_ABSENT.contains(&name.as_str()));
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
pub(super) fn value_kind(kind: &str) -> Option<Value> {
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
/// more decimals than the currency (`money::parse_amount`). When `xof_when_absent`, an absent or
/// null currency is XOF.
fn add_money_rules(schema: &mut Map<String, Value>, xof_when_absent: bool) {
    let property = |field: &str, key: &str| {
        schema.get("properties").and_then(|p| p.get(field)).and_then(|p| p.get(key)).and_then(Value::as_str)
    };
    if property("amount", "format") != Some("amount") || property("currency", "format") != Some("currency") {
        return;
    }
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
    if let Some(decimals) = money::minor_units("XOF").filter(|_| xof_when_absent) {
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
pub(super) fn collect_refs(value: &Value, names: &mut Vec<String>, bodies_only: bool) {
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
