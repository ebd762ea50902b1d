//! Loading partners with their domains, in as many queries as there are tables (never per row).
use std::collections::HashMap;

use entity::{partner, partner_domain};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::PartnerResponse;
use crate::{error::ApiError, i18n::Text};

/// The domains of each partner of `ids`, in one query.
pub async fn domains_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<String>>, ApiError> {
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    let rows = partner_domain::Entity::find()
        .filter(partner_domain::Column::PartnerId.is_in(ids.to_vec()))
        .order_by_asc(partner_domain::Column::DomainCode)
        .all(db)
        .await?;
    for row in rows {
        map.entry(row.partner_id).or_default().push(row.domain_code);
    }
    Ok(map)
}

/// Partners as the API shows them.
pub async fn responses(
    db: &impl ConnectionTrait,
    models: Vec<partner::Model>,
) -> Result<Vec<PartnerResponse>, ApiError> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut domains = domains_of(db, &ids).await?;
    Ok(models
        .into_iter()
        .map(|model| {
            let own = domains.remove(&model.id).unwrap_or_default();
            PartnerResponse::new(model, own)
        })
        .collect())
}

/// One partner as the API shows it, or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(partner::Model, PartnerResponse), ApiError> {
    let model = partner::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let domains = domains_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok((model.clone(), PartnerResponse::new(model, domains)))
}

/// Replaces the domains of a partner.
pub async fn set_domains(db: &impl ConnectionTrait, id: Uuid, codes: &[String]) -> Result<(), ApiError> {
    partner_domain::Entity::delete_many().filter(partner_domain::Column::PartnerId.eq(id)).exec(db).await?;
    if !codes.is_empty() {
        let rows = codes.iter().map(|code| partner_domain::ActiveModel {
            partner_id: sea_orm::ActiveValue::Set(id),
            domain_code: sea_orm::ActiveValue::Set(code.clone()),
        });
        partner_domain::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Checks that the partners exist and are not archived (422 naming the field otherwise).
pub async fn check_partners(db: &impl ConnectionTrait, field: &str, ids: &[Uuid]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let live = partner::Entity::find()
        .filter(partner::Column::Id.is_in(ids.to_vec()))
        .filter(partner::Column::ArchivedAt.is_null())
        .count(db)
        .await?;
    if live as usize == ids.len() {
        return Ok(());
    }
    Err(ApiError::invalid(
        field,
        "unknown_partner",
        Text::fixed("Partenaire inconnu ou archivé.", "Unknown or archived partner."),
    ))
}
