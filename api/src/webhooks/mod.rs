//! Webhooks: the worker that turns feed events into deliveries and delivers them, signed, with
//! retries. Every state lives in the database (the change feed is the outbox, written in the
//! transaction of each change; deliveries are rows), so nothing is lost when the server stops.
pub mod address;
pub mod signature;
pub mod worker;
