//! The writes of partners, each in the caller's unit of work: what varies (rules, domains,
//! uniqueness) is here, what never varies (lock, version, audit, commit) is the unit's.
use chrono::Utc;
use entity::partner;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use uuid::Uuid;

use super::{
    store,
    types::{PartnerChange, PartnerFields, PartnerResponse},
};
use crate::validate::Rules;
use crate::{
    domain::domains::store::check_domains,
    error::ApiError,
    records::{
        archive,
        audit::ChangeContext,
        unit_of_work::{AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
};

/// The audit trail's name of the record type.
pub const ENTITY: &str = "partner";

/// Adds a partner; a partner of the same name in the same country is a 409.
pub async fn create(work: UnitOfWork, mut fields: PartnerFields) -> Result<Done<(PartnerResponse, i32)>, ApiError> {
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    checks.absorb(check_domains(work.db(), "domains", &fields.domains).await)?;
    checks.finish()?;
    store::ensure_unique(work.db(), &fields, None).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = partner::ActiveModel {
        id: Set(id),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        source: Set(None),
        ..Default::default()
    };
    store::write_fields(&mut model, &fields)?;
    model.insert(work.db()).await.map_err(store::duplicate_as_conflict)?;
    store::set_domains(work.db(), id, &fields.domains).await?;
    let (saved, view) = store::find(work.db(), id).await?;
    Ok(work.done(AuditEntry::created(ENTITY, id, &view)?, (view, saved.version)))
}

/// Changes a partner at the version `if_match` names.
pub async fn update(
    work: UnitOfWork,
    id: Uuid,
    if_match: &IfMatch,
    change: PartnerChange,
) -> Result<Done<(PartnerResponse, i32)>, ApiError> {
    work.lock::<partner::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    work.check_version(if_match, current.version)?;
    let mut fields = PartnerFields::from_model(&current, before.domains.clone())?;
    fields.apply(change);
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    checks.absorb(check_domains(work.db(), "domains", &fields.domains).await)?;
    checks.finish()?;
    store::ensure_unique(work.db(), &fields, Some(id)).await?;
    let mut model: partner::ActiveModel = current.clone().into();
    store::write_fields(&mut model, &fields)?;
    work.save::<partner::Entity>(id, model, current.version).await.map_err(store::duplicate_as_conflict)?;
    store::set_domains(work.db(), id, &fields.domains).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    Ok(work.done(AuditEntry::changed(ENTITY, id, "update", &before, &after)?, (after, saved.version)))
}

/// Archives (`archive = true`, needs `if_match`) or restores a partner; returns it with its version.
pub async fn set_archived(
    db: &DatabaseConnection,
    context: ChangeContext,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
) -> Result<(PartnerResponse, i32), ApiError> {
    archive::set_archived::<partner::Entity, _>(
        db,
        &context,
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| store::find(db, id).await,
        async |_, _| Ok(()),
        async |_, _| Ok(()),
    )
    .await
}
