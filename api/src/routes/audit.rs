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
    records::audit_trail::{AuditEventList, page},
    state::AppState,
    validate::CodeParam,
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
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
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
    let readable = readable_audit_types(caller.role);
    let list = page(
        &state.db,
        readable.as_deref(),
        query.entity_type.as_deref(),
        query.entity_id.map(|id| id.to_string()).as_deref(),
        query.actor_id,
        query.limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The body of every `…/{id}/history` route: a page of one record's changes, newest first.
pub async fn record_history(
    db: &sea_orm::DatabaseConnection,
    entity_type: &str,
    id: Uuid,
    query: &HistoryQuery,
) -> Result<HttpResponse, ApiError> {
    let id = id.to_string();
    let list = page(db, None, Some(entity_type), Some(&id), None, query.limit, query.cursor.as_deref()).await?;
    Ok(HttpResponse::Ok().json(list))
}
