//! The writes of domains, each on a unit of work (lock, `If-Match`, versioned save, audit, commit).
use chrono::Utc;
use entity::domain_tag;
use sea_orm::ActiveValue::Set;

use super::{
    rules, store,
    types::{DomainChange, DomainResponse, NewDomain},
};
use crate::{
    domain::outcome::Outcome,
    error::ApiError,
    records::{
        unit_of_work::{AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
};

/// The audit trail's name for domains.
pub const ENTITY: &str = "domain";

/// Adds a domain (checked by `rules::check_new`), after the last one unless placed.
pub async fn create(work: UnitOfWork, new: NewDomain) -> Result<Done<(DomainResponse, i32)>, ApiError> {
    let position = match new.position {
        Some(position) => position,
        None => rules::next_position(store::last_position(work.db()).await?),
    };
    let domain = store::insert(work.db(), &new, position).await?;
    let version = domain.version;
    let after = DomainResponse::from(domain);
    Ok(work.done(AuditEntry::created(ENTITY, &after.code, &after)?, (after, version)))
}

/// Relabels or moves the domain `code` (a change checked by `rules::check_change`).
pub async fn update(
    work: UnitOfWork,
    code: &str,
    if_match: &IfMatch,
    change: DomainChange,
) -> Result<Done<(DomainResponse, i32)>, ApiError> {
    work.lock::<domain_tag::Entity>(code).await?;
    let current = store::find(work.db(), code).await?;
    work.check_version(if_match, current.version)?;
    let mut model: domain_tag::ActiveModel = current.clone().into();
    if let Some(label) = change.label_fr {
        model.label_fr = Set(label.trim().to_owned());
    }
    if let Some(label) = change.label_en {
        model.label_en = Set(label.trim().to_owned());
    }
    if let Some(position) = change.position {
        model.position = Set(position);
    }
    work.save::<domain_tag::Entity>(code, model, current.version).await?;
    let saved = store::find(work.db(), code).await?;
    let version = saved.version;
    let (before, after) = (DomainResponse::from(current), DomainResponse::from(saved));
    Ok(work.done(AuditEntry::changed(ENTITY, code, "update", &before, &after)?, (after, version)))
}

/// Archives the domain `code`, unless live records use it (409). An archived one stays as it is.
pub async fn archive(work: UnitOfWork, code: &str, if_match: &IfMatch) -> Result<Outcome<()>, ApiError> {
    work.lock::<domain_tag::Entity>(code).await?;
    let current = store::find(work.db(), code).await?;
    work.check_version(if_match, current.version)?;
    rules::check_unused(store::count_uses(work.db(), code).await?)?;
    if current.archived_at.is_some() {
        return Ok(Outcome::Unchanged(work, ()));
    }
    let mut model: domain_tag::ActiveModel = current.clone().into();
    model.archived_at = Set(Some(Utc::now()));
    work.save::<domain_tag::Entity>(code, model, current.version).await?;
    let before = DomainResponse::from(current);
    let after = DomainResponse::from(store::find(work.db(), code).await?);
    Ok(Outcome::Changed(work.done(AuditEntry::changed(ENTITY, code, "archive", &before, &after)?, ())))
}
