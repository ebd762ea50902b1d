//! Loading agreements with their parties and domains: one query per table, never one per row.
use std::collections::HashMap;

use entity::{agreement, agreement_domain, agreement_party, partner};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    dto::{AgreementKind, AgreementResponse, CityRole, PartnerRef},
    status::AgreementStatus,
};
use crate::{auth::Division, error::ApiError, routes::partners::dto::PartnerKind};

/// A partner as other records name it.
pub fn partner_ref(model: &partner::Model) -> PartnerRef {
    PartnerRef {
        id: model.id,
        name: model.name.clone(),
        country: model.country.clone(),
        kind: PartnerKind::parse(&model.kind).unwrap_or(PartnerKind::Private),
    }
}

/// Agreements as the API shows them.
pub async fn responses(
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
    let partners: HashMap<Uuid, PartnerRef> = partner::Entity::find()
        .filter(partner::Column::Id.is_in(partner_ids))
        .all(db)
        .await?
        .iter()
        .map(|p| (p.id, partner_ref(p)))
        .collect();
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
    Ok(models
        .into_iter()
        .map(|model| {
            let mut parties = parties_of.remove(&model.id).unwrap_or_default();
            parties.sort_by(|a, b| a.name.cmp(&b.name));
            AgreementResponse {
                id: model.id,
                kind: AgreementKind::parse(&model.kind).unwrap_or(AgreementKind::CooperationConvention),
                title: model.title,
                division: Division::parse(&model.division).unwrap_or(Division::DecentralizedCooperation),
                status: AgreementStatus::parse(&model.status).unwrap_or(AgreementStatus::InGestation),
                signed_on: model.signed_on,
                signed_year: model.signed_year,
                effective_on: model.effective_on,
                ends_on: model.ends_on,
                aegis_partner: model.aegis_partner_id.and_then(|id| partners.get(&id).cloned()),
                parties,
                city_roles: serde_json::from_value::<Vec<CityRole>>(model.city_roles).unwrap_or_default(),
                domains: domains_of.remove(&model.id).unwrap_or_default(),
                summary: model.summary,
                evaluation_cadence_months: model.evaluation_cadence_months,
                agent_in_charge_id: model.agent_in_charge_id,
                notes: model.notes,
                source: model.source,
                archived: model.archived_at.is_some(),
                created_at: model.created_at,
                updated_at: model.updated_at,
            }
        })
        .collect())
}

/// One agreement as the API shows it, or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(agreement::Model, AgreementResponse), ApiError> {
    let model = agreement::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let response = responses(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, response))
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
        agreement_party::Entity::insert_many(parties.iter().map(|partner| agreement_party::ActiveModel {
            agreement_id: sea_orm::ActiveValue::Set(id),
            partner_id: sea_orm::ActiveValue::Set(*partner),
        }))
        .exec(db)
        .await?;
    }
    if !domains.is_empty() {
        agreement_domain::Entity::insert_many(domains.iter().map(|code| agreement_domain::ActiveModel {
            agreement_id: sea_orm::ActiveValue::Set(id),
            domain_code: sea_orm::ActiveValue::Set(code.clone()),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Moved to `domain::staff` (staff members referenced by records); kept here until the merge.
pub use crate::domain::staff::check_staff;
