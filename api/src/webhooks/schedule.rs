//! Which deliveries the worker sends next, and what an attempt does to its endpoint: the
//! oldest due delivery of each endpoint not already in flight, endpoints in turns across partners,
//! each held by a lease in its row; and the circuit breaker that pauses an endpoint failing
//! `WEBHOOK_PAUSE_AFTER_FAILURES` times in a row.
use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Query,
};
use uuid::Uuid;

use super::{WebhookStatus, worker::PENDING};
use crate::{error::ApiError, state::AppState};

/// Who was served last: partners and endpoints take turns, the least recently served first.
#[derive(Default)]
pub struct Turns {
    clock: u64,
    partners: HashMap<Uuid, u64>,
    endpoints: HashMap<Uuid, u64>,
}

impl Turns {
    /// `(partner, endpoint)` pairs in serving order: one endpoint of each partner per round,
    /// partners and then their endpoints from the least recently served.
    pub fn order(&self, mut candidates: Vec<(Uuid, Uuid)>) -> Vec<(Uuid, Uuid)> {
        let last = |map: &HashMap<Uuid, u64>, id: &Uuid| map.get(id).copied().unwrap_or(0);
        candidates.sort_by_key(|(partner, endpoint)| {
            (last(&self.partners, partner), *partner, last(&self.endpoints, endpoint), *endpoint)
        });
        let mut rounds: Vec<(usize, usize, (Uuid, Uuid))> = Vec::with_capacity(candidates.len());
        let (mut partner_rank, mut rank_in_partner) = (0, 0);
        for (i, candidate) in candidates.iter().enumerate() {
            if i > 0 && candidates[i - 1].0 != candidate.0 {
                partner_rank += 1;
                rank_in_partner = 0;
            }
            rounds.push((rank_in_partner, partner_rank, *candidate));
            rank_in_partner += 1;
        }
        rounds.sort_by_key(|(round, rank, _)| (*round, *rank));
        rounds.into_iter().map(|(_, _, candidate)| candidate).collect()
    }

    pub fn served(&mut self, partner: Uuid, endpoint: Uuid) {
        self.clock += 1;
        self.partners.insert(partner, self.clock);
        self.endpoints.insert(endpoint, self.clock);
    }
}

/// How long an endpoint's lease lasts: longer than one send may take (`send_limit`).
fn lease(state: &AppState) -> chrono::Duration {
    chrono::Duration::from_std(send_limit(state) + Duration::from_secs(5)).unwrap_or(chrono::Duration::minutes(1))
}

/// The longest one delivery may take, address resolution included.
pub fn send_limit(state: &AppState) -> Duration {
    state.settings.partners.webhook_timeout.saturating_mul(2)
}

/// Picks up to `slots` deliveries, the oldest due one of as many endpoints (not `busy` here, not
/// leased elsewhere, not paused), and leases their endpoints.
pub async fn claim_due(
    state: &AppState,
    busy: &HashSet<Uuid>,
    slots: usize,
    turns: &mut Turns,
) -> Result<Vec<(webhook_endpoint::Model, webhook_delivery::Model)>, ApiError> {
    let now = Utc::now();
    let mut candidates: Vec<Uuid> = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::EndpointId)
        .distinct()
        .filter(webhook_delivery::Column::Status.eq(PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .into_tuple()
        .all(&state.db)
        .await?;
    // A paused endpoint whose cool-down is over gets its probe, whatever its deliveries' back-off.
    let probes: Vec<Uuid> = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .filter(webhook_endpoint::Column::Status.eq(WebhookStatus::Paused.as_str()))
        .filter(webhook_endpoint::Column::PausedUntil.lte(now))
        .filter(
            webhook_endpoint::Column::Id.in_subquery(
                Query::select()
                    .column(webhook_delivery::Column::EndpointId)
                    .from(webhook_delivery::Entity)
                    .and_where(webhook_delivery::Column::Status.eq(PENDING))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(&state.db)
        .await?;
    candidates.extend(probes);
    candidates.retain(|id| !busy.contains(id));
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let endpoints: HashMap<Uuid, webhook_endpoint::Model> = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Id.is_in(candidates))
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|e| e.lease_until.is_none_or(|until| until < now))
        .filter(|e| e.status != WebhookStatus::Paused.as_str() || e.paused_until.is_none_or(|until| until <= now))
        .map(|e| (e.id, e))
        .collect();
    let order = turns.order(endpoints.values().map(|e| (e.partner_id, e.id)).collect());
    let mut claims = Vec::new();
    for (partner, id) in order {
        if claims.len() >= slots {
            break;
        }
        let Some(endpoint) = endpoints.get(&id) else { continue };
        let leased = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::LeaseUntil, (now + lease(state)).into())
            .filter(webhook_endpoint::Column::Id.eq(id))
            .filter(
                Condition::any()
                    .add(webhook_endpoint::Column::LeaseUntil.is_null())
                    .add(webhook_endpoint::Column::LeaseUntil.lt(now)),
            )
            .exec(&state.db)
            .await?;
        if leased.rows_affected != 1 {
            continue;
        }
        let mut next = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::EndpointId.eq(id))
            .filter(webhook_delivery::Column::Status.eq(PENDING));
        if endpoint.status != WebhookStatus::Paused.as_str() {
            next = next.filter(webhook_delivery::Column::NextAttemptAt.lte(now));
        }
        let next = next
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::Id)
            .one(&state.db)
            .await?;
        match next {
            Some(delivery) => {
                turns.served(partner, id);
                claims.push((endpoint.clone(), delivery));
            }
            None => release(&state.db, id).await?,
        }
    }
    Ok(claims)
}

