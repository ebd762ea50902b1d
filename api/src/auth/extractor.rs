//! `CurrentUser` (any valid bearer token, 401 otherwise) and `Authorized<A>` (a caller whose role
//! may do action `A`, 403 otherwise). The account is re-read on every request, so that a
//! deactivated account or a changed role voids its tokens at once.
use std::{future::Future, marker::PhantomData, pin::Pin};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use entity::account;
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::{
    policy::{self, ActionMarker},
    roles::{Division, Role},
};
use crate::{error::ApiError, i18n::Text, state::AppState};

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
/// (RFC 9110 §11.1). Every layer that reads the header (this extractor, idempotency…) calls this
/// one function, so that they all agree on who the caller is.
pub fn bearer_token(headers: &header::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthorized() -> ApiError {
    ApiError::Unauthorized(Text::fixed(
        "Jeton d'accès absent, expiré ou invalide.",
        "The access token is missing, expired or invalid.",
    ))
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(user) = req.extensions().get::<CurrentUser>() {
            let user = user.clone();
            return Box::pin(async move { Ok(user) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req.headers()).map(str::to_owned);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))?;
            let claims = token.as_deref().and_then(|token| state.keys.verify(token)).ok_or_else(unauthorized)?;
            let account = account::Entity::find_by_id(claims.sub).one(&state.db).await?.ok_or_else(unauthorized)?;
            if account.token_version != claims.tv
                || account.role != claims.role.as_str()
                || !crate::accounts::may_sign_in(&state.db, &account).await?
            {
                return Err(unauthorized());
            }
            let user = CurrentUser {
                id: account.id,
                role: claims.role,
                division: account.division.as_deref().map(Division::from_stored).transpose()?,
                partner_id: account.partner_id,
                token_id: claims.jti,
                session: claims.sid,
            };
            tracing::Span::current().record("account", tracing::field::display(user.id));
            req.extensions_mut().insert(user.clone());
            Ok(user)
        })
    }
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

impl<A: ActionMarker + 'static> FromRequest for Authorized<A> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = CurrentUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if !policy::allows(user.role, A::ACTION) {
                return Err(ApiError::Forbidden);
            }
            Ok(Authorized { user, _action: PhantomData })
        })
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
