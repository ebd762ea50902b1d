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
            db_acquire_timeout: Duration::from_secs(2),
            shutdown_grace: Duration::from_secs(30),
            client_request_timeout: Duration::from_secs(10),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so that tests can pass their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Self::development_defaults();
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
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
                2000,
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
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
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
    fn passwords_are_masked_in_database_urls() {
        assert_eq!(redact_url("postgres://djcd:s3cret@db:5432/djcd"), "postgres://djcd:***@db:5432/djcd");
        assert_eq!(redact_url("sqlite://data/djcd.db"), "sqlite://data/djcd.db");
    }
}
