//! The audit trail: `GET /api/v1/audit-events` (everything, for the director and division heads)
//! and the `history` of one record, which each resource exposes as `…/{id}/history`.
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::{
        Authorized,
        policy::{ReadAudit, readable_audit_types},
    },
    error::ApiError,
    http::pagination::page_limit,
    records::{
        audit_trail::{self, AuditEventList, AuditEventResponse, AuditFilter},
        listing::PageRequest,
    },
    state::AppState,
    validate::{CodeParam, SearchParam},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListAuditQuery {
    /// `partner`, `agreement`, `project`…
    #[param(inline)]
    pub entity_type: Option<CodeParam>,
    /// The id of the record.
    pub entity_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// Free text in the action, the record type and the client's request id, case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `-occurred_at` (the newest first; the default) or `occurred_at`.
    #[param(inline, example = "-occurred_at")]
    pub sort: Option<AuditSort>,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

crate::code_list! {
    /// The order of the audit trail: `occurred_at`, prefixed with `-` for descending.
    pub enum AuditSort {
        OccurredAt = "occurred_at",
        OccurredAtDescending = "-occurred_at",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The audit trail
///
/// Every change of the records the caller may read, newest first: division heads see the changes
/// of what they read (partners, agreements, projects, events…), not of accounts or webhooks.
#[utoipa::path(
    tag = "audit",
    params(ListAuditQuery),
    responses((status = 200, description = "A page of audit events", body = AuditEventList))
)]
#[get("/audit-events")]
pub async fn list_audit_events(
    caller: Authorized<ReadAudit>,
    state: web::Data<AppState>,
    query: web::Query<ListAuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let readable = readable_audit_types(caller.role);
    let entity_id = query.entity_id.map(|id| id.to_string());
    let filter = AuditFilter {
        readable: readable.as_deref(),
        entity_type: query.entity_type.as_deref(),
        entity_id: entity_id.as_deref(),
        actor_id: query.actor_id,
        q: query.q.as_deref(),
        sort: query.sort.map(AuditSort::as_str),
    };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    audit_trail::listing(&filter)?
        .respond_json(&state.db, request, AuditEventResponse::try_from, |items, next_cursor, total| AuditEventList {
            items,
            next_cursor,
            total,
        })
        .await
}

/// The body of every `…/{id}/history` route: a page of one record's changes, newest first.
pub async fn record_history(
    db: &sea_orm::DatabaseConnection,
    entity_type: &str,
    id: Uuid,
    query: &HistoryQuery,
) -> Result<HttpResponse, ApiError> {
    let id = id.to_string();
    let list = crate::records::audit_trail::page(
        db,
        None,
        Some(entity_type),
        Some(&id),
        None,
        query.limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(list))
}
