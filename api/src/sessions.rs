//! Sessions: an access token plus a rotating refresh token. A refresh token is single use;
//! presenting one that was already used revokes its whole family (someone holds a copy), except
//! within a short grace window after its use (`REFRESH_TOKEN_REUSE_GRACE_SECS`), for the other
//! tabs of the same browser that refresh at the same moment.
use chrono::Utc;
use entity::{account, refresh_token};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::{Division, Role, secrets},
    error::ApiError,
    i18n::Text,
    state::AppState,
};

/// The token type of OAuth 2.0 answers: always `Bearer`.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub enum TokenType {
    Bearer,
}

/// A new session's tokens.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRldiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "token_type": "Bearer", "expires_in": 900,
    "refresh_token": "q2Xw9cV0mJ3tZr8bN1pL5sK7dF4gH6jY0aE2iU9oP3w"
}))]
pub struct TokenPair {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: TokenType,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// An opaque, single-use token for `POST /api/v1/auth/refresh`.
    #[schema(pattern = "^[A-Za-z0-9_-]{43}$")]
    pub refresh_token: String,
}

pub fn invalid_refresh_token() -> ApiError {
    ApiError::Unauthorized(Text::fixed(
        "Jeton de rafraîchissement invalide, expiré ou déjà utilisé.",
        "The refresh token is invalid, expired or already used.",
    ))
}

/// Issues an access token and a refresh token in `family` (a new family for a login).
pub async fn issue_pair(
    db: &impl ConnectionTrait,
    state: &AppState,
    account: &account::Model,
    family: Uuid,
) -> Result<TokenPair, ApiError> {
    let refresh = secrets::random_secret()?;
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(state.settings.auth.refresh_ttl).unwrap_or(chrono::Duration::days(30));
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(account.id),
        family_id: Set(family),
        token_hash: Set(secrets::hash_secret(&refresh)),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(TokenPair {
        access_token: access_token(state, account, Some(family))?,
        token_type: TokenType::Bearer,
        expires_in: state.keys.access_ttl_secs,
        refresh_token: refresh,
    })
}

/// An access token for `account`.
pub fn access_token(state: &AppState, account: &account::Model, session: Option<Uuid>) -> Result<String, ApiError> {
    let role = Role::from_stored(&account.role)?;
    let division = account.division.as_deref().map(Division::from_stored).transpose()?;
    Ok(state.keys.issue(account.id, role, division, account.partner_id, account.token_version, session)?)
}

/// Marks every live token of `family` revoked.
pub async fn revoke_family(db: &impl ConnectionTrait, family: Uuid) -> Result<(), ApiError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Utc::now().into())
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a session (sign-out): revokes its family, queued behind any refresh of it in flight.
pub async fn end_session(db: &sea_orm::DatabaseConnection, family: Uuid) -> Result<(), ApiError> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::serialize_on(&txn, &family_lock(family)).await?;
    revoke_family(&txn, family).await?;
    txn.commit().await?;
    Ok(())
}

fn family_lock(family: Uuid) -> String {
    format!("refresh-family:{family}")
}

/// Exchanges a refresh token for a new pair of the same family. The claim of the token, the check
/// that its family is still live and the issue of the next token are one write transaction, so
/// that a concurrent reuse cannot slip between them: a reuse revokes the whole family, including
/// a token a racing winner was just given (it was committed before the reuse's revocation, or the
/// winner sees the revocation and issues nothing).
pub async fn refresh(state: &AppState, presented: &str) -> Result<TokenPair, ApiError> {
    let hash = secrets::hash_secret(presented);
    let txn = crate::db::begin_write(&state.db).await?;
    let token = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash))
        .one(&txn)
        .await?
        .ok_or_else(invalid_refresh_token)?;
    if token.expires_at <= Utc::now() && token.used_at.is_none() && token.revoked_at.is_none() {
        return Err(invalid_refresh_token());
    }
    // One refresh or revocation of a family at a time, so that none reads a family state another
    // is about to change (a reuse's revocation must see every token issued before it).
    crate::db::serialize_on(&txn, &family_lock(token.family_id)).await?;
    // Several tabs of one browser share the refresh token and may all refresh at once: the token
    // just used may be presented again for a short while and opens another pair of the same
    // session; presented later, it is a reuse (RFC 9700 §4.14.2).
    if let Some(pair) = replay_within_grace(&txn, state, token.id).await? {
        txn.commit().await?;
        return Ok(pair);
    }
    // Conditional: of two concurrent uses only one can win; on PostgreSQL the loser waits here on
    // the winner's row lock until the winner has committed its new token.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Utc::now().into())
        .filter(refresh_token::Column::Id.eq(token.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let family_revoked = refresh_token::Entity::find()
        .filter(refresh_token::Column::FamilyId.eq(token.family_id))
        .filter(refresh_token::Column::RevokedAt.is_not_null())
        .one(&txn)
        .await?
        .is_some();
    if claimed.rows_affected == 0 || family_revoked {
        // Someone holds a copy: end the whole session, and keep that though the request fails.
        revoke_family(&txn, token.family_id).await?;
        txn.commit().await?;
        tracing::warn!(family = %token.family_id, "refresh token reused: family revoked");
        return Err(invalid_refresh_token());
    }
    let account = account::Entity::find_by_id(token.account_id).one(&txn).await?.ok_or_else(invalid_refresh_token)?;
    if !crate::domain::accounts::store::may_sign_in(&txn, &account).await? {
        return Err(invalid_refresh_token());
    }
    let pair = issue_pair(&txn, state, &account, token.family_id).await?;
    txn.commit().await?;
    Ok(pair)
}

/// A pair of the same session for a token used less than `REFRESH_TOKEN_REUSE_GRACE_SECS` ago
/// whose session is live; `None` otherwise (unused tokens, and reuses the caller must judge).
async fn replay_within_grace(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    token_id: Uuid,
) -> Result<Option<TokenPair>, ApiError> {
    let grace = chrono::Duration::from_std(state.settings.auth.refresh_reuse_grace).unwrap_or_default();
    if grace <= chrono::Duration::zero() {
        return Ok(None);
    }
    // Read again now that the family is ours: a concurrent refresh may have used it meanwhile.
    let Some(token) = refresh_token::Entity::find_by_id(token_id).one(txn).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let within = token.used_at.is_some_and(|used| now - used <= grace);
    if !within || token.revoked_at.is_some() || token.expires_at <= now {
        return Ok(None);
    }
    let family_revoked = refresh_token::Entity::find()
        .filter(refresh_token::Column::FamilyId.eq(token.family_id))
        .filter(refresh_token::Column::RevokedAt.is_not_null())
        .one(txn)
        .await?
        .is_some();
    if family_revoked {
        return Ok(None);
    }
    let account = account::Entity::find_by_id(token.account_id).one(txn).await?.ok_or_else(invalid_refresh_token)?;
    if !crate::domain::accounts::store::may_sign_in(txn, &account).await? {
        return Err(invalid_refresh_token());
    }
    tracing::info!(family = %token.family_id, "refresh token presented again within the grace window");
    Ok(Some(issue_pair(txn, state, &account, token.family_id).await?))
}
