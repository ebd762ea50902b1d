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

pub use crate::lenient;
mod messages;
mod parse;

pub use messages::{Refusal, refusal_of};

pub use parse::{parse_form, parse_json};

use parse::backticked_after;

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
        let message = error.to_string();
        let message = message.strip_prefix("Path deserialize error: ").unwrap_or(&message).to_owned();
        let refusal = refusal_of(&message);
        ApiError::BadRequest(
            Text::fixed("Paramètre de chemin invalide.", "Invalid path parameter."),
            vec![FieldError::new(path_field(req), refusal.code, refusal.message)],
        )
        .into()
    })
}

/// The path parameter at fault: the only one, or the first whose value is not an identifier.
fn path_field(req: &HttpRequest) -> String {
    let params: Vec<(&str, &str)> = req.match_info().iter().collect();
    params
        .iter()
        .find(|(_, value)| uuid::Uuid::parse_str(value).is_err())
        .or(params.first())
        .map_or_else(|| "path".to_owned(), |(name, _)| (*name).to_owned())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, req| {
        let message = error.to_string();
        let message = message.strip_prefix("Query deserialize error: ").unwrap_or(&message).to_owned();
        let refusal = refusal_of(&message);
        let routes = req.app_data::<web::Data<crate::http::known_routes::KnownRoutes>>();
        let declared = routes.map_or(&[][..], |routes| routes.query_parameters(req.method().as_str(), req.path()));
        ApiError::BadRequest(
            Text::fixed("Paramètre de requête invalide.", "Invalid query parameter."),
            vec![FieldError::new(query_field(req.query_string(), &message, declared), refusal.code, refusal.message)],
        )
        .into()
    })
}

/// The query parameter a query parser's refusal is about. The parser reads the parameters in the
/// order sent and says what it cannot use without the parameter's name, unless the name is the
/// problem (unknown, missing, repeated): the name is then the first parameter, in the order sent,
/// whose value its declared schema (`declared`, from the operation in the contract) refuses.
pub fn query_field(query: &str, message: &str, declared: &[(String, serde_json::Value)]) -> String {
    for prefix in ["unknown field", "missing field", "duplicate field"] {
        if let Some(name) = backticked_after(message, prefix) {
            return name;
        }
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let schema_of = |name: &str| declared.iter().find(|(declared, _)| declared == name).map(|(_, schema)| schema);
    pairs
        .iter()
        .find(|(name, value)| schema_of(name).is_some_and(|schema| refuses(schema, value)))
        .or(pairs.first())
        .map_or_else(|| "query".to_owned(), |(name, _)| name.clone())
}

/// Whether a parameter's schema refuses a value as the query parser would (type, list of codes,
/// date, identifier, code or search text); bounds are the handlers' to judge, not the parser's.
fn refuses(schema: &serde_json::Value, value: &str) -> bool {
    let types: Vec<&str> = match &schema["type"] {
        serde_json::Value::String(one) => vec![one.as_str()],
        serde_json::Value::Array(many) => many.iter().filter_map(|t| t.as_str()).collect(),
        _ => Vec::new(),
    };
    if let Some(codes) = schema["enum"].as_array() {
        return !codes.iter().any(|code| code.as_str() == Some(value));
    }
    if types.contains(&"integer") {
        return value.parse::<i64>().is_err();
    }
    if types.contains(&"number") {
        return value.parse::<f64>().is_err();
    }
    if types.contains(&"boolean") {
        return value != "true" && value != "false";
    }
    match (schema["format"].as_str(), schema["pattern"].as_str()) {
        (Some("date"), _) | (_, Some(crate::validate::DATE_PATTERN)) => {
            value.parse::<chrono::NaiveDate>().map_or(true, |date| !crate::validate::is_plausible_date(date))
        }
        (Some("uuid"), _) => uuid::Uuid::parse_str(value).is_err(),
        (_, Some(crate::validate::CODE_PATTERN)) => !crate::validate::is_code(value),
        (_, Some(crate::validate::SEARCH_PATTERN)) => {
            value.chars().count() > crate::validate::SEARCH_MAX
                || value.chars().any(|c| c.is_control() || crate::validate::is_forbidden_char(c))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::query_field;

    #[test]
    fn a_query_refusal_names_the_parameter_its_schema_refuses() {
        let declared = vec![
            ("q".to_owned(), json!({"type": "string", "maxLength": 200})),
            ("limit".to_owned(), json!({"type": "integer"})),
            ("kind".to_owned(), json!({"type": "string", "enum": ["city", "region"]})),
            ("include_total".to_owned(), json!({"type": "boolean"})),
        ];
        assert_eq!(query_field("q=abc&limit=abc", "invalid digit found in string", &declared), "limit");
        assert_eq!(
            query_field("include_total=maybe&q=x", "provided string was not `true` or `false`", &declared),
            "include_total"
        );
        assert_eq!(query_field("kind=town", "unknown variant `town`, expected `city` or `region`", &declared), "kind");
        assert_eq!(query_field("limit=1&wat=2", "unknown field `wat`, expected one of `q`", &declared), "wat");
        assert_eq!(query_field("", "missing field `as_of`", &declared), "as_of");
    }
}
