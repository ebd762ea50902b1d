//! The writes of events, each on a unit of work (archiving through `records::archive`).
use chrono::Utc;
use entity::event;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use super::{
    rules::{division_written, ensure_takes_pledges},
    store,
    types::{EventFields, EventResponse, PartnershipEventKind},
};
use crate::validate::Rules;
use crate::{
    auth::{CurrentUser, Division, policy::may_write_event},
    error::ApiError,
    records::{
        archive,
        audit::ChangeContext,
        unit_of_work::{AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
};

/// The audited record type.
pub const ENTITY: &str = "event";

/// The division rule of events (`policy::may_write_event`): 403 when the caller may not write an
/// event of `division`.
fn ensure_may_write(caller: &CurrentUser, division: Option<Division>) -> Result<(), ApiError> {
    if may_write_event(caller.role, caller.division, division) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Records a new event with its links; returns it with its version.
pub async fn create(
    work: UnitOfWork,
    caller: &CurrentUser,
    mut fields: EventFields,
) -> Result<Done<(EventResponse, i32)>, ApiError> {
    fields.division = division_written(caller.role, caller.division, fields.division);
    ensure_may_write(caller, fields.division)?;
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    checks.absorb(store::check_links(work.db(), &fields).await)?;
    checks.finish()?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = event::ActiveModel {
        id: Set(id),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    store::write_fields(&mut model, &fields);
    model.insert(work.db()).await?;
    store::replace_links(work.db(), id, &fields).await?;
    let (saved, view) = store::find(work.db(), id).await?;
    let entry = AuditEntry::created(ENTITY, id, &view)?;
    Ok(work.done(entry, (view, saved.version)))
}

/// Replaces an event's content and links. The caller must be allowed to write the event both as it is and
/// as it becomes (moving it to another division included).
pub async fn replace(
    work: UnitOfWork,
    caller: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    mut fields: EventFields,
) -> Result<Done<(EventResponse, i32)>, ApiError> {
    fields.division = division_written(caller.role, caller.division, fields.division);
    work.lock::<event::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    ensure_may_write(caller, before.division)?;
    ensure_may_write(caller, fields.division)?;
    work.check_version(if_match, current.version)?;
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    checks.absorb(store::check_links(work.db(), &fields).await)?;
    checks.finish()?;
    let version = current.version;
    let mut change: event::ActiveModel = current.into();
    store::write_fields(&mut change, &fields);
    work.save::<event::Entity>(id, change, version).await?;
    store::replace_links(work.db(), id, &fields).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    let entry = AuditEntry::changed(ENTITY, id, "update", &before, &after)?;
    Ok(work.done(entry, (after, saved.version)))
}

/// Archives an event (kept with its history), by those who may write it.
pub async fn archive(
    db: &DatabaseConnection,
    context: &ChangeContext,
    caller: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
) -> Result<(), ApiError> {
    archive::set_archived::<event::Entity, _>(
        db,
        context,
        ENTITY,
        id,
        Some(if_match),
        true,
        async |db, id| store::find(db, id).await,
        async |_, view: &EventResponse| ensure_may_write(caller, view.division),
        async |_, _| Ok(()),
    )
    .await?;
    Ok(())
}

/// The live round table a pledge is announced at (404 when absent or archived, 422 when the event
/// is not a round table).
pub async fn round_table_for_pledge(db: &impl ConnectionTrait, id: Uuid) -> Result<event::Model, ApiError> {
    let round_table = store::find_live(db, id).await?;
    ensure_takes_pledges(PartnershipEventKind::from_stored(&round_table.kind)?)?;
    Ok(round_table)
}
