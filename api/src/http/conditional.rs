//! Conditional GET for polling clients: every answer carries an `ETag` (a hash of its body) and,
//! when known, `Last-Modified`; `If-None-Match` or `If-Modified-Since` that still hold get a
//! `304 Not Modified` with no body, so that polling an unchanged resource costs a few bytes.
use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, HttpDate},
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Answers `body` as JSON, or 304 when the client's copy is current.
pub fn respond<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    last_modified: Option<DateTime<Utc>>,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(anyhow::Error::from)?;
    let digest = Sha256::digest(&bytes);
    let etag = format!("\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    // HTTP dates have whole seconds: compare at that precision.
    let last_modified = last_modified.map(|time| DateTime::<Utc>::from_timestamp(time.timestamp(), 0).unwrap_or(time));
    let not_modified = match req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag == etag || tag.strip_prefix("W/") == Some(etag.as_str())),
        None => match (req.headers().get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()), last_modified) {
            (Some(since), Some(modified)) => since
                .parse::<HttpDate>()
                .ok()
                .map(std::time::SystemTime::from)
                .is_some_and(|since| std::time::SystemTime::from(modified) <= since),
            _ => false,
        },
    };
    let mut response = if not_modified { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response.insert_header((header::ETAG, etag)).insert_header((header::CACHE_CONTROL, "private, no-cache"));
    if let Some(modified) = last_modified {
        response.insert_header((header::LAST_MODIFIED, HttpDate::from(std::time::SystemTime::from(modified))));
    }
    Ok(if not_modified { response.finish() } else { response.content_type("application/json").body(bytes) })
}
