//! Reading the audit trail: one change of one record as the API shows it, and a page of changes,
//! newest first (`/audit-events` and every record's `/history`).
use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::{AuditAction, AuditEntityType};
use super::paging::{decode_cursor, page_limit, split_page};
use crate::error::ApiError;

/// One change of one record.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "occurred_at": "2026-11-27T10:00:00Z",
    "actor_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "request_id": "0193a4b2-1111-7d2a-9f00-3b8f6a1c2d4e",
    "client_request_id": "sync-2026-11-27-0042",
    "entity_type": "partner", "entity_id": "0193a4b2-2222-7d2a-9f00-3b8f6a1c2d4e", "action": "update",
    "before": {"website": null}, "after": {"website": "https://www.angers.fr"}
}))]
pub struct AuditEventResponse {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The account that made the change; `null` for the server's own changes (seed data).
    pub actor_id: Option<Uuid>,
    /// The server's own id of the request that made it: unique to that request.
    pub request_id: Option<String>,
    /// The `X-Request-Id` the client sent with that request, if any (a client may send one twice).
    pub client_request_id: Option<String>,
    pub entity_type: AuditEntityType,
    pub entity_id: String,
    pub action: AuditAction,
    /// The record before the change, as the API showed it.
    pub before: Option<serde_json::Value>,
    /// The record after the change.
    pub after: Option<serde_json::Value>,
}

impl TryFrom<audit_event::Model> for AuditEventResponse {
    type Error = ApiError;

    fn try_from(model: audit_event::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            occurred_at: model.occurred_at,
            actor_id: model.actor_id,
            request_id: model.request_id,
            client_request_id: model.client_request_id,
            entity_type: AuditEntityType::from_stored(&model.entity_type)?,
            entity_id: model.entity_id,
            action: AuditAction::from_stored(&model.action)?,
            before: model.before,
            after: model.after,
        })
    }
}

/// A page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditEventList {
    pub items: Vec<AuditEventResponse>,
    pub next_cursor: Option<String>,
}

/// A page of audit events matching the filters, newest first; `readable` limits it to those record
/// types (`policy::readable_audit_types`).
pub async fn page(
    db: &impl ConnectionTrait,
    readable: Option<&[&str]>,
    entity_type: Option<&str>,
    entity_id: Option<&str>,
    actor_id: Option<Uuid>,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<AuditEventList, ApiError> {
    let limit = page_limit(limit)?;
    let mut select = audit_event::Entity::find();
    if let Some(readable) = readable {
        select = select.filter(audit_event::Column::EntityType.is_in(readable.iter().copied()));
    }
    if let Some(entity_type) = entity_type {
        select = select.filter(audit_event::Column::EntityType.eq(entity_type));
    }
    if let Some(entity_id) = entity_id {
        select = select.filter(audit_event::Column::EntityId.eq(entity_id));
    }
    if let Some(actor) = actor_id {
        select = select.filter(audit_event::Column::ActorId.eq(actor));
    }
    if let Some(before) = decode_cursor::<Uuid>(cursor)? {
        select = select.filter(audit_event::Column::Id.lt(before));
    }
    let rows = select.order_by_desc(audit_event::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| row.id);
    let items = rows.into_iter().map(AuditEventResponse::try_from).collect::<Result<_, _>>()?;
    Ok(AuditEventList { items, next_cursor })
}
