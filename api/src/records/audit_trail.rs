//! Reading the audit trail: one change of one record as the API shows it, and a page of changes,
//! newest first (`/audit-events` and every record's `/history`).
use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::{AuditAction, AuditEntityType};
use super::{
    listing::{Listing, PageRequest, Sort, SortField, SortKind, SortValue},
    paging::page_limit,
};
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
    /// The number of matching events, when `include_total=true` (`/audit-events`).
    pub total: Option<u64>,
}

/// The orders of the audit trail: when the change happened (newest first by default).
const SORTS: &[SortField] = &[SortField {
    name: "occurred_at",
    expr: || Expr::col(audit_event::Column::OccurredAt),
    kind: SortKind::Timestamp,
}];

/// The filters of the audit trail; all combine with AND.
#[derive(Default)]
pub struct AuditFilter<'a> {
    /// Only these record types (`policy::readable_audit_types`); `None`: every type.
    pub readable: Option<&'a [&'a str]>,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub actor_id: Option<Uuid>,
    /// Free text in the action, the record type and the client's request id.
    pub q: Option<&'a str>,
    /// `-occurred_at` (the default) or `occurred_at`.
    pub sort: Option<&'a str>,
}

/// The audit events `filter` keeps, newest first unless its sort says otherwise, as a list to page
/// through.
pub fn listing(filter: &AuditFilter) -> Result<Listing<audit_event::Entity>, ApiError> {
    use audit_event::Column;
    let mut select = audit_event::Entity::find();
    if let Some(readable) = filter.readable {
        select = select.filter(Column::EntityType.is_in(readable.iter().copied()));
    }
    if let Some(entity_type) = filter.entity_type {
        select = select.filter(Column::EntityType.eq(entity_type));
    }
    if let Some(entity_id) = filter.entity_id {
        select = select.filter(Column::EntityId.eq(entity_id));
    }
    if let Some(actor) = filter.actor_id {
        select = select.filter(Column::ActorId.eq(actor));
    }
    let searched = [Column::Action, Column::EntityType, Column::ClientRequestId];
    if let Some(condition) = super::search::matching_any(&searched, filter.q)? {
        select = select.filter(condition);
    }
    Ok(Listing {
        select,
        sort: Sort::parse(filter.sort, SORTS, "-occurred_at")?,
        id_column: Column::Id,
        position: |_, row: &audit_event::Model| (SortValue::Timestamp(row.occurred_at), row.id),
    })
}

/// A page of audit events matching the filters, newest first (every record's `/history`);
/// `readable` limits it to those record types (`policy::readable_audit_types`).
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
    let filter = AuditFilter { readable, entity_type, entity_id, actor_id, ..AuditFilter::default() };
    let paged = listing(&filter)?.page(db, PageRequest { cursor, limit, include_total: false }).await?;
    Ok(AuditEventList {
        items: paged.rows.into_iter().map(AuditEventResponse::try_from).collect::<Result<_, _>>()?,
        next_cursor: paged.next_cursor,
        total: None,
    })
}
