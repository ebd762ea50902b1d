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
use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use actix_web::web;
use chrono::{DateTime, Utc};
use entity::{feed_cursor, funding_line, project, project_participant, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::OnConflict,
};
use serde_json::json;
use tokio::task::{Id, JoinSet};
use uuid::Uuid;

use super::{
    WebhookStatus, address,
    schedule::{Turns, after_attempt, claim_due, send_limit},
    signature,
};
use crate::{config::Environment, domain::partner_view as view, error::ApiError, feed, state::AppState};

const CURSOR: &str = "webhooks";
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";
/// Every state of a delivery (the database refuses others).
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

/// Turns new feed events into deliveries, in one transaction with the worker's position.
pub async fn fan_out(state: &AppState) -> Result<usize, ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let position = locked_position(&txn).await?;
    let events = feed::events_after(&txn, None, position, 200).await?;
    let Some(last) = events.last().map(|e| e.position) else {
        txn.commit().await?;
        return Ok(0);
    };
    let endpoints =
        webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::ArchivedAt.is_null()).all(&txn).await?;
    let mut created = 0;
    for event in &events {
        // An endpoint hears of the events after its registration, of the kinds it chose.
        let interested: Vec<&webhook_endpoint::Model> = endpoints
            .iter()
            .filter(|e| e.created_at <= event.occurred_at)
            .filter(|e| {
                serde_json::from_value::<Vec<String>>(e.events.clone()).unwrap_or_default().contains(&event.kind)
            })
            .collect();
        if interested.is_empty() {
            continue;
        }
        let participants: Vec<Uuid> = project_participant::Entity::find()
            .select_only()
            .column(project_participant::Column::PartnerId)
            .filter(project_participant::Column::ProjectId.eq(event.project_id))
            .into_tuple()
            .all(&txn)
            .await?;
        let line = match event.funding_line_id {
            Some(id) => funding_line::Entity::find_by_id(id).one(&txn).await?,
            None => None,
        };
        let mut views: HashMap<Uuid, serde_json::Value> = HashMap::new();
        for endpoint in interested {
            let partner = endpoint.partner_id;
            if !participants.contains(&partner) {
                continue;
            }
            if event.funding_line_id.is_some() && !line.as_ref().is_some_and(|l| view::may_see_line(partner, l)) {
                continue;
            }
            let project_view = match views.get(&partner) {
                Some(view) => view.clone(),
                None => {
                    let model = project::Entity::find_by_id(event.project_id)
                        .filter(project::Column::ArchivedAt.is_null())
                        .one(&txn)
                        .await?;
                    let view = match model {
                        Some(model) => view::build(&txn, partner, vec![model])
                            .await?
                            .pop()
                            .map(|v| serde_json::to_value(v).unwrap_or_default()),
                        None => None,
                    }
                    .unwrap_or(serde_json::Value::Null);
                    views.insert(partner, view.clone());
                    view
                }
            };
            let payload = json!({
                "id": event.id,
                "type": event.kind,
                "occurred_at": event.occurred_at,
                "project_id": event.project_id,
                "funding_line_id": event.funding_line_id,
                "project": project_view,
            });
            let now = Utc::now();
            webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                endpoint_id: Set(endpoint.id),
                event_id: Set(event.id),
                event_type: Set(event.kind.clone()),
                payload: Set(payload.to_string()),
                attempts: Set(0),
                status: Set(PENDING.to_owned()),
                next_attempt_at: Set(now),
                last_status: Set(None),
                last_error: Set(None),
                created_at: Set(now),
                delivered_at: Set(None),
            }
            .insert(&txn)
            .await?;
            created += 1;
        }
    }
    save_position(&txn, last).await?;
    txn.commit().await?;
    Ok(created)
}

