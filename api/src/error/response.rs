//! The HTTP answer of an `ApiError`: its status, its headers (`Retry-After`, `WWW-Authenticate`,
//! `ETag`, `Allow`) and its problem+json body.
use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};

use super::{ApiError, PROBLEM_JSON};
use crate::i18n::Lang;

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        use ApiError::*;
        match self {
            BadRequest(..) => StatusCode::BAD_REQUEST,
            Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Forbidden => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Conflict { .. } => StatusCode::CONFLICT,
            PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Unavailable(_) | StorageFull(_) => StatusCode::SERVICE_UNAVAILABLE,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            ApiError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            ApiError::StorageFull(cause) => tracing::error!(%cause, "disk full: a write was refused"),
            _ => {}
        }
        let problem = self.problem();
        let mut response = HttpResponse::build(problem.status);
        match self {
            ApiError::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.as_secs().max(1).to_string()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "2"));
            }
            ApiError::StorageFull(_) => {
                response.insert_header((header::RETRY_AFTER, "30"));
            }
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::PreconditionFailed { current_etag } => {
                response.insert_header((header::ETAG, current_etag.clone()));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            _ => {}
        }
        let mut response = response.content_type(PROBLEM_JSON).body(problem.render(Lang::Fr, None).to_string());
        response.extensions_mut().insert(problem);
        response
    }
}
