//! The agreements' queries: loading them with their parties and domains (one query per table,
//! never one per row), writing their fields, links and status moves, checking what they reference,
//! and the rows of a filtered list.
use std::collections::HashMap;

use chrono::Utc;
use entity::{agreement, agreement_domain, agreement_party, agreement_status_change, partner};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

use super::types::{AgreementFields, AgreementKind, AgreementResponse, AgreementStatus, CityRole};
use crate::validate::Rules;
use crate::{
    auth::Division,
    domain::{
        domains::store::check_domains,
        partners::{
            store::check_partners,
            types::{PartnerRef, partner_refs, stored_json},
        },
        staff::check_staff,
    },
    error::ApiError,
    records::{
        listing::{Listing, Sort, SortField, SortKind, SortValue, linked, linked_few},
        search,
    },
};

/// The fields a list of agreements may be sorted by.
pub const SORTS: &[SortField] = &[
    SortField { name: "title", expr: || Expr::col(agreement::Column::Title), kind: SortKind::Text },
    SortField {
        name: "signed_year",
        expr: || Func::coalesce([Expr::col(agreement::Column::SignedYear), Expr::val(0)]).into(),
        kind: SortKind::Int,
    },
    SortField { name: "created_at", expr: || Expr::col(agreement::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(agreement::Column::UpdatedAt), kind: SortKind::Timestamp },
];

/// A row's place in a sorted list: its sort value and id.
pub fn position(sort: &Sort, model: &agreement::Model) -> (SortValue, Uuid) {
    let value = match sort.field.name {
        "signed_year" => SortValue::Int(i64::from(model.signed_year.unwrap_or(0))),
        "created_at" => SortValue::Timestamp(model.created_at),
        "updated_at" => SortValue::Timestamp(model.updated_at),
        _ => SortValue::Text(model.title.clone()),
    };
    (value, model.id)
}

/// What a list of agreements is filtered on; the filters combine with AND.
#[derive(Default)]
pub struct AgreementFilter<'a> {
    pub include_archived: bool,
    /// Any of these kinds (none: every kind); the same for statuses and divisions.
    pub kind: Vec<AgreementKind>,
    pub status: Vec<AgreementStatus>,
    pub division: Vec<Division>,
    pub agent_in_charge: Option<Uuid>,
    pub domain: Option<&'a str>,
    /// A partner party to the agreement.
    pub partner: Option<Uuid>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub q: Option<&'a str>,
}

/// The agreements matching `filter`, unordered (the list orders and pages them).
pub fn select(filter: &AgreementFilter) -> Result<Select<agreement::Entity>, ApiError> {
    let mut select = agreement::Entity::find();
    if !filter.include_archived {
        select = select.filter(agreement::Column::ArchivedAt.is_null());
    }
    if !filter.kind.is_empty() {
        select = select.filter(agreement::Column::Kind.is_in(filter.kind.iter().map(|k| k.as_str())));
    }
    if !filter.status.is_empty() {
        select = select.filter(agreement::Column::Status.is_in(filter.status.iter().map(|s| s.as_str())));
    }
    if !filter.division.is_empty() {
        select = select.filter(agreement::Column::Division.is_in(filter.division.iter().map(|d| d.as_str())));
    }
    if let Some(agent) = filter.agent_in_charge {
        select = select.filter(agreement::Column::AgentInChargeId.eq(agent));
    }
    if let Some(from) = filter.year_from {
        select = select.filter(agreement::Column::SignedYear.gte(from));
    }
    if let Some(to) = filter.year_to {
        select = select.filter(agreement::Column::SignedYear.lte(to));
    }
    if let Some(domain) = filter.domain {
        use agreement_domain::{Column, Entity};
        select =
            select.filter(linked::<Entity>(agreement::Column::Id, Column::AgreementId, Column::DomainCode, domain));
    }
    if let Some(partner) = filter.partner {
        use agreement_party::{Column, Entity};
        select =
            select.filter(linked_few::<Entity>(agreement::Column::Id, Column::AgreementId, Column::PartnerId, partner));
    }
    if let Some(condition) = search::matching(agreement::Column::SearchText, filter.q)? {
        select = select.filter(condition);
    }
    Ok(select)
}

