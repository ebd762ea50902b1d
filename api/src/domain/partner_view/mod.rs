//! What a partner sees of the projects it takes part in, built a page at a time in a fixed number
//! of queries: the partner API, the IATI file and the webhooks all answer with this view.
use std::collections::HashMap;

use entity::{funding_line, project, project_participant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub mod types;

use types::{PartnerFundingLine, PartnerProject};

use crate::{
    domain::{
        funding_lines::{rates::Rates, types::FundingKind},
        money::Money,
        partners::types::partner_ref,
        projects::{financing::Flows, store as queries},
    },
    error::ApiError,
    money::FlowSums,
    records::listing::linked_few,
};

/// The projects `partner` takes part in, as a condition on `project`.
pub fn participating(partner: Uuid) -> sea_orm::sea_query::SimpleExpr {
    use project_participant::{Column, Entity};
    linked_few::<Entity>(project::Column::Id, Column::ProjectId, Column::PartnerId, partner)
}

/// A live project that `partner` takes part in; 404 for any other id (existence is not leaked).
pub async fn visible(db: &impl ConnectionTrait, partner: Uuid, id: Uuid) -> Result<project::Model, ApiError> {
    project::Entity::find_by_id(id)
        .filter(project::Column::ArchivedAt.is_null())
        .filter(participating(partner))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The one rule of what a partner sees of a funding line: its own lines and those the director
/// made public. The JSON view, its totals, the change feed (`feed::events_after`, in SQL),
/// webhooks and the IATI file all follow it.
pub fn may_see_line(partner: Uuid, line: &funding_line::Model) -> bool {
    line.partner_id == partner || line.is_public
}

/// The partner's view of `models`. Totals count only the lines the partner may see, so that no
/// figure reveals another funder's private line.
pub async fn build(
    db: &impl ConnectionTrait,
    partner: Uuid,
    models: Vec<project::Model>,
) -> Result<Vec<PartnerProject>, ApiError> {
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let projects = queries::responses(db, models).await?;
    let lines = crate::domain::funding_lines::store::live_lines_of(db, ids)
        .await?
        .into_iter()
        .filter(|line| may_see_line(partner, line))
        .collect::<Vec<_>>();
    let funders = crate::domain::partners::store::by_ids(db, lines.iter().map(|l| l.partner_id)).await?;
    let rates = Rates::load(db).await?;
    let mut totals: HashMap<Uuid, FlowSums> = HashMap::new();
    let mut shown: HashMap<Uuid, Vec<PartnerFundingLine>> = HashMap::new();
    for line in lines {
        let xof = rates.to_xof(line.amount_minor, &line.currency, line.transaction_date);
        let Some(kind) = FundingKind::parse(&line.kind) else { continue };
        if let Some(xof) = xof {
            totals.entry(line.project_id).or_default().add(kind.as_str(), xof);
        }
        if let Some(funder) = funders.get(&line.partner_id) {
            shown.entry(line.project_id).or_default().push(PartnerFundingLine {
                id: line.id,
                funder: partner_ref(funder)?,
                kind,
                amount: Money::from_minor(line.amount_minor, &line.currency),
                amount_xof: xof.map(|x| x.to_string()),
                transaction_date: line.transaction_date,
                reference: line.reference,
            });
        }
    }
    Ok(projects
        .into_iter()
        .map(|project| {
            let roles = project
                .participants
                .iter()
                .find(|p| p.partner.id == partner)
                .map(|p| p.roles.clone())
                .unwrap_or_default();
            PartnerProject {
                id: project.id,
                title: project.title,
                summary: project.summary,
                status: project.status,
                iati_status: project.status.iati_code(),
                progress: project.progress,
                domains: project.domains,
                communes: project.communes,
                planned_start: project.planned_start,
                planned_end: project.planned_end,
                actual_start: project.actual_start,
                actual_end: project.actual_end,
                roles,
                funding_lines: shown.remove(&project.id).unwrap_or_default(),
                totals_xof: Flows::of(&totals.get(&project.id).copied().unwrap_or_default(), "XOF"),
                updated_at: project.updated_at,
            }
        })
        .collect())
}
