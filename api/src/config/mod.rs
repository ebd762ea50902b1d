//! Settings read from the environment, each with a documented default.
//!
//! An invalid value stops start-up with one line naming the variable (`ConfigError`).
use std::{net::SocketAddr, time::Duration};

mod auth;
mod env;
mod guards;
mod partners;

pub use auth::{AuthSettings, DEVELOPMENT_JWT_KEY, JwtKey};
pub use guards::{GuardSettings, PRODUCTION_METRICS_ADDR};
pub use partners::PartnerSettings;

/// Where the data lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/djcd.db?mode=rwc";

/// The request headers cross-origin browsers may send unless `CORS_ALLOWED_HEADERS` says otherwise.
pub const DEFAULT_CORS_ALLOWED_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "accept",
    "accept-language",
    "if-match",
    "if-none-match",
    "if-modified-since",
    "idempotency-key",
    "x-request-id",
    "traceparent",
    "tracestate",
];

/// A setting that cannot be used, named so that the operator can fix it.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Every setting of the server. `Settings::from_env` reads them; tests build them directly.
#[derive(Clone, Debug)]
pub struct Settings {
    pub environment: Environment,
    pub database_url: String,
    pub bind_addr: SocketAddr,
    pub log_level: String,
    pub log_format: LogFormat,
    pub cors_origins: Vec<String>,
    /// Request headers a cross-origin browser may send (`CORS_ALLOWED_HEADERS`), lower case.
    pub cors_allowed_headers: Vec<String>,
    pub body_limit_bytes: usize,
    pub db_pool_size: u32,
    /// How long a request waits for a database connection before answering 503.
    pub db_acquire_timeout: Duration,
    pub shutdown_grace: Duration,
    pub client_request_timeout: Duration,
    /// HTTP worker threads.
    pub workers: usize,
    pub auth: AuthSettings,
    pub partners: PartnerSettings,
    pub guards: GuardSettings,
}

impl Settings {
    /// Defaults suitable for a developer's machine, on the embedded SQLite database.
    pub fn development_defaults() -> Self {
        Self {
            environment: Environment::Development,
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log_level: "info".to_owned(),
            log_format: LogFormat::Text,
            cors_origins: Vec::new(),
            cors_allowed_headers: DEFAULT_CORS_ALLOWED_HEADERS.iter().map(|name| (*name).to_owned()).collect(),
            body_limit_bytes: 1024 * 1024,
            db_pool_size: 10,
            db_acquire_timeout: Duration::from_millis(1500),
            shutdown_grace: Duration::from_secs(30),
            client_request_timeout: Duration::from_secs(10),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            auth: AuthSettings::development_defaults(),
            partners: PartnerSettings::defaults(),
            guards: GuardSettings::defaults(),
        }
    }

    /// Production, or any address reachable from another machine, must not run with the
    /// development signing key: anyone could forge a director's token with it.
    fn refuse_unsafe_production(self) -> Result<Self, ConfigError> {
        self.check_signing_keys()?;
        Ok(self)
    }

