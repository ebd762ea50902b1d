//! The webhook worker: a loop that (1) reads the change feed from its stored position and writes
//! one delivery per event and interested endpoint, and (2) sends the deliveries that are due,
//! retrying failures with exponential back-off and jitter until they are `WEBHOOK_MAX_AGE_SECS`
//! old, when the delivery is given up and its endpoint marked `failing`.
use std::{collections::HashMap, time::Duration};

use actix_web::web;
use chrono::Utc;
use entity::{feed_cursor, funding_line, project, project_participant, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use super::{address, signature};
use crate::{config::Environment, error::ApiError, feed, routes::partner_api::view, state::AppState};

const CURSOR: &str = "webhooks";
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// Runs the worker until the process ends.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let interval = state.settings.partners.webhook_poll_interval;
        loop {
            tokio::time::sleep(interval).await;
            if let Err(error) = fan_out(&state).await {
                tracing::warn!(?error, "webhooks: cannot read the change feed");
            }
            if let Err(error) = deliver_due(&state).await {
                tracing::warn!(?error, "webhooks: cannot deliver");
            }
        }
    })
}

/// Turns new feed events into deliveries, in one transaction with the worker's position.
pub async fn fan_out(state: &AppState) -> Result<usize, ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let position =
        feed_cursor::Entity::find_by_id(CURSOR.to_owned()).one(&txn).await?.map_or((0, 0), |c| (c.txid, c.seq));
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

async fn save_position(db: &impl ConnectionTrait, position: (i64, i64)) -> Result<(), ApiError> {
    let existing = feed_cursor::Entity::find_by_id(CURSOR.to_owned()).one(db).await?;
    let model = feed_cursor::ActiveModel { name: Set(CURSOR.to_owned()), txid: Set(position.0), seq: Set(position.1) };
    if existing.is_some() {
        model.update(db).await?
    } else {
        model.insert(db).await?
    };
    Ok(())
}

/// Sends the deliveries that are due.
pub async fn deliver_due(state: &AppState) -> Result<usize, ApiError> {
    let now = Utc::now();
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(20)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for delivery in due {
        // Claim it, so that a second worker (another instance) does not send it too.
        let lease = now
            + chrono::Duration::from_std(state.settings.partners.webhook_timeout * 2)
                .unwrap_or(chrono::Duration::seconds(10));
        let claimed = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::NextAttemptAt, lease.into())
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .filter(webhook_delivery::Column::NextAttemptAt.eq(delivery.next_attempt_at))
            .filter(webhook_delivery::Column::Status.eq(PENDING))
            .exec(&state.db)
            .await?;
        if claimed.rows_affected == 1 {
            attempt(state, delivery).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

async fn attempt(state: &AppState, delivery: webhook_delivery::Model) -> Result<(), ApiError> {
    let endpoint = webhook_endpoint::Entity::find_by_id(delivery.endpoint_id).one(&state.db).await?;
    let outcome = match endpoint.as_ref().filter(|e| e.archived_at.is_none()) {
        None => Err((None, "the endpoint was removed".to_owned())),
        Some(endpoint) => send(state, endpoint, &delivery).await,
    };
    let now = Utc::now();
    let attempts = delivery.attempts + 1;
    let mut change: webhook_delivery::ActiveModel = delivery.clone().into();
    change.attempts = Set(attempts);
    match outcome {
        Ok(status) => {
            change.status = Set(DELIVERED.to_owned());
            change.last_status = Set(Some(i32::from(status)));
            change.last_error = Set(None);
            change.delivered_at = Set(Some(now));
        }
        Err((status, error)) => {
            change.last_status = Set(status.map(i32::from));
            change.last_error = Set(Some(error.chars().take(500).collect()));
            let max_age = chrono::Duration::from_std(state.settings.partners.webhook_max_age)
                .unwrap_or(chrono::Duration::hours(24));
            let delay = backoff(state.settings.partners.webhook_retry_base, attempts);
            if endpoint.is_none() || now + delay - delivery.created_at > max_age {
                change.status = Set(FAILED.to_owned());
                if let Some(endpoint) = endpoint {
                    webhook_endpoint::Entity::update_many()
                        .col_expr(webhook_endpoint::Column::Status, "failing".into())
                        .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
                        .exec(&state.db)
                        .await?;
                }
            } else {
                change.next_attempt_at = Set(now + delay);
            }
        }
    }
    change.update(&state.db).await?;
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
