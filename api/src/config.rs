//! Settings read from the environment, each with a documented default.
//!
//! An invalid value stops start-up with one line naming the variable (`ConfigError`).
use std::{net::SocketAddr, str::FromStr, time::Duration};

/// Where the data lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/djcd.db?mode=rwc";

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

/// Where the metrics are served, and the limits that keep one client from exhausting the server.
#[derive(Clone, Debug)]
pub struct GuardSettings {
    /// A separate listener for `/metrics`; `None` serves them on the API's own port.
    pub metrics_addr: Option<SocketAddr>,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// The time a client has to send a whole request body, from its first byte.
    pub client_body_timeout: Duration,
    /// Connections one client address may hold open at once.
    pub max_connections_per_address: u32,
}

impl GuardSettings {
    pub fn defaults() -> Self {
        Self {
            metrics_addr: None,
            metrics_token: None,
            client_body_timeout: Duration::from_secs(30),
            max_connections_per_address: 128,
        }
    }
}

/// The metrics listener of production when `METRICS_ADDR` is not set: loopback only.
pub const PRODUCTION_METRICS_ADDR: &str = "127.0.0.1:9464";

/// Partner systems: their rate limit and the webhooks sent to them.
#[derive(Clone, Debug)]
pub struct PartnerSettings {
    /// Requests per minute and machine account on `/api/v1/partner/…` (a burst of as many).
    pub requests_per_minute: u32,
    /// First retry delay of a failed webhook delivery; each next one doubles, with jitter.
    pub webhook_retry_base: Duration,
    /// How long a delivery is retried before it is given up and its endpoint marked failing.
    pub webhook_max_age: Duration,
    /// How often the webhook worker looks for work.
    pub webhook_poll_interval: Duration,
    pub webhook_timeout: Duration,
    /// Allow webhook URLs on private, loopback or link-local addresses (tests, internal setups).
    pub webhook_allow_private: bool,
    // Fairness between partner systems (issue #14, item 6).
    /// Deliveries in flight at once, at most one per endpoint.
    pub webhook_concurrency: usize,
    /// Endpoints a partner may have (archived ones do not count).
    pub webhook_max_endpoints_per_partner: u64,
    /// Manual redeliveries per endpoint and minute (a burst of as many).
    pub webhook_redeliveries_per_minute: u32,
    /// Consecutive failed attempts after which an endpoint is paused (0: never).
    pub webhook_pause_after_failures: i32,
    /// How long a paused endpoint waits before one probe delivery.
    pub webhook_pause_cooldown: Duration,
    /// The `reporting-org` reference of the IATI publication.
    pub iati_reporting_org: String,
}

