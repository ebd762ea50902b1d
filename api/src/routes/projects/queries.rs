//! Loading projects with their domains, communes and participants: one query per table for a
//! whole page, never one per row (the statement count does not grow with the page size).
use std::collections::{BTreeMap, HashMap};

use entity::{partner, project, project_commune, project_domain, project_participant};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    dto::{Commune, Money, ParticipantResponse, ParticipantRole, ProjectFields, ProjectResponse},
    status::ProjectStatus,
};
use crate::{auth::Division, domain::partners::types::partner_refs, error::ApiError};

/// Projects as the API shows them.
pub async fn responses(
    db: &impl ConnectionTrait,
    models: Vec<project::Model>,
) -> Result<Vec<ProjectResponse>, ApiError> {
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let domains = project_domain::Entity::find()
        .filter(project_domain::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(project_domain::Column::DomainCode)
        .all(db)
        .await?;
    let communes =
        project_commune::Entity::find().filter(project_commune::Column::ProjectId.is_in(ids.clone())).all(db).await?;
    let participants =
        project_participant::Entity::find().filter(project_participant::Column::ProjectId.is_in(ids)).all(db).await?;
    let mut partner_ids: Vec<Uuid> = participants.iter().map(|p| p.partner_id).collect();
    partner_ids.sort();
    partner_ids.dedup();
    let partners: HashMap<Uuid, partner::Model> = partner::Entity::find()
        .filter(partner::Column::Id.is_in(partner_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let partners = partner_refs(partners.values())?;

    let mut domains_of: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in domains {
        domains_of.entry(row.project_id).or_default().push(row.domain_code);
    }
    let mut communes_of: HashMap<Uuid, Vec<Commune>> = HashMap::new();
    for row in communes {
        if let Some(commune) = Commune::parse(&row.commune) {
            communes_of.entry(row.project_id).or_default().push(commune);
        }
    }
    let mut participants_of: HashMap<Uuid, BTreeMap<Uuid, Vec<ParticipantRole>>> = HashMap::new();
    for row in participants {
        if let Some(role) = ParticipantRole::parse(&row.role) {
            participants_of.entry(row.project_id).or_default().entry(row.partner_id).or_default().push(role);
        }
    }
    Ok(models
        .into_iter()
        .map(|model| {
            let mut communes = communes_of.remove(&model.id).unwrap_or_default();
            communes.sort();
            let mut participants: Vec<ParticipantResponse> = participants_of
                .remove(&model.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(partner_id, mut roles)| {
                    roles.sort();
                    partners.get(&partner_id).map(|p| ParticipantResponse { partner: p.clone(), roles })
                })
                .collect();
            participants.sort_by(|a, b| a.partner.name.cmp(&b.partner.name));
            ProjectResponse {
                id: model.id,
                title: model.title,
                summary: model.summary,
                internal_notes: model.internal_notes,
                agreement_id: model.agreement_id,
                division: Division::parse(&model.division).unwrap_or(Division::DecentralizedCooperation),
                agent_in_charge_id: model.agent_in_charge_id,
                domains: domains_of.remove(&model.id).unwrap_or_default(),
                communes,
                planned_start: model.planned_start,
                planned_end: model.planned_end,
                actual_start: model.actual_start,
                actual_end: model.actual_end,
                progress: model.progress,
                status: ProjectStatus::parse(&model.status).unwrap_or(ProjectStatus::Pipeline),
                budget: match (model.budget_minor, model.budget_currency.as_deref()) {
                    (Some(minor), Some(currency)) => Some(Money::from_minor(minor, currency)),
                    _ => None,
                },
                participants,
                archived: model.archived_at.is_some(),
                created_at: model.created_at,
                updated_at: model.updated_at,
            }
        })
        .collect())
}

/// One project as the API shows it, or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(project::Model, ProjectResponse), ApiError> {
    let model = project::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let response = responses(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, response))
}

/// Replaces the domains, communes and participants of a project.
pub async fn set_links(db: &impl ConnectionTrait, id: Uuid, fields: &ProjectFields) -> Result<(), ApiError> {
    project_domain::Entity::delete_many().filter(project_domain::Column::ProjectId.eq(id)).exec(db).await?;
    project_commune::Entity::delete_many().filter(project_commune::Column::ProjectId.eq(id)).exec(db).await?;
    project_participant::Entity::delete_many().filter(project_participant::Column::ProjectId.eq(id)).exec(db).await?;
    if !fields.domains.is_empty() {
        project_domain::Entity::insert_many(
            fields
                .domains
                .iter()
                .map(|code| project_domain::ActiveModel { project_id: Set(id), domain_code: Set(code.clone()) }),
        )
        .exec(db)
        .await?;
    }
    if !fields.communes.is_empty() {
        project_commune::Entity::insert_many(
            fields
                .communes
                .iter()
                .map(|c| project_commune::ActiveModel { project_id: Set(id), commune: Set(c.as_str().to_owned()) }),
        )
        .exec(db)
        .await?;
    }
    if !fields.participants.is_empty() {
        project_participant::Entity::insert_many(fields.participants.iter().map(|(partner, role)| {
            project_participant::ActiveModel {
                project_id: Set(id),
                partner_id: Set(*partner),
                role: Set(role.as_str().to_owned()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Whether `partner` takes part in `project` in `role`.
pub async fn has_role(
    db: &impl ConnectionTrait,
    project: Uuid,
    partner: Uuid,
    role: ParticipantRole,
) -> Result<bool, ApiError> {
    Ok(project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(project))
        .filter(project_participant::Column::PartnerId.eq(partner))
        .filter(project_participant::Column::Role.eq(role.as_str()))
        .one(db)
        .await?
        .is_some())
}

/// Marks a project as changed (its funding changed), so that partners polling with
/// `updated_since` see it. The version is left alone: the record itself did not change.
pub async fn touch(db: &impl ConnectionTrait, id: Uuid) -> Result<(), ApiError> {
    project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, sea_orm::sea_query::Expr::value(chrono::Utc::now()))
        .filter(project::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
