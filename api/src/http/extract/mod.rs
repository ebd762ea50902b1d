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
        ApiError::BadRequest(
            Text::fixed("Paramètre de requête invalide.", "Invalid query parameter."),
            vec![FieldError::new(query_field(req.query_string(), &message), refusal.code, refusal.message)],
        )
        .into()
    })
}

/// The query parameter a query parser's refusal is about. The parser reads the parameters in the
/// order sent and says the first it cannot use, without its name unless the name is the problem
/// (unknown, missing, repeated): the name is then the first parameter, in order, whose value the
/// refusal's kind of value does not accept (or the one holding the value the refusal quotes).
pub fn query_field(query: &str, message: &str) -> String {
    for prefix in ["unknown field", "missing field", "duplicate field"] {
        if let Some(name) = backticked_after(message, prefix) {
            return name;
        }
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let quoted = backticked_after(message, "unknown variant").or_else(|| {
        message
            .strip_prefix(crate::validate::DATE_RANGE_CODE)
            .and_then(|rest| rest.trim_start_matches(':').split_whitespace().next().map(str::to_owned))
    });
    if let Some(value) = quoted {
        if let Some((name, _)) = pairs.iter().find(|(_, v)| *v == value) {
            return name.clone();
        }
    }
    let free_text = |name: &str| matches!(name, "q" | "cursor" | "sort");
    let refuses: Box<dyn Fn(&str, &str) -> bool> =
        if message.contains("integer") || message.starts_with("invalid digit") || message.starts_with("number too") {
            Box::new(|_, value| value.parse::<i32>().is_err())
        } else if message.starts_with("invalid float") {
            Box::new(|_, value| value.parse::<f64>().is_err())
        } else if message.contains("`true` or `false`") {
            Box::new(|_, value| value != "true" && value != "false")
        } else if message.contains("UUID")
            || message.starts_with("invalid character")
            || message.starts_with("invalid group")
        {
            Box::new(|_, value| uuid::Uuid::parse_str(value).is_err())
        } else if message.starts_with("input ")
            || message.starts_with("premature end")
            || message.starts_with("trailing input")
        {
            Box::new(|name, value| !free_text(name) && value.parse::<chrono::NaiveDate>().is_err())
        } else if message == crate::validate::CODE_PARAM_ERROR {
            Box::new(|name, value| !free_text(name) && !crate::validate::is_code(value))
        } else if message == crate::validate::SEARCH_TOO_LONG || message == crate::validate::SEARCH_CONTROL {
            Box::new(|name, _| name == "q")
        } else {
            Box::new(|_, _| false)
        };
    pairs
        .iter()
        .find(|(name, value)| refuses(name, value))
        .or(pairs.first())
        .map_or_else(|| "query".to_owned(), |(name, _)| name.clone())
}
