//! Webhooks: the worker that turns feed events into deliveries and delivers them, signed, with
//! retries. Every state lives in the database (the change feed is the outbox, written in the
//! transaction of each change; deliveries are rows), so nothing is lost when the server stops.
pub mod address;
pub mod schedule;
pub mod signature;
pub mod worker;

/// The state of an endpoint, as `GET /webhooks` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookStatus {
    /// Deliveries are sent.
    Active,
    /// A delivery was given up after `WEBHOOK_MAX_AGE_SECS`; the others are still sent.
    Failing,
    /// `WEBHOOK_PAUSE_AFTER_FAILURES` attempts in a row failed: deliveries wait, queued, and one
    /// probe is sent after `WEBHOOK_PAUSE_COOLDOWN_SECS`; its success resumes the endpoint.
    Paused,
}

impl WebhookStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Failing => "failing",
            Self::Paused => "paused",
        }
    }

    /// The stored code; an unknown one reads as `active` (the database holds only these three).
    pub fn parse(code: &str) -> Self {
        match code {
            "failing" => Self::Failing,
            "paused" => Self::Paused,
            _ => Self::Active,
        }
    }
}
