//! Handlers of `/api/v1/auth`.
use actix_web::{HttpRequest, HttpResponse, get, http::header, post, put, web};
use uuid::Uuid;

use super::dto::{
    AccountResponse, ChangePasswordRequest, ClientCredentialsRequest, ClientToken, LoginRequest, PasswordGrantRequest,
    RefreshRequest, RefreshTokenGrantRequest, TokenRequest, TokenResponse,
};
use crate::http::change::Change;
use crate::{
    auth::{
        Authorized, password,
        policy::{ChangeOwnPassword, ReadOwnAccount},
        secrets,
    },
    domain::accounts::{rules, service, store},
    error::ApiError,
    http::extract::{ApiJson, parse_json},
    i18n::Text,
    records::unit_of_work::Answer,
    sessions::{self, TokenPair},
    state::AppState,
};

pub(crate) fn bad_credentials() -> ApiError {
    ApiError::Unauthorized(Text::fixed(
        "Adresse e-mail ou mot de passe incorrect.",
        "Wrong e-mail address or password.",
    ))
}

/// Sign in with an e-mail and a password
///
/// Returns a short-lived access token and a single-use refresh token. A wrong password and an
/// unknown e-mail get the same 401 in about the same time. Attempts are throttled per account and
/// per client address (429 with `Retry-After`).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong e-mail or password", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; retry after `Retry-After` seconds", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let pair = sign_in(&req, &state, &body.email, body.password).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Checks a person's e-mail and password (throttled) and opens a session: the login, and the
/// password grant of `POST /auth/token`.
async fn sign_in(req: &HttpRequest, state: &AppState, email: &str, password: String) -> Result<TokenPair, ApiError> {
    let email = rules::normalize_email(email);
    let address = req.peer_addr().map(|addr| addr.ip().to_string()).unwrap_or_default();
    state.login_throttle.check(&email, &address).map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
    let account = store::find_person_by_email(&state.db, &email).await?;
    let stored =
        account.as_ref().and_then(|a| a.password_hash.clone()).unwrap_or_else(|| password::decoy_hash().to_owned());
    // Argon2 is CPU-bound: keep it off the async workers.
    let matches = web::block(move || password::verify(&password, &stored)).await.map_err(|e| anyhow::anyhow!(e))?;
    let account = match account {
        Some(account) if matches && account.is_active => account,
        _ => return Err(bad_credentials()),
    };
    // A sign-in opens a session; it changes no official record: a plain transaction, no audit.
    let txn = crate::db::begin_write(&state.db).await?;
    let pair = sessions::issue_pair(&txn, state, &account, Uuid::now_v7()).await?;
    store::touch_last_login(&txn, account).await?;
    txn.commit().await?;
    Ok(pair)
}

/// Exchange a refresh token for a new pair
///
/// The refresh token is single use: the answer carries a new one. Presenting a token that was
/// already used revokes every token of its session.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/refresh")]
pub async fn refresh_session(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let pair = sessions::refresh(&state, &body.into_inner()?.refresh_token).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Sign out
///
/// Revokes the refresh tokens of the caller's session. The access token lapses at its expiry.
#[utoipa::path(
    tag = "auth",
    responses((status = 204, description = "Signed out"))
)]
#[post("/logout")]
pub async fn logout(caller: Authorized<ReadOwnAccount>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if let Some(family) = caller.session {
        sessions::end_session(&state.db, family).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's account
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "The caller's account", body = AccountResponse))
)]
#[get("/me")]
pub async fn get_me(caller: Authorized<ReadOwnAccount>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let account = store::find_any(&state.db, caller.id).await?;
    Ok(HttpResponse::Ok().json(AccountResponse::try_from(account)?))
}