impl PartnerSettings {
    pub fn defaults() -> Self {
        Self {
            requests_per_minute: 120,
            webhook_retry_base: Duration::from_secs(30),
            webhook_max_age: Duration::from_secs(24 * 3600),
            webhook_poll_interval: Duration::from_secs(1),
            webhook_timeout: Duration::from_secs(5),
            webhook_allow_private: false,
            webhook_concurrency: 16,
            webhook_max_endpoints_per_partner: 10,
            webhook_redeliveries_per_minute: 10,
            webhook_pause_after_failures: 10,
            webhook_pause_cooldown: Duration::from_secs(60),
            iati_reporting_org: "XM-DAC-ML-BKO-DJCD".to_owned(),
        }
    }
}

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
fn parse_jwt_keys(text: &str) -> Result<Vec<JwtKey>, ConfigError> {
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

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so that tests can pass their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Self::development_defaults();
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let production = get("APP_ENV").as_deref() == Some("production");
        Ok(Self {
            environment: match get("APP_ENV").as_deref() {
                None | Some("development") => Environment::Development,
                Some("production") => Environment::Production,
                Some(other) => return Err(invalid("APP_ENV", other, "development or production")),
            },
            database_url: match get("DATABASE_URL") {
                None => defaults.database_url,
                Some(url)
                    if url.starts_with("sqlite:")
                        || url.starts_with("postgres://")
                        || url.starts_with("postgresql://") =>
                {
                    url
                }
                Some(other) => {
                    return Err(invalid("DATABASE_URL", &redact_url(&other), "a sqlite: or postgres:// URL"));
                }
            },
            bind_addr: parse_or(
                "BIND_ADDR",
                get("BIND_ADDR"),
                defaults.bind_addr,
                "an address such as 127.0.0.1:8080",
            )?,
            log_level: get("LOG_LEVEL").unwrap_or(defaults.log_level),
            log_format: match get("LOG_FORMAT").as_deref() {
                None | Some("text") => LogFormat::Text,
                Some("json") => LogFormat::Json,
                Some(other) => return Err(invalid("LOG_FORMAT", other, "text or json")),
            },
            cors_origins: get("CORS_ORIGINS")
                .map(|list| list.split(',').map(|origin| origin.trim().to_owned()).filter(|o| !o.is_empty()).collect())
                .unwrap_or_default(),
            body_limit_bytes: parse_or(
                "BODY_LIMIT_BYTES",
                get("BODY_LIMIT_BYTES"),
                defaults.body_limit_bytes,
                "a number of bytes",
            )?,
            db_pool_size: parse_or(
                "DB_POOL_SIZE",
                get("DB_POOL_SIZE"),
                defaults.db_pool_size,
                "a whole number from 1",
            )?
            .max(1),
            db_acquire_timeout: Duration::from_millis(parse_or(
                "DB_ACQUIRE_TIMEOUT_MS",
                get("DB_ACQUIRE_TIMEOUT_MS"),
                1500,
                "milliseconds",
            )?),
            shutdown_grace: Duration::from_secs(parse_or(
                "SHUTDOWN_GRACE_SECS",
                get("SHUTDOWN_GRACE_SECS"),
                30,
                "seconds",
            )?),
            client_request_timeout: Duration::from_millis(parse_or(
                "CLIENT_REQUEST_TIMEOUT_MS",
                get("CLIENT_REQUEST_TIMEOUT_MS"),
                10_000,
                "milliseconds",
            )?),
            workers: parse_or("WORKERS", get("WORKERS"), defaults.workers, "a whole number from 1")?.max(1),
            auth: AuthSettings {
                jwt_keys: match get("JWT_KEYS") {
                    Some(text) => parse_jwt_keys(&text)?,
                    None => defaults.auth.jwt_keys,
                },
                issuer: get("JWT_ISSUER").unwrap_or(defaults.auth.issuer),
                audience: get("JWT_AUDIENCE").unwrap_or(defaults.auth.audience),
                access_ttl: Duration::from_secs(parse_or(
                    "ACCESS_TOKEN_TTL_SECS",
                    get("ACCESS_TOKEN_TTL_SECS"),
                    900,
                    "seconds",
                )?),
                refresh_ttl: Duration::from_secs(
                    parse_or("REFRESH_TOKEN_TTL_DAYS", get("REFRESH_TOKEN_TTL_DAYS"), 30u64, "days")? * 24 * 3600,
                ),
                leeway: Duration::from_secs(parse_or("JWT_LEEWAY_SECS", get("JWT_LEEWAY_SECS"), 30, "seconds")?),
                bootstrap_director_email: get("BOOTSTRAP_DIRECTOR_EMAIL"),
                bootstrap_director_password: get("BOOTSTRAP_DIRECTOR_PASSWORD"),
                login_attempts_per_account: parse_or(
                    "LOGIN_ATTEMPTS_PER_MINUTE",
                    get("LOGIN_ATTEMPTS_PER_MINUTE"),
                    defaults.auth.login_attempts_per_account,
                    "a whole number from 1",
                )?
                .max(1),
                login_attempts_per_address: parse_or(
                    "LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS",
                    get("LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS"),
                    defaults.auth.login_attempts_per_address,
                    "a whole number from 1",
                )?
                .max(1),
            },
            partners: PartnerSettings {
                requests_per_minute: parse_or(
                    "PARTNER_REQUESTS_PER_MINUTE",
                    get("PARTNER_REQUESTS_PER_MINUTE"),
                    120,
                    "a whole number from 1",
                )?
                .max(1),
                webhook_retry_base: Duration::from_millis(parse_or(
                    "WEBHOOK_RETRY_BASE_MS",
                    get("WEBHOOK_RETRY_BASE_MS"),
                    30_000,
                    "milliseconds",
                )?),
                webhook_max_age: Duration::from_secs(parse_or(
                    "WEBHOOK_MAX_AGE_SECS",
                    get("WEBHOOK_MAX_AGE_SECS"),
                    86_400,
                    "seconds",
                )?),
                webhook_poll_interval: Duration::from_millis(
                    parse_or("WEBHOOK_POLL_INTERVAL_MS", get("WEBHOOK_POLL_INTERVAL_MS"), 1000, "milliseconds")?
                        .max(10),
                ),
                webhook_timeout: Duration::from_millis(parse_or(
                    "WEBHOOK_TIMEOUT_MS",
                    get("WEBHOOK_TIMEOUT_MS"),
                    5000,
                    "milliseconds",
                )?),
                webhook_allow_private: parse_or(
                    "WEBHOOK_ALLOW_PRIVATE",
                    get("WEBHOOK_ALLOW_PRIVATE"),
                    false,
                    "true or false",
                )?,
                webhook_concurrency: parse_or(
                    "WEBHOOK_CONCURRENCY",
                    get("WEBHOOK_CONCURRENCY"),
                    16,
                    "a whole number from 1",
                )?
                .max(1),
                webhook_max_endpoints_per_partner: parse_or(
                    "WEBHOOK_MAX_ENDPOINTS_PER_PARTNER",
                    get("WEBHOOK_MAX_ENDPOINTS_PER_PARTNER"),
                    10,
                    "a whole number from 1",
                )?
                .max(1),
                webhook_redeliveries_per_minute: parse_or(
                    "WEBHOOK_REDELIVERIES_PER_MINUTE",
                    get("WEBHOOK_REDELIVERIES_PER_MINUTE"),
                    10,
                    "a whole number from 1",
                )?
                .max(1),
                webhook_pause_after_failures: parse_or(
                    "WEBHOOK_PAUSE_AFTER_FAILURES",
                    get("WEBHOOK_PAUSE_AFTER_FAILURES"),
                    10,
                    "a whole number (0: never pause)",
                )?
                .max(0),
                webhook_pause_cooldown: Duration::from_secs(parse_or(
                    "WEBHOOK_PAUSE_COOLDOWN_SECS",
                    get("WEBHOOK_PAUSE_COOLDOWN_SECS"),
                    60,
                    "seconds",
                )?),
                iati_reporting_org: get("IATI_REPORTING_ORG")
                    .unwrap_or_else(|| PartnerSettings::defaults().iati_reporting_org),
            },
            guards: guard_settings(&get, production)?,
        })
        .and_then(Self::refuse_unsafe_production)
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

/// `METRICS_ADDR` (empty: the API's own port; production defaults to loopback), `METRICS_TOKEN`,
/// `CLIENT_BODY_TIMEOUT_MS`, `MAX_CONNECTIONS_PER_ADDRESS`.
fn guard_settings(get: &impl Fn(&str) -> Option<String>, production: bool) -> Result<GuardSettings, ConfigError> {
    let defaults = GuardSettings::defaults();
    let metrics_addr = match get("METRICS_ADDR") {
        Some(text) if text.trim() == "main" => None,
        Some(text) => Some(
            text.trim()
                .parse()
                .map_err(|_| invalid("METRICS_ADDR", &text, "an address such as 127.0.0.1:9464, or main"))?,
        ),
        None if production => PRODUCTION_METRICS_ADDR.parse().ok(),
        None => None,
    };
    let metrics_token = get("METRICS_TOKEN");
    if metrics_token.as_ref().is_some_and(|token| token.len() < 16) {
        return Err(ConfigError {
            variable: "METRICS_TOKEN",
            message: "a token of at least 16 characters is required".into(),
        });
    }
    if production && metrics_addr.is_none() && metrics_token.is_none() {
        return Err(ConfigError {
            variable: "METRICS_ADDR",
            message:
                "production serves /metrics on the API's port only behind METRICS_TOKEN: set one, or a METRICS_ADDR"
                    .into(),
        });
    }
    Ok(GuardSettings {
        metrics_addr,
        metrics_token,
        client_body_timeout: Duration::from_millis(
            parse_or("CLIENT_BODY_TIMEOUT_MS", get("CLIENT_BODY_TIMEOUT_MS"), 30_000u64, "milliseconds")?.max(100),
        ),
        max_connections_per_address: parse_or(
            "MAX_CONNECTIONS_PER_ADDRESS",
            get("MAX_CONNECTIONS_PER_ADDRESS"),
            defaults.max_connections_per_address,
            "a whole number from 1",
        )?
        .max(1),
    })
}

fn parse_or<T: FromStr>(
    variable: &'static str,
    value: Option<String>,
    default: T,
    expected: &str,
) -> Result<T, ConfigError> {
    match value {
        None => Ok(default),
        Some(text) => text.trim().parse().map_err(|_| invalid(variable, &text, expected)),
    }
}

fn invalid(variable: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError { variable, message: format!("{value:?} is not {expected}") }
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
