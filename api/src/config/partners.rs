//! Partner settings: the partner systems' rate limit, webhook deliveries and IATI publication.
use std::time::Duration;

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
