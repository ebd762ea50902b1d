//! Bodies of the `/auth` routes.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::{
    domain::accounts::types::{AccountKind, AccountResponse},
    sessions::TokenType,
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "directeur@djcd.bamako.ml", "password": "Bamako-Leipzig-1966!"}))]
pub struct LoginRequest {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(format = "password", max_length = 1024)]
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "q2Xw9cV0mJ3tZr8bN1pL5sK7dF4gH6jY0aE2iU9oP3w"}))]
pub struct RefreshRequest {
    /// The opaque token of the last sign-in or refresh (URL-safe base64).
    #[schema(pattern = "^[A-Za-z0-9_-]+$", max_length = 256)]
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "Bamako-Leipzig-1966!", "new_password": "Dakar-Angers-1974-Turin"}))]
pub struct ChangePasswordRequest {
    #[schema(format = "password", max_length = 1024)]
    pub current_password: String,
    /// 12 to 128 characters, not one of the most common passwords.
    #[schema(format = "password", min_length = 12, max_length = 128)]
    pub new_password: String,
}

/// OAuth 2.0 client-credentials request (RFC 6749 §4.4), as a form or as JSON.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "djcd-0193a4b27c1e7d2a9f003b8f6a1c2d4e", "client_secret": "…"}))]
pub struct ClientCredentialsRequest {
    pub grant_type: GrantType,
    #[schema(max_length = 64, pattern = "^djcd-[0-9a-f]{32}$", example = "djcd-0193a4b27c1e7d2a9f003b8f6a1c2d4e")]
    pub client_id: String,
    #[schema(max_length = 256, format = Password)]
    pub client_secret: String,
    /// Ignored: the scope is the partner bound to the account.
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub scope: Option<String>,
}

/// OAuth 2.0 resource-owner password request (RFC 6749 §4.3), what Swagger UI's *Authorize* sends
/// for the `password` flow: a staff member's e-mail address as `username` and their password. The
/// client fields Swagger UI may add are accepted and ignored (there is no client to authenticate).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grant_type": "password", "username": "directeur@djcd.bamako.ml", "password": "Bamako-Leipzig-1966!"}))]
pub struct PasswordGrantRequest {
    pub grant_type: PasswordGrantType,
    /// The e-mail address of a person's account.
    #[schema(format = "email", max_length = 254)]
    pub username: String,
    #[schema(format = "password", max_length = 1024)]
    pub password: String,
    /// Ignored.
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub scope: Option<String>,
    /// Ignored.
    #[serde(default)]
    #[schema(max_length = 256)]
    pub client_id: Option<String>,
    /// Ignored.
    #[serde(default)]
    #[schema(max_length = 256, format = Password)]
    pub client_secret: Option<String>,
}

/// The grant of a password request: `password`.
#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PasswordGrantType {
    Password,
}

/// OAuth 2.0 refresh request (RFC 6749 §6): the same rotation as `POST /api/v1/auth/refresh`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grant_type": "refresh_token", "refresh_token": "q2Xw9cV0mJ3tZr8bN1pL5sK7dF4gH6jY0aE2iU9oP3w"}))]
pub struct RefreshTokenGrantRequest {
    pub grant_type: RefreshTokenGrantType,
    /// The opaque token of the last sign-in or refresh (URL-safe base64).
    #[schema(pattern = "^[A-Za-z0-9_-]+$", max_length = 256)]
    pub refresh_token: String,
    /// Ignored.
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub scope: Option<String>,
    /// Ignored.
    #[serde(default)]
    #[schema(max_length = 256)]
    pub client_id: Option<String>,
    /// Ignored.
    #[serde(default)]
    #[schema(max_length = 256, format = Password)]
    pub client_secret: Option<String>,
}

/// The grant of a refresh request: `refresh_token`.
#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RefreshTokenGrantType {
    RefreshToken,
}

/// A request to `POST /api/v1/auth/token`: client credentials (partner systems), a password
/// (staff, e.g. from Swagger UI) or a refresh token, told apart by `grant_type`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum TokenRequest {
    ClientCredentials(ClientCredentialsRequest),
    Password(PasswordGrantRequest),
    RefreshToken(RefreshTokenGrantRequest),
}

/// The answer of `POST /api/v1/auth/token`: an access token alone for client credentials, a
/// session's pair (RFC 6749 §5.1, with `refresh_token`) for a password or a refresh token.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum TokenResponse {
    ClientCredentials(ClientToken),
    Password(crate::sessions::TokenPair),
}

/// An access token for a machine account (no refresh token: ask again with the credentials).
/// Closed (`additionalProperties: false`), so that a token pair never also reads as one.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "token_type": "Bearer", "expires_in": 900}))]
pub struct ClientToken {
    pub access_token: String,
    pub token_type: TokenType,
    pub expires_in: i64,
}

/// The grant of a client-credentials request: `client_credentials`.
#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    ClientCredentials,
}
