//! One delivery attempt: the signed POST, its outcome recorded with the endpoint's state, and the
//! back-off before the next try.
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{DELIVERED, FAILED, PENDING};
use crate::{
    config::Environment,
    error::ApiError,
    state::AppState,
    webhooks::{
        WebhookStatus, address,
        schedule::{after_attempt, send_limit},
        signature,
    },
};

/// Sends one delivery, then records its outcome and the endpoint's, and releases the endpoint.
pub(super) async fn attempt(
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
