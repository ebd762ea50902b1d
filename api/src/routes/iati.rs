//! `GET /api/v1/iati/activities.xml` and `GET /api/v1/iati/projects/{id}/activity.xml`: projects
//! as IATI 2.03 activities. Staff get every live project; a partner system gets those it takes
//! part in, with only its own and public funding lines as transactions.
use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entity::{funding_line, partner, project};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use utoipa_actix_web::{scope, service_config::ServiceConfig};
use uuid::Uuid;

use crate::{
    auth::{Authorized, Role, policy::ReadIati},
    error::ApiError,
    iati::{self, Activity, Transaction},
    routes::{
        agreements::queries::partner_ref, funding_lines::dto::FundingKind, partner_api::view::participating,
        projects::queries,
    },
    state::AppState,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope("/iati").service(list_iati_activities).service(get_iati_activity));
}

/// The most projects one document carries.
const MAX_ACTIVITIES: u64 = 5000;

async fn render(
    state: &AppState,
    caller: &crate::auth::CurrentUser,
    only: Option<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut select = project::Entity::find().filter(project::Column::ArchivedAt.is_null());
    let partner_view = (caller.role == Role::Partner).then_some(caller.partner_id).flatten();
    if caller.role == Role::Partner {
        select = select.filter(participating(partner_view.ok_or(ApiError::Forbidden)?));
    }
    if let Some(id) = only {
        select = select.filter(project::Column::Id.eq(id));
    }
    let models =
        sea_orm::QuerySelect::limit(select.order_by_asc(project::Column::Id), MAX_ACTIVITIES).all(&state.db).await?;
    if only.is_some() && models.is_empty() {
        return Err(ApiError::NotFound);
    }
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let projects = queries::responses(&state.db, models).await?;
    let lines = funding_line::Entity::find()
        .filter(funding_line::Column::ProjectId.is_in(ids))
        .filter(funding_line::Column::ArchivedAt.is_null())
        .order_by_asc(funding_line::Column::Id)
        .all(&state.db)
        .await?;
    let funder_ids: Vec<Uuid> = lines.iter().map(|l| l.partner_id).collect();
    let funders: HashMap<Uuid, partner::Model> = partner::Entity::find()
        .filter(partner::Column::Id.is_in(funder_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut transactions: HashMap<Uuid, Vec<Transaction>> = HashMap::new();
    for line in lines {
        if partner_view.is_some_and(|own| line.partner_id != own && !line.is_public) {
            continue;
        }
        let (Some(kind), Some(funder)) = (FundingKind::parse(&line.kind), funders.get(&line.partner_id)) else {
            continue;
        };
        transactions.entry(line.project_id).or_default().push(Transaction {
            kind,
            date: line.transaction_date,
            amount_minor: line.amount_minor,
            currency: line.currency,
            provider: partner_ref(funder),
        });
    }
    let activities: Vec<Activity> = projects
        .iter()
        .map(|project| Activity { project, transactions: transactions.remove(&project.id).unwrap_or_default() })
        .collect();
    let xml = iati::document(&state.settings.partners.iati_reporting_org, Utc::now(), &activities);
    Ok(HttpResponse::Ok().content_type("application/xml; charset=utf-8").body(xml))
}

/// Projects as IATI 2.03 activities
///
/// An `iati-activities` document (IATI standard 2.03) of every live project the caller may see.
#[utoipa::path(
    tag = "iati",
    security(("bearer" = []), ("client_credentials" = [])),
    responses((status = 200, description = "The IATI document", content_type = "application/xml", body = String))
)]
#[get("/activities.xml")]
pub async fn list_iati_activities(
    caller: Authorized<ReadIati>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    render(&state, &caller, None).await
}

/// One project as an IATI 2.03 activity
#[utoipa::path(
    tag = "iati",
    security(("bearer" = []), ("client_credentials" = [])),
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "The IATI document of one activity", content_type = "application/xml", body = String))
)]
#[get("/projects/{id}/activity.xml")]
pub async fn get_iati_activity(
    caller: Authorized<ReadIati>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    render(&state, &caller, Some(*id)).await
}