/// Agreements as the API shows them: parties sorted by name, domains by code.
pub async fn views(
    db: &impl ConnectionTrait,
    models: Vec<agreement::Model>,
) -> Result<Vec<AgreementResponse>, ApiError> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let parties =
        agreement_party::Entity::find().filter(agreement_party::Column::AgreementId.is_in(ids.clone())).all(db).await?;
    let domains = agreement_domain::Entity::find()
        .filter(agreement_domain::Column::AgreementId.is_in(ids))
        .order_by_asc(agreement_domain::Column::DomainCode)
        .all(db)
        .await?;
    let mut partner_ids: Vec<Uuid> = parties.iter().map(|p| p.partner_id).collect();
    partner_ids.extend(models.iter().filter_map(|m| m.aegis_partner_id));
    partner_ids.sort();
    partner_ids.dedup();
    let partners =
        partner_refs(&partner::Entity::find().filter(partner::Column::Id.is_in(partner_ids)).all(db).await?)?;
    let mut parties_of: HashMap<Uuid, Vec<PartnerRef>> = HashMap::new();
    for party in parties {
        if let Some(partner) = partners.get(&party.partner_id) {
            parties_of.entry(party.agreement_id).or_default().push(partner.clone());
        }
    }
    let mut domains_of: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in domains {
        domains_of.entry(row.agreement_id).or_default().push(row.domain_code);
    }
    models
        .into_iter()
        .map(|model| {
            let mut parties = parties_of.remove(&model.id).unwrap_or_default();
            parties.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(AgreementResponse {
                id: model.id,
                kind: AgreementKind::from_stored(&model.kind)?,
                title: model.title,
                division: Division::from_stored(&model.division)?,
                status: AgreementStatus::from_stored(&model.status)?,
                signed_on: model.signed_on,
                signed_year: model.signed_year,
                effective_on: model.effective_on,
                ends_on: model.ends_on,
                aegis_partner: model.aegis_partner_id.and_then(|id| partners.get(&id).cloned()),
                parties,
                city_roles: stored_json::<Vec<CityRole>>(model.city_roles, "agreement.city_roles")?,
                domains: domains_of.remove(&model.id).unwrap_or_default(),
                summary: model.summary,
                evaluation_cadence_months: model.evaluation_cadence_months,
                agent_in_charge_id: model.agent_in_charge_id,
                notes: model.notes,
                source: model.source,
                archived: model.archived_at.is_some(),
                created_at: model.created_at,
                updated_at: model.updated_at,
            })
        })
        .collect()
}

/// One stored agreement, or 404.
pub async fn find_model(db: &impl ConnectionTrait, id: Uuid) -> Result<agreement::Model, ApiError> {
    agreement::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)
}

/// One agreement, stored and as the API shows it, or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(agreement::Model, AgreementResponse), ApiError> {
    let model = find_model(db, id).await?;
    let view = views(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, view))
}

