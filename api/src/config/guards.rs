//! Guard settings: the metrics listener and the limits on slow or greedy clients.
use std::{net::SocketAddr, time::Duration};

use super::{
    ConfigError,
    env::{invalid, parse_or},
};

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

/// `METRICS_ADDR` (empty: the API's own port; production defaults to loopback), `METRICS_TOKEN`,
/// `CLIENT_BODY_TIMEOUT_MS`, `MAX_CONNECTIONS_PER_ADDRESS`.
pub(super) fn guard_settings(
    get: &impl Fn(&str) -> Option<String>,
    production: bool,
) -> Result<GuardSettings, ConfigError> {
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
