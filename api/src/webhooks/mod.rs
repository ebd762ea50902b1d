//! Webhooks: the worker that turns feed events into deliveries and delivers them, signed, with
//! retries. Every state lives in the database (the change feed is the outbox, written in the
//! transaction of each change; deliveries are rows), so nothing is lost when the server stops.
pub mod address;
pub mod schedule;
pub mod signature;
pub mod worker;

crate::code_list! {
    /// The state of an endpoint, as `GET /webhooks` shows it.
    pub enum WebhookStatus {
        /// Deliveries are sent.
        Active = "active",
        /// A delivery was given up after `WEBHOOK_MAX_AGE_SECS`; the others are still sent.
        Failing = "failing",
        /// `WEBHOOK_PAUSE_AFTER_FAILURES` attempts in a row failed: deliveries wait, queued, and one
        /// probe is sent after `WEBHOOK_PAUSE_COOLDOWN_SECS`; its success resumes the endpoint.
        Paused = "paused",
    }
}

crate::code_list! {
    /// The state of one delivery of one event to an endpoint.
    pub enum DeliveryStatus {
        /// Not delivered yet: tried again at `next_attempt_at`.
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Given up after `WEBHOOK_MAX_AGE_SECS` (it can be sent again by hand).
        Failed = "failed",
    }
}
