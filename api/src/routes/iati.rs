//! `GET /api/v1/iati/activities.xml` and `GET /api/v1/iati/projects/{id}/activity.xml`: projects
//! as IATI 2.03 activities. Staff get every live project; a partner system gets those it takes
//! part in, built from its JSON view (one visibility rule), within its rate limit.
use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entity::{partner, project};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use utoipa_actix_web::{scope, service_config::ServiceConfig};
use uuid::Uuid;

use crate::{
    auth::{CurrentUser, Role, policy::ReadIati},
    domain::funding_lines::types::FundingKind,
    domain::partner_view as view,
    domain::partners::types::partner_ref,
    domain::projects::store as queries,
    error::ApiError,
    iati::{self, Activity, Transaction},
    routes::{
        partner_api::{
            caller::{Metered, rate_limit_headers},
            dto::PartnerProject,
        },
        projects::dto::{Money, ProjectResponse},
    },
    state::AppState,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/iati")
            .wrap(actix_web::middleware::from_fn(rate_limit_headers))
            .service(list_iati_activities)
            .service(get_iati_activity),
    );
}

/// The most projects one document carries.
const MAX_ACTIVITIES: u64 = 5000;

async fn render(state: &AppState, caller: &CurrentUser, only: Option<Uuid>) -> Result<HttpResponse, ApiError> {
    let mut select = project::Entity::find().filter(project::Column::ArchivedAt.is_null());
    let partner_view = (caller.role == Role::Partner).then_some(caller.partner_id).flatten();
    if caller.role == Role::Partner {
        select = select.filter(view::participating(partner_view.ok_or(ApiError::Forbidden)?));
    }
    if let Some(id) = only {
        select = select.filter(project::Column::Id.eq(id));
    }
    let models = select.order_by_asc(project::Column::Id).limit(MAX_ACTIVITIES).all(&state.db).await?;
    if only.is_some() && models.is_empty() {
        return Err(ApiError::NotFound);
    }
    let activities = match partner_view {
        Some(partner) => partner_activities(&state.db, partner, models).await?,
        None => staff_activities(&state.db, models).await?,
    };
    let xml = iati::document(&state.settings.partners.iati_reporting_org, Utc::now(), &activities);
    Ok(HttpResponse::Ok().content_type("application/xml; charset=utf-8").body(xml))
}

/// An activity from a project view (the staff's `ProjectResponse` or a partner's
/// `PartnerProject`): the fields both views share, once, and the ones each view decides.
macro_rules! activity {
    ($project:ident, $($decided:ident: $value:expr),+ $(,)?) => {
        Activity {
            $($decided: $value,)+
            id: $project.id,
            title: $project.title,
            summary: $project.summary,
            status: $project.status,
            domains: $project.domains,
            communes: $project.communes,
            planned_start: $project.planned_start,
            planned_end: $project.planned_end,
            actual_start: $project.actual_start,
            actual_end: $project.actual_end,
            updated_at: $project.updated_at,
        }
    };
}

/// A partner's activities: its JSON view of each project (`domain::partner_view::build`), nothing
/// more: itself among the participants, its own and the public lines, no budget.
async fn partner_activities(
    db: &impl ConnectionTrait,
    partner: Uuid,
    models: Vec<project::Model>,
) -> Result<Vec<Activity>, ApiError> {
    let itself = partner::Entity::find_by_id(partner).one(db).await?.map(|p| partner_ref(&p)).transpose()?;
    Ok(view::build(db, partner, models)
        .await?
        .into_iter()
        .map(|p: PartnerProject| {
            activity!(p,
                participants: match (&itself, p.roles.is_empty()) {
                    (Some(itself), false) => vec![(itself.clone(), p.roles)],
                    _ => Vec::new(),
                },
                budget: None,
                transactions: p
                    .funding_lines
                    .into_iter()
                    .map(|l| Transaction { kind: l.kind, date: l.transaction_date, amount: l.amount, provider: l.funder })
                    .collect(),
                recorded_on: p.updated_at.date_naive(),
            )
        })
        .collect())
}

/// Staff activities: every participant, the budget and every live line.
async fn staff_activities(db: &impl ConnectionTrait, models: Vec<project::Model>) -> Result<Vec<Activity>, ApiError> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let projects = queries::responses(db, models).await?;
    let lines = crate::domain::funding_lines::store::live_lines_of(db, ids).await?;
    let funders = crate::domain::partners::store::by_ids(db, lines.iter().map(|l| l.partner_id)).await?;
    let mut transactions: HashMap<Uuid, Vec<Transaction>> = HashMap::new();
    for line in lines {
        // The funder is a foreign key (partners are never deleted); an unknown kind is an error.
        let funder = funders
            .get(&line.partner_id)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("funding line {} names no partner", line.id)))?;
        transactions.entry(line.project_id).or_default().push(Transaction {
            kind: FundingKind::from_stored(&line.kind)?,
            date: line.transaction_date,
            amount: Money::from_minor(line.amount_minor, &line.currency),
            provider: partner_ref(funder)?,
        });
    }
    Ok(projects
        .into_iter()
        .map(|p: ProjectResponse| {
            activity!(p,
                transactions: transactions.remove(&p.id).unwrap_or_default(),
                participants: p.participants.into_iter().map(|pp| (pp.partner, pp.roles)).collect(),
                budget: p.budget,
                recorded_on: p.created_at.date_naive(),
            )
        })
        .collect())
}

/// Projects as IATI 2.03 activities
///
/// An `iati-activities` document (IATI standard 2.03) of every live project the caller may see.
#[utoipa::path(
    tag = "iati",
    responses((status = 200, description = "The IATI document", content_type = "application/xml", body = String, headers(
        ("RateLimit-Limit" = u32, description = "Requests allowed per minute (partner systems)"),
        ("RateLimit-Remaining" = u32, description = "Requests left now (partner systems)"),
        ("RateLimit-Reset" = u32, description = "Seconds until the allowance is full again (partner systems)"))))
)]
#[get("/activities.xml")]
pub async fn list_iati_activities(
    caller: Metered<ReadIati>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    render(&state, &caller, None).await
}

/// One project as an IATI 2.03 activity
#[utoipa::path(
    tag = "iati",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "The IATI document of one activity", content_type = "application/xml", body = String, headers(
        ("RateLimit-Limit" = u32, description = "Requests allowed per minute (partner systems)"),
        ("RateLimit-Remaining" = u32, description = "Requests left now (partner systems)"),
        ("RateLimit-Reset" = u32, description = "Seconds until the allowance is full again (partner systems)"))))
)]
#[get("/projects/{id}/activity.xml")]
pub async fn get_iati_activity(
    caller: Metered<ReadIati>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    render(&state, &caller, Some(*id)).await
}