async fn release(db: &impl ConnectionTrait, endpoint: Uuid) -> Result<(), ApiError> {
    webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::LeaseUntil, Option::<DateTime<Utc>>::None.into())
        .filter(webhook_endpoint::Column::Id.eq(endpoint))
        .exec(db)
        .await?;
    Ok(())
}

/// An endpoint's status and consecutive failures after an attempt (the circuit breaker).
pub fn after_attempt(
    status: WebhookStatus,
    failures: i32,
    succeeded: bool,
    gave_up: bool,
    pause_after: i32,
) -> (WebhookStatus, i32) {
    if succeeded {
        let status = if status == WebhookStatus::Paused { WebhookStatus::Active } else { status };
        return (status, 0);
    }
    let failures = failures.saturating_add(1);
    if pause_after > 0 && failures >= pause_after {
        (WebhookStatus::Paused, failures)
    } else if gave_up {
        (WebhookStatus::Failing, failures)
    } else {
        (status, failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breaker_pauses_after_n_failures_in_a_row_and_a_success_resumes() {
        use WebhookStatus::*;
        assert_eq!(after_attempt(Active, 0, false, false, 3), (Active, 1));
        assert_eq!(after_attempt(Active, 2, false, false, 3), (Paused, 3));
        assert_eq!(after_attempt(Paused, 3, false, false, 3), (Paused, 4), "a failed probe");
        assert_eq!(after_attempt(Paused, 4, true, false, 3), (Active, 0), "a successful probe");
        assert_eq!(after_attempt(Active, 0, false, true, 3), (Failing, 1), "given up");
        assert_eq!(after_attempt(Failing, 1, true, false, 3), (Failing, 0), "failing stays visible");
        assert_eq!(after_attempt(Active, 99, false, false, 0), (Active, 100), "0: never paused");
    }

    #[test]
    fn turns_go_round_partners_first_so_none_waits_behind_another() {
        let id = |n: u128| Uuid::from_u128(n);
        let (a, b, c) = (id(1), id(2), id(3));
        // Partner a has four endpoints, b two, c one.
        let candidates =
            vec![(a, id(10)), (a, id(11)), (a, id(12)), (a, id(13)), (b, id(20)), (b, id(21)), (c, id(30))];
        let mut turns = Turns::default();
        let first: Vec<Uuid> = turns.order(candidates.clone()).into_iter().take(3).map(|(p, _)| p).collect();
        assert_eq!(first, vec![a, b, c], "one of each partner first");
        for (partner, endpoint) in [(a, id(10)), (a, id(11)), (b, id(20))] {
            turns.served(partner, endpoint);
        }
        let next = turns.order(candidates);
        assert_eq!(next[0], (c, id(30)), "the partner not yet served goes first");
        assert_eq!(next[1], (a, id(12)), "then a's endpoints not yet served");
        assert_eq!(next[2], (b, id(21)));
    }
}