/// Change one's own password
///
/// Needs the current password. Every other session of the account ends; the answer carries a new
/// pair for this one.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed; a new session", body = TokenPair),
        (status = 401, description = "Wrong current password, or no valid token", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[put("/password")]
pub async fn change_password(
    change: Change<ChangeOwnPassword>,
    state: web::Data<AppState>,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<Answer, ApiError> {
    let body = body.into_inner()?;
    let account = store::find_any(change.db(), change.id).await?;
    let Some(stored) = account.password_hash else {
        return Err(ApiError::Forbidden);
    };
    let current = body.current_password.clone();
    if !web::block(move || password::verify(&current, &stored)).await.map_err(|e| anyhow::anyhow!(e))? {
        return Err(ApiError::Unauthorized(Text::fixed("Mot de passe actuel incorrect.", "Wrong current password.")));
    }
    rules::check_password_change(&body.current_password, &body.new_password)?;
    let hash = service::hash_password(body.new_password).await?;
    let work = change.begin().await?;
    let new_session = async |txn: &sea_orm::DatabaseTransaction, saved: &entity::account::Model| {
        sessions::issue_pair(txn, &state, saved, Uuid::now_v7()).await
    };
    service::change_own_password(work, change.id, hash, new_session)
        .await?
        .respond(|pair| Answer::json(200, pair))
        .await
}

/// Get a token: client credentials (partner systems) or password (staff)
///
/// OAuth 2.0 token endpoint, as `application/x-www-form-urlencoded` or JSON.
///
/// - `grant_type=client_credentials` (RFC 6749 §4.4): a machine account's `client_id` and
///   `client_secret`; the answer is an access token whose role is `partner`, bound to the machine
///   account's partner (no refresh token: ask again with the credentials).
/// - `grant_type=password` (RFC 6749 §4.3): a person's e-mail as `username` and their password,
///   the same check and throttle as `POST /api/v1/auth/login`; the answer is the session's pair
///   `{access_token, token_type, expires_in, refresh_token}`. This is the `password` security
///   scheme, with which Swagger UI's *Authorize* signs staff in.
/// - `grant_type=refresh_token` (RFC 6749 §6): the same rotation as `POST /api/v1/auth/refresh`,
///   answering a new pair.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body(content(
        (TokenRequest = "application/x-www-form-urlencoded"),
        (TokenRequest = "application/json"),
    )),
    responses(
        (status = 200, description = "An access token (client credentials), or a session's pair (password, refresh token)", body = TokenResponse),
        (status = 401, description = "Unknown client or wrong secret; wrong e-mail or password; invalid, expired or reused refresh token", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; retry after `Retry-After` seconds", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/token")]
pub async fn issue_client_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let form = match essence.as_str() {
        "application/x-www-form-urlencoded" => true,
        "application/json" => false,
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/x-www-form-urlencoded or application/json",
            });
        }
    };
    let grant =
        if form { crate::http::extract::parse_form::<GrantOnly>(&body) } else { parse_json::<GrantOnly>(&body) };
    match grant.ok().and_then(|grant| grant.grant_type).as_deref() {
        Some("password") => {
            let request: PasswordGrantRequest =
                if form { crate::http::extract::parse_form(&body)? } else { parse_json(&body)? };
            let pair = sign_in(&req, &state, &request.username, request.password).await?;
            return Ok(HttpResponse::Ok().json(TokenResponse::Password(pair)));
        }
        Some("refresh_token") => {
            let request: RefreshTokenGrantRequest =
                if form { crate::http::extract::parse_form(&body)? } else { parse_json(&body)? };
            let pair = sessions::refresh(&state, &request.refresh_token).await?;
            return Ok(HttpResponse::Ok().json(TokenResponse::Password(pair)));
        }
        _ => {}
    }
    let request: ClientCredentialsRequest =
        if form { crate::http::extract::parse_form(&body)? } else { parse_json(&body)? };
    if request.scope.as_ref().is_some_and(|scope| scope.len() > 1024) {
        return Err(ApiError::invalid(
            "scope",
            "length",
            Text::fixed("1024 caractères au plus.", "At most 1024 characters."),
        ));
    }
    let address = req.peer_addr().map(|addr| addr.ip().to_string()).unwrap_or_default();
    state
        .login_throttle
        .check(&format!("client:{}", request.client_id), &address)
        .map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
    let account = match store::find_machine_by_client_id(&state.db, &request.client_id).await? {
        Some(account) if store::may_sign_in(&state.db, &account).await? => Some(account),
        _ => None,
    };
    let presented = secrets::hash_secret(&request.client_secret);
    let account = match account {
        Some(account)
            if account.client_secret_hash.as_deref().is_some_and(|stored| secrets::same_hash(stored, &presented)) =>
        {
            account
        }
        _ => {
            return Err(ApiError::Unauthorized(Text::fixed(
                "Identifiant client ou secret incorrect.",
                "Wrong client id or secret.",
            )));
        }
    };
    let token = sessions::access_token(&state, &account, None)?;
    Ok(HttpResponse::Ok().json(TokenResponse::ClientCredentials(ClientToken {
        access_token: token,
        token_type: super::dto::TokenType::Bearer,
        expires_in: state.keys.access_ttl_secs,
    })))
}

/// The `grant_type` of a token request, read first to choose the grant's own strict parser.
#[derive(serde::Deserialize)]
struct GrantOnly {
    grant_type: Option<String>,
}
