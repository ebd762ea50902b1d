//! Reading and writing projects: the view with its domains, communes and participants (one query
//! per table for a whole page, never one per row), the links, and the references a write checks.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entity::{agreement, agreement_party, project, project_commune, project_domain, project_participant};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    fields::ProjectFields,
    rules,
    types::{Commune, ParticipantResponse, ParticipantRole, ProjectResponse, ProjectStatus},
};
use crate::validate::Rules;
use crate::{
    auth::Division,
    domain::money::Money,
    domain::{
        domains::store::check_domains,
        partners::{store::check_partners, types::partner_ref},
        staff::check_staff,
    },
    error::ApiError,
    i18n::Text,
    records::search,
};

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
    let partners = crate::domain::partners::store::by_ids(db, participants.iter().map(|p| p.partner_id)).await?;

    let mut domains_of: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in domains {
        domains_of.entry(row.project_id).or_default().push(row.domain_code);
    }
    let mut communes_of: HashMap<Uuid, Vec<Commune>> = HashMap::new();
    for row in communes {
        communes_of.entry(row.project_id).or_default().push(Commune::from_stored(&row.commune)?);
    }
    let mut participants_of: HashMap<Uuid, BTreeMap<Uuid, Vec<ParticipantRole>>> = HashMap::new();
    for row in participants {
        let role = ParticipantRole::from_stored(&row.role)?;
        participants_of.entry(row.project_id).or_default().entry(row.partner_id).or_default().push(role);
    }
    let mut views = Vec::with_capacity(models.len());
    for model in models {
        let mut communes = communes_of.remove(&model.id).unwrap_or_default();
        communes.sort();
        let mut participants: Vec<ParticipantResponse> = participants_of
            .remove(&model.id)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(partner_id, mut roles)| {
                roles.sort();
                partners.get(&partner_id).map(|p| Ok(ParticipantResponse { partner: partner_ref(p)?, roles }))
            })
            .collect::<Result<_, ApiError>>()?;
        participants.sort_by(|a, b| a.partner.name.cmp(&b.partner.name));
        views.push(ProjectResponse {
            id: model.id,
            title: model.title,
            summary: model.summary,
            internal_notes: model.internal_notes,
            agreement_id: model.agreement_id,
            division: Division::from_stored(&model.division)?,
            agent_in_charge_id: model.agent_in_charge_id,
            domains: domains_of.remove(&model.id).unwrap_or_default(),
            communes,
            planned_start: model.planned_start,
            planned_end: model.planned_end,
            actual_start: model.actual_start,
            actual_end: model.actual_end,
            progress: model.progress,
            status: ProjectStatus::from_stored(&model.status)?,
            budget: Money::from_stored(model.budget_minor, model.budget_currency.as_deref()),
            participants,
            archived: model.archived_at.is_some(),
            created_at: model.created_at,
            updated_at: model.updated_at,
        });
    }
    Ok(views)
}

/// One project as the API shows it, or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(project::Model, ProjectResponse), ApiError> {
    let model = project::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let response = responses(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, response))
}

/// 404 unless the project exists (archived or not).
pub async fn exists(db: &impl ConnectionTrait, id: Uuid) -> Result<(), ApiError> {
    project::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    Ok(())
}

/// Copies the editable fields onto a row; `created` files a project without dates under its
/// creation year.
pub fn write_fields(model: &mut project::ActiveModel, fields: &ProjectFields, created: DateTime<Utc>) {
    model.title = Set(fields.title.clone());
    model.summary = Set(fields.summary.clone());
    model.internal_notes = Set(fields.internal_notes.clone());
    model.agreement_id = Set(fields.agreement_id);
    model.division = Set(fields.division.as_str().to_owned());
    model.agent_in_charge_id = Set(fields.agent_in_charge_id);
    model.planned_start = Set(fields.planned_start);
    model.planned_end = Set(fields.planned_end);
    model.actual_start = Set(fields.actual_start);
    model.actual_end = Set(fields.actual_end);
    model.start_year = Set(fields.start_year(created));
    model.budget_minor = Set(fields.budget_minor);
    model.budget_currency = Set(fields.budget.as_ref().map(|b| b.currency.clone()));
    model.search_text = Set(search::search_text([fields.title.as_str(), fields.summary.as_deref().unwrap_or("")]));
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

/// Checks what the fields name: live domains and partners, a staff member in charge (of the
/// project's division when `new_agent`), and a live agreement one of whose partners takes part.
pub async fn check_references(
    db: &impl ConnectionTrait,
    fields: &ProjectFields,
    new_agent: bool,
) -> Result<(), ApiError> {
    let mut checks = Rules::default();
    checks.absorb(check_domains(db, "domains", &fields.domains).await)?;
    let partners = fields.partners();
    let listed: Vec<Uuid> = fields.participants.iter().map(|(partner, _)| *partner).collect();
    checks.absorb(check_partners(db, "participants[].partner_id", &listed).await)?;
    let division = new_agent.then_some(fields.division);
    checks.absorb(check_staff(db, "agent_in_charge_id", fields.agent_in_charge_id, division).await)?;
    let Some(agreement_id) = fields.agreement_id else { return checks.finish() };
    let found =
        agreement::Entity::find_by_id(agreement_id).filter(agreement::Column::ArchivedAt.is_null()).one(db).await?;
    if found.is_none() {
        checks.fail(
            "agreement_id",
            "unknown_agreement",
            Text::fixed("Accord inconnu ou archivé.", "Unknown or archived agreement."),
        );
        return checks.finish();
    }
    let parties: Vec<Uuid> = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(agreement_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.partner_id)
        .collect();
    checks.absorb(rules::check_agreement_partner(&partners, &parties))?;
    checks.finish()
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
        .col_expr(project::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(project::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
