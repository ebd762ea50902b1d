//! Optimistic concurrency: every versioned record answers an `ETag` naming its version, and a
//! change must quote it in `If-Match` (missing → 428, stale → 412 with the current ETag). The
//! change itself is a conditional `UPDATE … WHERE version = ?`, so two racing writers cannot both
//! win even when they read the same version.
use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header};

// The version precondition itself is the unit of work's; this module reads it from the request.
use crate::error::ApiError;
pub use crate::records::versioning::{IfMatch, etag};

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().get(header::IF_MATCH).and_then(|value| value.to_str().ok()).map(str::to_owned);
        ready(Ok(IfMatch::new(value)))
    }
}
