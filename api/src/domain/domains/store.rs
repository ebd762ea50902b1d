//! The queries of domains, on any connection (the pool for reads, a unit of work's transaction for
//! writes), and the check other aggregates run on the domains a record names.
use chrono::Utc;
use entity::{agreement, agreement_domain, domain_tag, partner, partner_domain, project, project_domain};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Query,
};

use super::{rules, types::NewDomain};
use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// The domain `code` (404 otherwise).
pub async fn find(db: &impl ConnectionTrait, code: &str) -> Result<domain_tag::Model, ApiError> {
    domain_tag::Entity::find_by_id(code.to_owned()).one(db).await?.ok_or(ApiError::NotFound)
}

/// The domains in display order, archived ones only when asked.
pub async fn list(db: &impl ConnectionTrait, include_archived: bool) -> Result<Vec<domain_tag::Model>, ApiError> {
    let mut select = domain_tag::Entity::find();
    if !include_archived {
        select = select.filter(domain_tag::Column::ArchivedAt.is_null());
    }
    Ok(select.order_by_asc(domain_tag::Column::Position).order_by_asc(domain_tag::Column::Code).all(db).await?)
}

/// The position of the last domain, if any.
pub async fn last_position(db: &impl ConnectionTrait) -> Result<Option<i32>, ApiError> {
    let last: Option<Option<i32>> = domain_tag::Entity::find()
        .select_only()
        .column_as(domain_tag::Column::Position.max(), "max")
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten())
}

/// Inserts a new domain at `position`, at version 1; a taken code is a 409.
pub async fn insert(db: &impl ConnectionTrait, new: &NewDomain, position: i32) -> Result<domain_tag::Model, ApiError> {
    if domain_tag::Entity::find_by_id(new.code.clone()).one(db).await?.is_some() {
        return Err(rules::already_exists(&new.code));
    }
    let now = Utc::now();
    domain_tag::ActiveModel {
        code: Set(new.code.clone()),
        label_fr: Set(new.label_fr.trim().to_owned()),
        label_en: Set(new.label_en.trim().to_owned()),
        position: Set(position),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|error| match ApiError::from(error) {
        ApiError::Conflict { .. } => rules::already_exists(&new.code),
        other => other,
    })
}

/// How many live (not archived) records name the domain `code`. Each resource that attaches
/// domains adds its table here, so that a domain in use cannot be archived.
pub async fn count_uses(db: &impl ConnectionTrait, code: &str) -> Result<u64, DbErr> {
    let live_partners = Query::select()
        .column(partner::Column::Id)
        .from(partner::Entity)
        .and_where(partner::Column::ArchivedAt.is_null())
        .to_owned();
    let partners = partner_domain::Entity::find()
        .filter(partner_domain::Column::DomainCode.eq(code))
        .filter(partner_domain::Column::PartnerId.in_subquery(live_partners))
        .count(db)
        .await?;
    let live_agreements = Query::select()
        .column(agreement::Column::Id)
        .from(agreement::Entity)
        .and_where(agreement::Column::ArchivedAt.is_null())
        .to_owned();
    let agreements = agreement_domain::Entity::find()
        .filter(agreement_domain::Column::DomainCode.eq(code))
        .filter(agreement_domain::Column::AgreementId.in_subquery(live_agreements))
        .count(db)
        .await?;
    let live_projects = Query::select()
        .column(project::Column::Id)
        .from(project::Entity)
        .and_where(project::Column::ArchivedAt.is_null())
        .to_owned();
    let projects = project_domain::Entity::find()
        .filter(project_domain::Column::DomainCode.eq(code))
        .filter(project_domain::Column::ProjectId.in_subquery(live_projects))
        .count(db)
        .await?;
    Ok(partners + agreements + projects)
}

/// Checks that every code names a live domain (a 422 naming each unknown one, `domains[]` giving
/// `domains[2]`, otherwise). Partners,
/// agreements and projects run it on the domains they are tagged with.
pub async fn check_domains(db: &impl ConnectionTrait, field: &str, codes: &[String]) -> Result<(), ApiError> {
    if codes.is_empty() {
        return Ok(());
    }
    let known: Vec<String> = domain_tag::Entity::find()
        .select_only()
        .column(domain_tag::Column::Code)
        .filter(domain_tag::Column::Code.is_in(codes.to_vec()))
        .filter(domain_tag::Column::ArchivedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let errors: Vec<FieldError> = codes
        .iter()
        .enumerate()
        .filter(|(_, code)| !known.contains(code))
        .map(|(index, code)| {
            FieldError::new(
                crate::validate::item_field(field, index),
                "unknown_domain",
                Text::new(
                    format!("Domaine inconnu ou archivé : {code}."),
                    format!("Unknown or archived domain: {code}."),
                ),
            )
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}