    /// Refuses the development key (or no key) when `APP_ENV=production` or when `bind_addr` is
    /// not a loopback address. `Application::build` checks it again for settings built in code.
    pub fn check_signing_keys(&self) -> Result<(), ConfigError> {
        let exposed = !self.bind_addr.ip().is_loopback();
        let production = self.environment == Environment::Production;
        if (production || exposed) && (self.auth.jwt_keys.is_empty() || self.auth.uses_development_key()) {
            let why = if production {
                "APP_ENV=production".to_owned()
            } else {
                format!("BIND_ADDR {} is not a loopback address", self.bind_addr)
            };
            return Err(ConfigError {
                variable: "JWT_KEYS",
                message: format!(
                    "{why}: refusing to sign tokens with the public development key; set JWT_KEYS to a key of \
                     your own, e.g. JWT_KEYS=\"k1:$(head -c 48 /dev/urandom | base64 | tr -d '\\n')\""
                ),
            });
        }
        Ok(())
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// A database URL with its password masked, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn an_empty_environment_gives_the_sqlite_default_on_loopback() {
        let settings = settings(&[]).expect("defaults are valid");
        assert_eq!(settings.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(settings.bind_addr.to_string(), "127.0.0.1:8080");
        assert!(settings.is_sqlite());
    }

    #[test]
    fn cors_headers_and_the_refresh_grace_have_defaults_and_settings() {
        let defaults = settings(&[]).expect("defaults are valid");
        for name in ["traceparent", "tracestate", "if-match", "if-none-match", "idempotency-key", "authorization"] {
            assert!(defaults.cors_allowed_headers.iter().any(|h| h == name), "{name}");
        }
        assert_eq!(defaults.auth.refresh_reuse_grace, Duration::from_secs(30));
        let custom = settings(&[
            ("CORS_ALLOWED_HEADERS", " Authorization, X-Custom ,"),
            ("REFRESH_TOKEN_REUSE_GRACE_SECS", "0"),
        ])
        .expect("valid");
        assert_eq!(custom.cors_allowed_headers, ["authorization", "x-custom"]);
        assert_eq!(custom.auth.refresh_reuse_grace, Duration::ZERO);
        let error = settings(&[("CORS_ALLOWED_HEADERS", "bad header")]).expect_err("must be refused");
        assert_eq!(error.variable, "CORS_ALLOWED_HEADERS");
        let error = settings(&[("REFRESH_TOKEN_REUSE_GRACE_SECS", "soon")]).expect_err("must be refused");
        assert_eq!(error.variable, "REFRESH_TOKEN_REUSE_GRACE_SECS");
    }

    #[test]
    fn an_invalid_value_names_its_variable() {
        let error = settings(&[("BIND_ADDR", "nowhere")]).expect_err("must be refused");
        assert_eq!(error.variable, "BIND_ADDR");
        let error = settings(&[("DB_POOL_SIZE", "-3")]).expect_err("must be refused");
        assert_eq!(error.variable, "DB_POOL_SIZE");
        let error = settings(&[("DATABASE_URL", "mysql://x")]).expect_err("must be refused");
        assert_eq!(error.variable, "DATABASE_URL");
    }

    #[test]
    fn production_refuses_the_development_key_and_accepts_its_own() {
        let error = settings(&[("APP_ENV", "production")]).expect_err("must be refused");
        assert_eq!(error.variable, "JWT_KEYS");
        let key = "k2:0123456789abcdef0123456789abcdef, k1:abcdefghijabcdefghijabcdefghij0123";
        let settings = settings(&[("APP_ENV", "production"), ("JWT_KEYS", key)]).expect("accepted");
        assert_eq!(settings.auth.jwt_keys.len(), 2);
        assert_eq!(settings.auth.jwt_keys[0].kid, "k2");
        assert!(self::settings(&[("JWT_KEYS", "k:short")]).is_err());
    }

    #[test]
    fn metrics_are_on_loopback_in_production_and_on_the_main_port_only_behind_a_token() {
        let key = ("JWT_KEYS", "k1:0123456789abcdef0123456789abcdef");
        let production = settings(&[("APP_ENV", "production"), key]).expect("accepted");
        assert_eq!(production.guards.metrics_addr.map(|a| a.to_string()).as_deref(), Some(PRODUCTION_METRICS_ADDR));
        let error = settings(&[("APP_ENV", "production"), key, ("METRICS_ADDR", "main")]).expect_err("refused");
        assert_eq!(error.variable, "METRICS_ADDR");
        let token = ("METRICS_TOKEN", "a-scraper-token-of-some-length");
        let main = settings(&[("APP_ENV", "production"), key, ("METRICS_ADDR", "main"), token]).expect("accepted");
        assert!(main.guards.metrics_addr.is_none());
        assert!(settings(&[("METRICS_TOKEN", "short")]).is_err());
        assert!(settings(&[]).expect("defaults").guards.metrics_addr.is_none());
    }

    #[test]
    fn a_non_loopback_address_refuses_the_development_key() {
        for address in ["0.0.0.0:8080", "192.168.1.10:8080", "[::]:8080"] {
            let error = settings(&[("BIND_ADDR", address)]).expect_err("must be refused");
            assert_eq!(error.variable, "JWT_KEYS");
            assert!(error.to_string().contains("head -c 48 /dev/urandom"), "{error}");
        }
        let key = "k1:0123456789abcdef0123456789abcdef0123";
        assert!(settings(&[("BIND_ADDR", "0.0.0.0:8080"), ("JWT_KEYS", key)]).is_ok());
        let development = format!("k1:{DEVELOPMENT_JWT_KEY}");
        assert!(settings(&[("BIND_ADDR", "0.0.0.0:8080"), ("JWT_KEYS", &development)]).is_err());
        assert!(settings(&[("BIND_ADDR", "127.0.0.1:8080")]).is_ok());
        assert!(settings(&[("BIND_ADDR", "[::1]:8080")]).is_ok());
    }

    #[test]
    fn passwords_are_masked_in_database_urls() {
        assert_eq!(redact_url("postgres://djcd:s3cret@db:5432/djcd"), "postgres://djcd:***@db:5432/djcd");
        assert_eq!(redact_url("sqlite://data/djcd.db"), "sqlite://data/djcd.db");
    }
}
