//! Reading the settings from environment variables, each with its default.
use std::{str::FromStr, time::Duration};

use super::{
    AuthSettings, ConfigError, Environment, LogFormat, PartnerSettings, Settings, auth::parse_jwt_keys,
    guards::guard_settings, redact_url,
};

impl Settings {
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
            cors_allowed_headers: match get("CORS_ALLOWED_HEADERS") {
                Some(list) => parse_header_names(&list)?,
                None => defaults.cors_allowed_headers,
            },
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
                refresh_reuse_grace: Duration::from_secs(parse_or(
                    "REFRESH_TOKEN_REUSE_GRACE_SECS",
                    get("REFRESH_TOKEN_REUSE_GRACE_SECS"),
                    30,
                    "seconds",
                )?),
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
}

pub(super) fn parse_or<T: FromStr>(
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

pub(super) fn invalid(variable: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError { variable, message: format!("{value:?} is not {expected}") }
}

/// Parses `CORS_ALLOWED_HEADERS`: header names separated by commas (case ignored).
fn parse_header_names(list: &str) -> Result<Vec<String>, ConfigError> {
    let mut names = Vec::new();
    for name in list.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        if actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(invalid("CORS_ALLOWED_HEADERS", name, "header names separated by commas"));
        }
        names.push(name.to_ascii_lowercase());
    }
    Ok(names)
}
