//! The webhook worker: a loop that (1) reads the change feed from its stored position and writes
//! one delivery per event and interested endpoint, and (2) sends the deliveries that are due,
//! retrying failures with exponential back-off and jitter until they are `WEBHOOK_MAX_AGE_SECS`
//! old, when the delivery is given up and its endpoint marked `failing`.
//!
//! Sending is concurrent and fair: up to `WEBHOOK_CONCURRENCY` deliveries in flight, at most one
//! per endpoint (held by a lease in the database, so that a second instance would not send to the
//! same endpoint at once), the oldest due delivery of each endpoint, endpoints taken in turns
//! across partners. An endpoint failing `WEBHOOK_PAUSE_AFTER_FAILURES` attempts in a row is
//! paused; after `WEBHOOK_PAUSE_COOLDOWN_SECS` one probe is sent, and its success resumes it.
use std::collections::{HashMap, HashSet};

use actix_web::web;
use tokio::task::{Id, JoinSet};
use uuid::Uuid;

use crate::{
    state::AppState,
    webhooks::schedule::{Turns, claim_due},
};

mod delivery;
mod fan_out;

pub use delivery::backoff;
pub use fan_out::fan_out;

use delivery::attempt;

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";
/// Every state of a delivery (the database refuses others), as `super::DeliveryStatus` names them.
pub const DELIVERY_STATUSES: [&str; 3] = [PENDING, DELIVERED, FAILED];

/// Runs the worker until the process ends (aborting it aborts the deliveries in flight; their
/// rows stay pending and their endpoints' leases expire).
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let interval = state.settings.partners.webhook_poll_interval;
        let concurrency = state.settings.partners.webhook_concurrency.max(1);
        let mut flights: JoinSet<()> = JoinSet::new();
        let mut in_flight: HashMap<Id, Uuid> = HashMap::new();
        let mut turns = Turns::default();
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // The feed is read on the interval; a delivery that ends frees its slot at once.
            let tick = tokio::select! {
                _ = ticker.tick() => true,
                Some(done) = flights.join_next_with_id(), if !flights.is_empty() => {
                    in_flight.remove(&done.map_or_else(|error| error.id(), |(id, ())| id));
                    false
                }
            };
            while let Some(done) = flights.try_join_next_with_id() {
                in_flight.remove(&done.map_or_else(|error| error.id(), |(id, ())| id));
            }
            if tick && let Err(error) = fan_out(&state).await {
                tracing::warn!(?error, "webhooks: cannot read the change feed");
            }
            let free = concurrency.saturating_sub(in_flight.len());
            if free == 0 {
                continue;
            }
            let busy: HashSet<Uuid> = in_flight.values().copied().collect();
            match claim_due(&state, &busy, free, &mut turns).await {
                Ok(claims) => {
                    for (endpoint, delivery) in claims {
                        let endpoint_id = endpoint.id;
                        let state = state.clone();
                        let task = flights.spawn(async move {
                            if let Err(error) = attempt(&state, endpoint, delivery).await {
                                tracing::warn!(?error, "webhooks: cannot record a delivery attempt");
                            }
                        });
                        in_flight.insert(task.id(), endpoint_id);
                    }
                }
                Err(error) => tracing::warn!(?error, "webhooks: cannot deliver"),
            }
        }
    })
}
