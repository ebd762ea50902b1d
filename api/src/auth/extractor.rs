//! `CurrentUser` (any valid bearer token, 401 otherwise) and `Authorized<A>` (a caller whose role
//! may do action `A`, 403 otherwise). The account is re-read on every request, so that a
//! deactivated account or a changed role voids its tokens at once. Reading them from a request
//! (the actix extractors, which need the app state) is `http::authenticate`'s.
use std::marker::PhantomData;

use actix_web::http::header;
use uuid::Uuid;

use super::{
    policy::{self, ActionMarker},
    roles::{Division, Role},
};
use crate::error::ApiError;

/// The authenticated caller.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: Uuid,
    pub role: Role,
    pub division: Option<Division>,
    pub partner_id: Option<Uuid>,
    /// The token's `jti`, for logs.
    pub token_id: Uuid,
    /// The session (refresh-token family) of the token, if it came from a login.
    pub session: Option<Uuid>,
}

/// The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive
/// (RFC 9110 §11.1). Every layer that reads the header (`http::authenticate`, idempotency…) calls this
/// one function, so that they all agree on who the caller is.
pub fn bearer_token(headers: &header::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A caller allowed to do action `A`. Put it first among a handler's arguments, so that the
/// permission is checked before the body is read.
pub struct Authorized<A: ActionMarker> {
    pub user: CurrentUser,
    _action: PhantomData<A>,
}

impl<A: ActionMarker> std::ops::Deref for Authorized<A> {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.user
    }
}

impl<A: ActionMarker> Authorized<A> {
    /// `user`, if its role may do action `A`; 403 otherwise.
    pub fn check(user: CurrentUser) -> Result<Self, ApiError> {
        if !policy::allows(user.role, A::ACTION) {
            return Err(ApiError::Forbidden);
        }
        Ok(Authorized { user, _action: PhantomData })
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_token;
    use actix_web::http::header::{AUTHORIZATION, HeaderMap, HeaderValue};

    #[test]
    fn the_bearer_scheme_is_read_in_any_case_and_nothing_else_is() {
        let token = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            bearer_token(&headers).map(str::to_owned)
        };
        for value in ["Bearer abc", "bearer abc", "BEARER  abc ", "bEaReR abc"] {
            assert_eq!(token(value).as_deref(), Some("abc"), "{value}");
        }
        for value in ["Basic abc", "Bearer", "Bearer ", "Bearerabc", "abc"] {
            assert_eq!(token(value), None, "{value}");
        }
    }
}