/// Replaces the parties and the domains of an agreement.
pub async fn set_links(
    db: &impl ConnectionTrait,
    id: Uuid,
    parties: &[Uuid],
    domains: &[String],
) -> Result<(), ApiError> {
    agreement_party::Entity::delete_many().filter(agreement_party::Column::AgreementId.eq(id)).exec(db).await?;
    agreement_domain::Entity::delete_many().filter(agreement_domain::Column::AgreementId.eq(id)).exec(db).await?;
    if !parties.is_empty() {
        let rows = parties
            .iter()
            .map(|partner| agreement_party::ActiveModel { agreement_id: Set(id), partner_id: Set(*partner) });
        agreement_party::Entity::insert_many(rows).exec(db).await?;
    }
    if !domains.is_empty() {
        let rows = domains
            .iter()
            .map(|code| agreement_domain::ActiveModel { agreement_id: Set(id), domain_code: Set(code.clone()) });
        agreement_domain::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Checks what the fields reference: live domains and partners, and the agent in charge (of
/// `division` when given: an agent named before the division rule stays).
pub async fn check_references(
    db: &impl ConnectionTrait,
    fields: &AgreementFields,
    division: Option<Division>,
) -> Result<(), ApiError> {
    let mut checks = Rules::default();
    checks.absorb(check_domains(db, "domains", &fields.domains).await)?;
    checks.absorb(check_partners(db, "parties", &fields.parties).await)?;
    if let Some(aegis) = fields.aegis_partner_id {
        checks.absorb(check_partners(db, "aegis_partner_id", &[aegis]).await)?;
    }
    checks.absorb(check_staff(db, "agent_in_charge_id", fields.agent_in_charge_id, division).await)?;
    checks.finish()
}

/// Writes the editable fields into a row, with its search text.
pub fn write_fields(model: &mut agreement::ActiveModel, fields: &AgreementFields) -> Result<(), ApiError> {
    model.title = Set(fields.title.clone());
    model.signed_on = Set(fields.signed_on);
    model.signed_year = Set(fields.signed_year);
    model.effective_on = Set(fields.effective_on);
    model.ends_on = Set(fields.ends_on);
    model.aegis_partner_id = Set(fields.aegis_partner_id);
    model.city_roles = Set(serde_json::to_value(&fields.city_roles).map_err(|error| ApiError::Internal(error.into()))?);
    model.summary = Set(fields.summary.clone());
    model.agent_in_charge_id = Set(fields.agent_in_charge_id);
    model.notes = Set(fields.notes.clone());
    model.evaluation_cadence_months = Set(fields.evaluation_cadence_months);
    model.search_text = Set(search::search_text([
        fields.title.as_str(),
        fields.summary.as_deref().unwrap_or(""),
        fields.notes.as_deref().unwrap_or(""),
    ]));
    Ok(())
}

/// Appends a move to the status history (`from` is `None` for the first status of a loaded record).
pub async fn record_move(
    db: &impl ConnectionTrait,
    agreement_id: Uuid,
    from: Option<AgreementStatus>,
    to: AgreementStatus,
    reason: &str,
    by: Option<Uuid>,
) -> Result<(), ApiError> {
    agreement_status_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(agreement_id),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        reason: Set(reason.to_owned()),
        changed_by: Set(by),
        changed_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The order of status moves: when they happened.
const STATUS_CHANGE_SORTS: &[SortField] = &[SortField {
    name: "changed_at",
    expr: || Expr::col(agreement_status_change::Column::ChangedAt),
    kind: SortKind::Timestamp,
}];

/// The status moves of agreement `id` (to one of `to`, when given; matching `q`), oldest first
/// unless `sort` says otherwise, as a list to page through.
pub fn status_changes(
    id: Uuid,
    to: &[AgreementStatus],
    q: Option<&str>,
    sort: Option<&str>,
) -> Result<Listing<agreement_status_change::Entity>, ApiError> {
    use agreement_status_change::Column;
    let mut select = agreement_status_change::Entity::find().filter(Column::AgreementId.eq(id));
    if !to.is_empty() {
        select = select.filter(Column::ToStatus.is_in(to.iter().map(|s| s.as_str())));
    }
    if let Some(condition) = crate::records::search::matching_any(&[Column::Reason], q)? {
        select = select.filter(condition);
    }
    Ok(Listing {
        select,
        sort: Sort::parse(sort, STATUS_CHANGE_SORTS, "changed_at")?,
        id_column: Column::Id,
        position: |_, row: &agreement_status_change::Model| (SortValue::Timestamp(row.changed_at), row.id),
    })
}