/// The worker's position, its row created if missing and locked until the transaction ends, so
/// that two instances never turn the same events into deliveries.
async fn locked_position(db: &impl ConnectionTrait) -> Result<(i64, i64), ApiError> {
    let start = feed_cursor::ActiveModel { name: Set(CURSOR.to_owned()), txid: Set(0), seq: Set(0) };
    feed_cursor::Entity::insert(start)
        .on_conflict(OnConflict::column(feed_cursor::Column::Name).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let cursor = feed_cursor::Entity::find_by_id(CURSOR.to_owned()).lock_exclusive().one(db).await?;
    Ok(cursor.map_or((0, 0), |c| (c.txid, c.seq)))
}

async fn save_position(db: &impl ConnectionTrait, position: (i64, i64)) -> Result<(), ApiError> {
    feed_cursor::ActiveModel { name: Set(CURSOR.to_owned()), txid: Set(position.0), seq: Set(position.1) }
        .update(db)
        .await?;
    Ok(())
}

/// Sends one delivery, then records its outcome and the endpoint's, and releases the endpoint.
async fn attempt(
    state: &AppState,
    endpoint: webhook_endpoint::Model,
    delivery: webhook_delivery::Model,
) -> Result<(), ApiError> {
    let partners = &state.settings.partners;
    let outcome = if endpoint.archived_at.is_some() {
        Err((None, "the endpoint was removed".to_owned()))
    } else {
        tokio::time::timeout(send_limit(state), send(state, &endpoint, &delivery))
            .await
            .unwrap_or_else(|_| Err((None, "no answer in time".to_owned())))
    };
    let now = Utc::now();
    let attempts = delivery.attempts + 1;
    let mut change: webhook_delivery::ActiveModel = delivery.clone().into();
    change.attempts = Set(attempts);
    let mut gave_up = false;
    match &outcome {
        Ok(status) => {
            change.status = Set(DELIVERED.to_owned());
            change.last_status = Set(Some(i32::from(*status)));
            change.last_error = Set(None);
            change.delivered_at = Set(Some(now));
        }
        Err((status, error)) => {
            change.last_status = Set(status.map(i32::from));
            change.last_error = Set(Some(error.chars().take(500).collect()));
            let max_age = chrono::Duration::from_std(partners.webhook_max_age).unwrap_or(chrono::Duration::hours(24));
            let delay = backoff(partners.webhook_retry_base, attempts);
            if endpoint.archived_at.is_some() || now + delay - delivery.created_at > max_age {
                change.status = Set(FAILED.to_owned());
                gave_up = true;
            } else {
                change.next_attempt_at = Set(now + delay);
            }
        }
    }
    let was = WebhookStatus::from_stored(&endpoint.status)?;
    let (status, failures) = if endpoint.archived_at.is_some() {
        (was, endpoint.consecutive_failures)
    } else {
        after_attempt(
            was,
            endpoint.consecutive_failures,
            outcome.is_ok(),
            gave_up,
            partners.webhook_pause_after_failures,
        )
    };
    let paused_until = (status == WebhookStatus::Paused).then(|| {
        now + chrono::Duration::from_std(partners.webhook_pause_cooldown).unwrap_or(chrono::Duration::minutes(1))
    });
    let txn = crate::db::begin_write(&state.db).await?;
    change.update(&txn).await?;
    if was == WebhookStatus::Paused && status != WebhookStatus::Paused {
        // Resumed: what waited during the pause is due now.
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::NextAttemptAt, now.into())
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id))
            .filter(webhook_delivery::Column::Status.eq(PENDING))
            .exec(&txn)
            .await?;
    }
    webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Status, status.as_str().into())
        .col_expr(webhook_endpoint::Column::ConsecutiveFailures, failures.into())
        .col_expr(webhook_endpoint::Column::PausedUntil, paused_until.into())
        .col_expr(webhook_endpoint::Column::LeaseUntil, Option::<DateTime<Utc>>::None.into())
        .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// `base × 2^(attempt−1)`, plus up to half of it at random, at most 6 hours.
pub fn backoff(base: Duration, attempt: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempt.clamp(1, 20) - 1).unwrap_or(0);
    let delay = base.saturating_mul(2u32.saturating_pow(exponent)).min(Duration::from_secs(6 * 3600));
    let mut random = [0u8; 4];
    let _ = getrandom::fill(&mut random);
    let jitter = delay.mul_f64(f64::from(u32::from_le_bytes(random)) / f64::from(u32::MAX) / 2.0);
    chrono::Duration::from_std(delay + jitter).unwrap_or(chrono::Duration::hours(6))
}

/// One POST of a delivery; the HTTP status on success, or why it failed.
async fn send(
    state: &AppState,
    endpoint: &webhook_endpoint::Model,
    delivery: &webhook_delivery::Model,
) -> Result<u16, (Option<u16>, String)> {
    let partners = &state.settings.partners;
    let allow_http = state.settings.environment != Environment::Production;
    let (url, address) = address::check(&endpoint.url, allow_http, partners.webhook_allow_private)
        .await
        .map_err(|r| (None, r.explain()))?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(partners.webhook_timeout)
        .connect_timeout(partners.webhook_timeout)
        .resolve(&host, address)
        .user_agent("djcd-webhooks/1")
        .build()
        .map_err(|e| (None, format!("client: {e}")))?;
    let timestamp = Utc::now().timestamp();
    let signature = signature::sign(&endpoint.secret, timestamp, delivery.payload.as_bytes());
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature", signature)
        .header("x-event-id", delivery.event_id.to_string())
        .header("x-event-type", delivery.event_type.clone())
        .header("x-delivery-id", delivery.id.to_string())
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|e| (None, format!("{e}")))?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("the receiver answered {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_with_at_most_half_more_of_jitter() {
        let base = Duration::from_secs(10);
        for attempt in 1..=5 {
            let expected = 10 * 2i64.pow(attempt as u32 - 1);
            let delay = backoff(base, attempt).num_milliseconds();
            assert!(delay >= expected * 1000 && delay <= expected * 1500, "attempt {attempt}: {delay} ms");
        }
        assert!(backoff(base, 40).num_hours() <= 9, "capped");
    }
}
