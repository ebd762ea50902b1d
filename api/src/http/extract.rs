//! Extractors whose failures are `ApiError`s, so that every refusal is a problem document.
//!
//! `ApiJson<T>` replaces `web::Json<T>`: it checks the content type, enforces the body limit
//! (413 from `Content-Length` before reading), and names the offending field of a body that does
//! not match its type (`contacts[0].email`).
use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, error::PayloadError, web};
use serde::de::DeserializeOwned;

use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// A JSON request body of type `T`. Its refusal (400/413/415) is kept until the handler asks for
/// the body with `into_inner()?`: actix extracts a handler's arguments concurrently, and the
/// caller's permission must be judged before anything is said about the body.
#[derive(Debug)]
pub struct ApiJson<T>(Result<T, ApiError>);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

/// The body size limit in force, installed as app data by the app factory.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map_or(1024 * 1024, |limit| limit.0);
        let content_type_ok = is_json_content_type(req);
        let declared_length = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move { Ok(ApiJson(read_body(body, limit, declared_length, content_type_ok).await)) })
    }
}

async fn read_body<T: DeserializeOwned>(
    body: impl Future<Output = Result<web::Bytes, actix_web::Error>>,
    limit: usize,
    declared_length: Option<usize>,
    content_type_ok: bool,
) -> Result<T, ApiError> {
    if declared_length.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    if !content_type_ok {
        return Err(ApiError::UnsupportedMediaType { expected: "application/json" });
    }
    let bytes = body.await.map_err(|error| match error.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
        _ => ApiError::bad_request(Text::fixed("Corps de requête illisible.", "The request body could not be read.")),
    })?;
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    parse_json(&bytes)
}

fn is_json_content_type(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(actix_web::http::header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    let essence = text.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

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
        ApiError::bad_request(Text::new(format!("Formulaire invalide : {error}"), format!("Invalid form: {error}")))
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
                format!("JSON mal formé : {inner}"),
                format!("Malformed JSON: {inner}"),
            ));
        }
        let message = inner.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        if message.starts_with(crate::validate::DATE_RANGE_CODE) {
            // A well-formed date out of the plausible range breaks a rule: 422, like `Rules`.
            let field = FieldError::new(path, crate::validate::DATE_RANGE_CODE, crate::validate::date_range_message());
            return ApiError::Validation(vec![field]);
        }
        let (code, field) = if let Some(name) = backticked_after(&message, "unknown field") {
            ("unknown_field", join_path(&path, &name))
        } else if let Some(name) = backticked_after(&message, "missing field") {
            ("required", join_path(&path, &name))
        } else if message.starts_with("invalid type") {
            ("type", path)
        } else {
            ("invalid", path)
        };
        ApiError::BadRequest(
            Text::fixed(
                "Le corps ne correspond pas au schéma attendu.",
                "The body does not match the expected schema.",
            ),
            vec![FieldError::new(field, code, Text::new(message.clone(), message))],
        )
    })?;
    deserializer.end().map_err(|_| {
        ApiError::bad_request(Text::fixed("Données en trop après le JSON.", "Trailing data after the JSON value."))
    })?;
    Ok(value)
}

fn backticked_after(message: &str, prefix: &str) -> Option<String> {
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

/// Whole numbers written with a fraction of zero (`377.0`) are whole numbers in JSON Schema:
/// accept them where an integer is expected.
pub mod lenient {
    use serde::{Deserialize, Deserializer, de::Error};

    fn whole(value: serde_json::Number) -> Option<i32> {
        value
            .as_i64()
            .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64))
            .and_then(|v| i32::try_from(v).ok())
    }

    pub fn i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        whole(number).ok_or_else(|| D::Error::custom("invalid type: expected a whole number"))
    }

    pub fn option_i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
        match Option::<serde_json::Number>::deserialize(deserializer)? {
            None => Ok(None),
            Some(number) => {
                whole(number).map(Some).ok_or_else(|| D::Error::custom("invalid type: expected a whole number"))
            }
        }
    }

    /// For PATCH fields: absent → `None`, `null` → `Some(None)`.
    pub fn double_option_i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<i32>>, D::Error> {
        option_i32(deserializer).map(Some)
    }
}

/// For `Option<Option<T>>` fields of a PATCH body: absent → `None`, `null` → `Some(None)`.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Error handlers for actix's own path and query extractors, so that they answer problems too.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, req| {
        // `PATCH /evaluations/due` reaches `PATCH /evaluations/{id}`: the literal path exists and
        // does not serve the method, which the client must hear as a 405, not a bad identifier.
        if let Some(routes) = req.app_data::<web::Data<crate::http::known_routes::KnownRoutes>>() {
            let allow = routes.methods(req.path());
            if !allow.is_empty() && !allow.iter().any(|m| m == req.method().as_str()) {
                return ApiError::MethodNotAllowed { allow }.into();
            }
        }
        ApiError::BadRequest(
            Text::fixed("Paramètre de chemin invalide.", "Invalid path parameter."),
            vec![FieldError::new("path", "format", Text::new(error.to_string(), error.to_string()))],
        )
        .into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _| {
        let message = error.to_string();
        let message = message.strip_prefix("Query deserialize error: ").unwrap_or(&message).to_owned();
        let field = backticked_after(&message, "unknown field").or_else(|| backticked_after(&message, "missing field"));
        ApiError::BadRequest(
            Text::fixed("Paramètre de requête invalide.", "Invalid query parameter."),
            vec![FieldError::new(
                field.unwrap_or_else(|| "query".into()),
                "format",
                Text::new(message.clone(), message),
            )],
        )
        .into()
    })
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
