//! The partner system calling: an authorized machine account, bound to its partner, within its
//! rate limit.
use std::{future::Future, pin::Pin};

use actix_web::{
    Error, FromRequest, HttpMessage, HttpRequest,
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use uuid::Uuid;

use crate::{
    auth::{
        Authorized, CurrentUser, Role,
        policy::{ActionMarker, ReadPartnerView},
        throttle::RateLimitInfo,
    },
    error::ApiError,
    state::AppState,
};

/// A partner system within its allowance.
pub struct PartnerCaller {
    pub user: CurrentUser,
    pub partner_id: Uuid,
}

impl FromRequest for PartnerCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let metered = Metered::<ReadPartnerView>::from_request(req, payload);
        Box::pin(async move {
            let user = metered.await?.0.user;
            let partner_id = user.partner_id.ok_or(ApiError::Forbidden)?;
            Ok(PartnerCaller { user, partner_id })
        })
    }
}

/// A caller allowed to do action `A` and, when it is a partner system, within its allowance: every
/// route a machine account may call (`/partner/…`, `/iati/…`) counts against the one limit of
/// that account (429 beyond it; `rate_limit_headers` says where it stands). Staff are not metered.
pub struct Metered<A: ActionMarker>(pub Authorized<A>);

impl<A: ActionMarker> std::ops::Deref for Metered<A> {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.0.user
    }
}

impl<A: ActionMarker + 'static> FromRequest for Metered<A> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let authorized = Authorized::<A>::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let authorized = authorized.await?;
            if authorized.user.role != Role::Partner {
                return Ok(Metered(authorized));
            }
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))?;
            match state.partner_limiter.check(authorized.user.id) {
                Ok(info) => {
                    req.extensions_mut().insert(info);
                    Ok(Metered(authorized))
                }
                Err(retry_after) => {
                    req.extensions_mut().insert(RateLimitInfo {
                        limit: state.settings.partners.requests_per_minute,
                        remaining: 0,
                        reset: retry_after,
                    });
                    Err(ApiError::TooManyRequests { retry_after })
                }
            }
        })
    }
}

/// Adds `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` to partner answers.
pub async fn rate_limit_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(req).await?;
    let info = response.request().extensions().get::<RateLimitInfo>().copied();
    if let Some(info) = info {
        let headers = response.headers_mut();
        let reset = info.reset.as_secs() + u64::from(info.reset.subsec_nanos() > 0);
        for (name, value) in [
            ("ratelimit-limit", info.limit.to_string()),
            ("ratelimit-remaining", info.remaining.to_string()),
            ("ratelimit-reset", reset.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
    Ok(response)
}
