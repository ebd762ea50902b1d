//! Auth settings: JWT signing keys, token lifetimes, the first director and login limits.
use std::time::Duration;

use super::ConfigError;

/// The secret key of development builds. Production refuses to start with it.
pub const DEVELOPMENT_JWT_KEY: &str = "development-only-key-never-use-in-production-0123456789";

/// One HMAC key used to sign (the first) or verify (all) access tokens.
#[derive(Clone)]
pub struct JwtKey {
    pub kid: String,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JwtKey {{ kid: {:?}, secret: *** }}", self.kid)
    }
}

/// Sessions, tokens and the first director.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// The first key signs; every key verifies, so that keys rotate without logging anyone out.
    pub jwt_keys: Vec<JwtKey>,
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// How long a refresh token that was just used may be presented again (another tab of the same
    /// browser refreshing at the same moment) and get a pair of the same session instead of
    /// revoking it as a reuse (RFC 9700 §4.14.2). Zero: never.
    pub refresh_reuse_grace: Duration,
    /// Clock difference tolerated on `exp`, `nbf` and `iat`.
    pub leeway: Duration,
    pub bootstrap_director_email: Option<String>,
    pub bootstrap_director_password: Option<String>,
    /// Login attempts allowed per account and per minute (a burst of as many, then one per 60/n s).
    pub login_attempts_per_account: u32,
    /// Login attempts allowed per client address and per minute.
    pub login_attempts_per_address: u32,
}

impl AuthSettings {
    pub fn development_defaults() -> Self {
        Self {
            jwt_keys: vec![JwtKey { kid: "dev".into(), secret: DEVELOPMENT_JWT_KEY.as_bytes().to_vec() }],
            issuer: "djcd-api".into(),
            audience: "djcd".into(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_reuse_grace: Duration::from_secs(30),
            leeway: Duration::from_secs(30),
            bootstrap_director_email: None,
            bootstrap_director_password: None,
            login_attempts_per_account: 5,
            login_attempts_per_address: 30,
        }
    }

    pub fn uses_development_key(&self) -> bool {
        self.jwt_keys.iter().any(|key| key.secret == DEVELOPMENT_JWT_KEY.as_bytes())
    }
}

/// Parses `JWT_KEYS`: `kid:secret` pairs separated by commas, the signing key first. Secrets are
/// at least 32 bytes.
pub(super) fn parse_jwt_keys(text: &str) -> Result<Vec<JwtKey>, ConfigError> {
    let mut keys = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|pair| !pair.is_empty()) {
        let Some((kid, secret)) = pair.split_once(':') else {
            return Err(ConfigError {
                variable: "JWT_KEYS",
                message: "expected kid:secret pairs separated by commas".into(),
            });
        };
        if kid.is_empty() || secret.len() < 32 {
            return Err(ConfigError {
                variable: "JWT_KEYS",
                message: format!("key {kid:?}: a non-empty kid and a secret of at least 32 bytes are required"),
            });
        }
        keys.push(JwtKey { kid: kid.to_owned(), secret: secret.as_bytes().to_vec() });
    }
    if keys.is_empty() {
        return Err(ConfigError { variable: "JWT_KEYS", message: "no key given".into() });
    }
    Ok(keys)
}
