//! The thematic domains (education, water…) other records are tagged with: a record names only live
//! ones. Shared by the aggregates that carry domains (partners, agreements, projects).
use entity::domain_tag;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::{error::ApiError, i18n::Text};

/// Checks that every code names a live domain (422 naming the field otherwise).
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
    let unknown: Vec<&String> = codes.iter().filter(|code| !known.contains(code)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let list = unknown.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
    Err(ApiError::invalid(
        field,
        "unknown_domain",
        Text::new(
            format!("Domaine(s) inconnu(s) ou archivé(s) : {list}."),
            format!("Unknown or archived domain(s): {list}."),
        ),
    ))
}
