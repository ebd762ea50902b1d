//! The queries of webhook endpoints and of their deliveries.
use chrono::Utc;
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::types::NewEndpoint;
use crate::{
    auth::{
        CurrentUser,
        policy::{WebhookScope, may_manage_webhook, webhook_scope},
    },
    error::ApiError,
    records::listing::{Listing, Sort, SortField, SortKind, SortValue},
    webhooks::{WebhookStatus, worker::PENDING},
};

/// The endpoint `id` if the caller manages it; 404 otherwise (another partner's is not leaked).
pub async fn find(
    db: &impl ConnectionTrait,
    caller: &CurrentUser,
    id: Uuid,
) -> Result<webhook_endpoint::Model, ApiError> {
    webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|endpoint| may_manage_webhook(caller.role, caller.partner_id, endpoint.partner_id))
        .ok_or(ApiError::NotFound)
}

/// The live endpoints the caller manages, oldest first (at most 500: a partner has a handful).
pub async fn list(db: &impl ConnectionTrait, caller: &CurrentUser) -> Result<Vec<webhook_endpoint::Model>, ApiError> {
    let mut select = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::ArchivedAt.is_null());
    match webhook_scope(caller.role, caller.partner_id) {
        WebhookScope::Every => {}
        WebhookScope::OfPartner(partner) => select = select.filter(webhook_endpoint::Column::PartnerId.eq(partner)),
        WebhookScope::Nothing => return Ok(Vec::new()),
    }
    Ok(select.order_by_asc(webhook_endpoint::Column::Id).limit(500).all(db).await?)
}

/// How many live endpoints `partner` has.
pub async fn count_live(db: &impl ConnectionTrait, partner: Uuid) -> Result<u64, ApiError> {
    Ok(webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::PartnerId.eq(partner))
        .filter(webhook_endpoint::Column::ArchivedAt.is_null())
        .count(db)
        .await?)
}

/// Inserts an active endpoint (version 1) registered by `created_by`.
pub async fn insert(
    db: &impl ConnectionTrait,
    endpoint: &NewEndpoint,
    created_by: Uuid,
) -> Result<webhook_endpoint::Model, ApiError> {
    let now = Utc::now();
    let events = serde_json::to_value(&endpoint.events).map_err(|error| ApiError::Internal(error.into()))?;
    Ok(webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        partner_id: Set(endpoint.partner_id),
        url: Set(endpoint.url.clone()),
        events: Set(events),
        secret: Set(endpoint.secret.clone()),
        status: Set(WebhookStatus::Active.as_str().into()),
        created_by: Set(Some(created_by)),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        lease_until: Set(None),
        paused_until: Set(None),
        consecutive_failures: Set(0),
    }
    .insert(db)
    .await?)
}

/// The orders of an endpoint's deliveries; the newest first by default.
const DELIVERY_SORTS: &[SortField] = &[
    SortField {
        name: "created_at",
        expr: || Expr::col(webhook_delivery::Column::CreatedAt),
        kind: SortKind::Timestamp,
    },
    SortField {
        name: "next_attempt_at",
        expr: || Expr::col(webhook_delivery::Column::NextAttemptAt),
        kind: SortKind::Timestamp,
    },
];

/// The endpoint's deliveries matching `q` (in the event type and the last error), in `sort` order
/// (`-created_at` by default), as a list to page through.
pub fn deliveries(
    endpoint: Uuid,
    q: Option<&str>,
    sort: Option<&str>,
) -> Result<Listing<webhook_delivery::Entity>, ApiError> {
    use webhook_delivery::Column;
    let mut select = webhook_delivery::Entity::find().filter(Column::EndpointId.eq(endpoint));
    if let Some(condition) = crate::records::search::matching_any(&[Column::EventType, Column::LastError], q)? {
        select = select.filter(condition);
    }
    Ok(Listing {
        select,
        sort: Sort::parse(sort, DELIVERY_SORTS, "-created_at")?,
        id_column: Column::Id,
        position: |sort, row: &webhook_delivery::Model| {
            let value = match sort.field.name {
                "next_attempt_at" => SortValue::Timestamp(row.next_attempt_at),
                _ => SortValue::Timestamp(row.created_at),
            };
            (value, row.id)
        },
    })
}

/// The delivery `id` of `endpoint`; 404 otherwise.
pub async fn delivery(
    db: &impl ConnectionTrait,
    endpoint: Uuid,
    id: Uuid,
) -> Result<webhook_delivery::Model, ApiError> {
    webhook_delivery::Entity::find_by_id(id)
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Queues a new delivery of the same event (same event id, so that the receiver can ignore it).
pub async fn queue_again(
    db: &impl ConnectionTrait,
    original: webhook_delivery::Model,
) -> Result<webhook_delivery::Model, ApiError> {
    let now = Utc::now();
    Ok(webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(original.endpoint_id),
        event_id: Set(original.event_id),
        event_type: Set(original.event_type),
        payload: Set(original.payload),
        attempts: Set(0),
        status: Set(PENDING.to_owned()),
        next_attempt_at: Set(now),
        last_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    }
    .insert(db)
    .await?)
}
