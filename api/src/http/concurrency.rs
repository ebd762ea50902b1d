//! Optimistic concurrency: every versioned record answers an `ETag` naming its version, and a
//! change must quote it in `If-Match` (missing → 428, stale → 412 with the current ETag). The
//! change itself is a conditional `UPDATE … WHERE version = ?`, so two racing writers cannot both
//! win even when they read the same version.
use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header};

use crate::error::ApiError;

/// The strong ETag of a record at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The `If-Match` header of a request, if any.
#[derive(Debug)]
pub struct IfMatch(Option<String>);

impl IfMatch {
    /// Whether the client sent `If-Match` at all (for actions where it is optional).
    pub fn is_present(&self) -> bool {
        self.0.is_some()
    }

    /// Checks the header against the record's current version: 428 when absent, 412 when it names
    /// another version (`*` matches any existing record).
    pub fn check(&self, current_version: i32) -> Result<(), ApiError> {
        let header = self.0.as_deref().ok_or(ApiError::PreconditionRequired)?;
        let current = etag(current_version);
        let matches = header
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag == current || tag.strip_prefix("W/") == Some(current.as_str()));
        if matches { Ok(()) } else { Err(ApiError::PreconditionFailed { current_etag: current }) }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().get(header::IF_MATCH).and_then(|value| value.to_str().ok()).map(str::to_owned);
        ready(Ok(IfMatch(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_is_required_and_must_name_the_current_version() {
        assert!(matches!(IfMatch(None).check(3), Err(ApiError::PreconditionRequired)));
        assert!(IfMatch(Some("\"3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("W/\"3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("\"2\", \"3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("*".into())).check(3).is_ok());
        match IfMatch(Some("\"2\"".into())).check(3) {
            Err(ApiError::PreconditionFailed { current_etag }) => assert_eq!(current_etag, "\"3\""),
            other => panic!("expected 412, got {other:?}"),
        }
    }
}
