//! Reading the caller from a request: `CurrentUser` from its bearer token (the account is re-read
//! on every request), `Authorized<A>` from `CurrentUser` and the permission table. The types and
//! the one `Authorization` parser (`auth::bearer_token`) are `auth`'s.
use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use entity::account;
use sea_orm::EntityTrait;

use crate::{
    auth::{Authorized, CurrentUser, Division, bearer_token, policy::ActionMarker},
    domain::accounts,
    error::ApiError,
    i18n::Text,
    state::AppState,
};

pub(crate) fn unauthorized() -> ApiError {
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
                || !accounts::store::may_sign_in(&state.db, &account).await?
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

impl<A: ActionMarker + 'static> FromRequest for Authorized<A> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = CurrentUser::from_request(req, payload);
        Box::pin(async move { Authorized::check(user.await?) })
    }
}
