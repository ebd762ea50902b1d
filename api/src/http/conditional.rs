//! Conditional GET.
//!
//! [`conditional_get`], a middleware, serves every `GET` of `/api/v1/…`: an answer 200 that
//! carries an `ETag` (a record's version) keeps it, one without (lists, statistics, vocabularies)
//! gets a weak ETag computed from its body (`W/"<hash>"`), and when the request's `If-None-Match`
//! names that tag (weak comparison, RFC 9110 §13.1.2) the answer becomes `304 Not Modified` with
//! the same headers and no body. Streamed answers (CSV exports) are left as they are.
//!
//! [`respond`] serves the partner routes: every answer carries an `ETag` (a hash of its body) and,
//! when known, `Last-Modified`; `If-None-Match` or `If-Modified-Since` that still hold get a
//! `304 Not Modified` with no body, so that polling an unchanged resource costs a few bytes.
use actix_web::{
    Error, HttpRequest, HttpResponse, ResponseError,
    body::{BodySize, BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method, StatusCode,
        header::{self, HeaderValue, HttpDate},
    },
    middleware::Next,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// Answers `body` as JSON, or 304 when the client's copy is current.
pub fn respond<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    last_modified: Option<DateTime<Utc>>,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(anyhow::Error::from)?;
    let etag = format!("\"{}\"", body_hash(&bytes));
    // HTTP dates have whole seconds: compare at that precision.
    let last_modified = last_modified.map(|time| DateTime::<Utc>::from_timestamp(time.timestamp(), 0).unwrap_or(time));
    let not_modified = match req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => none_match_holds(tags, &etag),
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

/// The first 128 bits of the SHA-256 of `bytes`, in hexadecimal.
fn body_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Whether `If-None-Match: tags` names `etag` (or is `*`), by weak comparison: `W/"x"` and `"x"`
/// are the same tag.
fn none_match_holds(tags: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().strip_prefix("W/").unwrap_or(tag.trim()).to_owned();
    let ours = opaque(etag);
    tags.split(',').map(str::trim).any(|tag| tag == "*" || opaque(tag) == ours)
}

/// `If-None-Match` as the contract declares it: `*`, or entity tags (`"x"`, `W/"x"`) separated by
/// commas, at most 1000 characters.
fn is_entity_tag_list(value: &str) -> bool {
    if value.len() > 1000 {
        return false;
    }
    if value == "*" {
        return true;
    }
    let bytes = value.as_bytes();
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let mut at = 0;
    loop {
        if bytes[at..].starts_with(b"W/") {
            at += 2;
        }
        // A quoted tag: any visible character but `"` (a comma included).
        if bytes.get(at) != Some(&b'"') {
            return false;
        }
        at += 1;
        while let Some(&b) = bytes.get(at).filter(|b| **b != b'"') {
            if !(b == b'!' || (b'#'..=b'~').contains(&b)) {
                return false;
            }
            at += 1;
        }
        if bytes.get(at) != Some(&b'"') {
            return false;
        }
        at += 1;
        while bytes.get(at).is_some_and(|b| space(*b)) {
            at += 1;
        }
        match bytes.get(at) {
            None => return true,
            Some(b',') => at += 1,
            Some(_) => return false,
        }
        while bytes.get(at).is_some_and(|b| space(*b)) {
            at += 1;
        }
    }
}

fn invalid_if_none_match() -> ApiError {
    ApiError::BadRequest(
        Text::fixed("En-tête If-None-Match invalide.", "Invalid If-None-Match header."),
        vec![FieldError::new(
            "If-None-Match",
            "format",
            Text::fixed(
                "`*` ou des ETag entre guillemets (`\"…\"`, `W/\"…\"`) séparés par des virgules.",
                "`*` or quoted ETags (`\"…\"`, `W/\"…\"`) separated by commas.",
            ),
        )],
    )
}

fn refuse(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    let response = error.error_response();
    let (request, _) = req.into_parts();
    ServiceResponse::new(request, response)
}

/// The middleware of conditional GET (see the module's documentation).
pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let applies = matches!(*req.method(), Method::GET | Method::HEAD) && req.path().starts_with("/api/v1/");
    let if_none_match = match req.headers().get(header::IF_NONE_MATCH) {
        None => None,
        Some(value) => match value.to_str() {
            Ok(tags) if is_entity_tag_list(tags) => Some(tags.to_owned()),
            // A malformed condition is refused as the contract declares it, not silently ignored.
            _ if applies => return Ok(refuse(req, invalid_if_none_match())),
            _ => None,
        },
    };
    let response = next.call(req).await?.map_into_boxed_body();
    if !applies || response.status() != StatusCode::OK {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let (etag, body) = match head.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned) {
        Some(etag) => (etag, body),
        None => {
            if !matches!(body.size(), BodySize::Sized(_)) {
                return Ok(ServiceResponse::new(request, head.set_body(body)));
            }
            let bytes = actix_web::body::to_bytes(body).await.map_err(|error| {
                actix_web::error::ErrorInternalServerError(format!("cannot read an answer's body: {error}"))
            })?;
            let etag = format!("W/\"{}\"", body_hash(&bytes));
            if let Ok(value) = HeaderValue::from_str(&etag) {
                head.headers_mut().insert(header::ETAG, value);
            }
            (etag, BoxBody::new(bytes))
        }
    };
    // The copy a client holds must be checked with the server before each use, and kept by no
    // shared cache: the answers are behind authentication.
    if !head.headers().contains_key(header::CACHE_CONTROL) {
        head.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    if !if_none_match.as_deref().is_some_and(|tags| none_match_holds(tags, &etag)) {
        return Ok(ServiceResponse::new(request, head.set_body(body)));
    }
    let mut not_modified = HttpResponse::NotModified();
    for (name, value) in head.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && name != header::CONTENT_ENCODING {
            not_modified.append_header((name.clone(), value.clone()));
        }
    }
    Ok(ServiceResponse::new(request, not_modified.finish()))
}

#[cfg(test)]
mod tests {
    use super::{is_entity_tag_list, none_match_holds};

    #[test]
    fn if_none_match_is_star_or_a_list_of_quoted_tags() {
        for good in ["*", "\"1\"", "W/\"ab\"", "\"1\", W/\"2\"", "\"\"", "W/\"\"\t,W/\"0D\" \t,\t\"a,b\""] {
            assert!(is_entity_tag_list(good), "{good}");
        }
        for bad in ["{}", "1", "W/1", "\"a b\"", "\"1\",", "*, \"1\"", &"\"".repeat(1001)] {
            assert!(!is_entity_tag_list(bad), "{bad}");
        }
    }

    #[test]
    fn if_none_match_compares_weakly() {
        assert!(none_match_holds("\"3\"", "\"3\""));
        assert!(none_match_holds("W/\"3\"", "\"3\""));
        assert!(none_match_holds("\"ab\"", "W/\"ab\""));
        assert!(none_match_holds("\"x\", W/\"ab\"", "W/\"ab\""));
        assert!(none_match_holds("*", "\"1\""));
        assert!(!none_match_holds("\"4\"", "\"3\""));
        assert!(!none_match_holds("\"3\"", "\"33\""));
    }
}
