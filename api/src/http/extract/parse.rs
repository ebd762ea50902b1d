//! Parsing request bodies (JSON and forms): forbidden characters refused, and the field at fault
//! named when a body does not fit its type.
use serde::de::DeserializeOwned;

use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// Whether a JSON text may hold a forbidden character (`validate::is_forbidden_char`): an escape,
/// DEL, or the first byte of a C1 control or of U+FDD0–U+FFFF. Most bodies have none of these, and
/// are not walked.
fn may_hold_forbidden_text(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|pair| pair == b"\\u") || bytes.iter().any(|&b| matches!(b, 0x7F | 0xC2 | 0xEF))
}

/// Refuses, with one 422 naming every field, a JSON body with a forbidden character in any string:
/// no text that reaches the database or a published file holds one, whatever the field.
fn refuse_forbidden_text(bytes: &[u8]) -> Result<(), ApiError> {
    if !may_hold_forbidden_text(bytes) {
        return Ok(());
    }
    // Malformed JSON is left to the typed parse, which says where it breaks.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else { return Ok(()) };
    let errors = crate::validate::forbidden_text_fields(&value);
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Parses an `application/x-www-form-urlencoded` body into `T`, with the same refusal of forbidden
/// characters as JSON bodies.
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let invalid = |error: serde_urlencoded::de::Error| {
        let message = error.to_string();
        let refusal = super::messages::refusal_of(&message);
        let field = backticked_after(&message, "unknown field").or_else(|| backticked_after(&message, "missing field"));
        ApiError::BadRequest(
            Text::new(format!("Formulaire invalide : {}", refusal.message.fr), format!("Invalid form: {error}")),
            field.map(|field| vec![FieldError::new(field, refusal.code, refusal.message)]).unwrap_or_default(),
        )
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).map_err(invalid)?;
    let errors: Vec<FieldError> = pairs
        .iter()
        .filter(|(name, value)| name.chars().chain(value.chars()).any(crate::validate::is_forbidden_char))
        .map(|(name, _)| {
            FieldError::new(name.clone(), "forbidden_character", crate::validate::forbidden_char_message())
        })
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    serde_urlencoded::from_bytes(bytes).map_err(invalid)
}

/// Parses a JSON body into `T`, naming the field at fault when it does not fit.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    refuse_forbidden_text(bytes)?;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = result.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            return ApiError::bad_request(Text::new(
                super::messages::syntax_fr(&inner),
                format!("Malformed JSON: {inner}"),
            ));
        }
        let message = inner.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        let refusal = super::messages::refusal_of(&message);
        let field = match refusal.code {
            "unknown_field" | "required" => match backticked_after(&message, "unknown field")
                .or_else(|| backticked_after(&message, "missing field"))
            {
                Some(name) => join_path(&path, &name),
                None => path,
            },
            _ => path,
        };
        if refusal.code == crate::validate::DATE_RANGE_CODE {
            // A well-formed date out of the plausible range breaks a rule: 422, like `Rules`.
            return ApiError::Validation(vec![FieldError::new(field, refusal.code, refusal.message)]);
        }
        ApiError::BadRequest(
            Text::fixed(
                "Le corps ne correspond pas au schéma attendu.",
                "The body does not match the expected schema.",
            ),
            vec![FieldError::new(field, refusal.code, refusal.message)],
        )
    })?;
    deserializer.end().map_err(|_| {
        ApiError::bad_request(Text::fixed("Données en trop après le JSON.", "Trailing data after the JSON value."))
    })?;
    Ok(value)
}

pub(super) fn backticked_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(rest[start..end].to_owned())
}

/// The path of `field` in the body; serde_path_to_error's path sometimes already ends with it.
fn join_path(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_owned()
    } else if path == field || path.ends_with(&format!(".{field}")) {
        path.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        contacts: Vec<Contact>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Contact {
        email: String,
    }

    fn field_of(error: ApiError) -> (String, &'static str) {
        match error {
            ApiError::BadRequest(_, errors) => (errors[0].field.clone(), errors[0].code),
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn names_the_nested_field_with_the_wrong_type() {
        let error = parse_json::<Body>(br#"{"name":"x","contacts":[{"email":3}]}"#).unwrap_err();
        assert_eq!(field_of(error), ("contacts[0].email".into(), "type"));
    }

    #[test]
    fn names_unknown_and_missing_fields() {
        let error = parse_json::<Body>(br#"{"name":"x","contacts":[],"role":"director"}"#).unwrap_err();
        assert_eq!(field_of(error), ("role".into(), "unknown_field"));
        let error = parse_json::<Body>(br#"{"contacts":[]}"#).unwrap_err();
        assert_eq!(field_of(error), ("name".into(), "required"));
    }

    #[test]
    fn malformed_json_is_a_bad_request_without_field() {
        let error = parse_json::<Body>(br#"{"name": "#).unwrap_err();
        assert!(matches!(error, ApiError::BadRequest(_, ref errors) if errors.is_empty()));
    }
}
