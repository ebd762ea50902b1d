//! Archive instead of delete: `DELETE` sets `archived_at` (the record leaves the lists but stays
//! readable, with its history) and the director's `restore` clears it. One transaction: row lock,
//! `If-Match`, the resource's own guard (e.g. a division rule), the versioned write, the audit
//! entry, and whatever else the resource records with a change (e.g. a change-feed event).
use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, Value};
use serde::Serialize;
use uuid::Uuid;

use super::{
    audit::ChangeContext,
    unit_of_work::{Answer, AuditEntry, UnitOfWork},
    versioning::{IfMatch, Versioned},
};
use crate::error::ApiError;

/// A versioned table with an `archived_at` column.
pub trait Archivable: Versioned {
    fn archived_at_column() -> Self::Column;
    fn is_archived(model: &Self::Model) -> bool;
    fn version_of(model: &Self::Model) -> i32;
}

macro_rules! archivable {
    ($($module:ident),* $(,)?) => {$(
        impl Archivable for entity::$module::Entity {
            fn archived_at_column() -> Self::Column { entity::$module::Column::ArchivedAt }
            fn is_archived(model: &Self::Model) -> bool { model.archived_at.is_some() }
            fn version_of(model: &Self::Model) -> i32 { model.version }
        }
    )*};
}

archivable!(partner, agreement, project, funding_line, event);

/// Archives (`archive = true`) or restores the record `id`, and returns it as the API shows it,
/// with its version. `load` reads the record and its API view; `guard` refuses callers the
/// resource does not allow; `also` records what else goes with a change. Archiving an archived
/// record (or restoring a live one) changes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn set_archived<E, R>(
    db: &DatabaseConnection,
    context: &ChangeContext,
    entity_type: &'static str,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
    load: impl AsyncFn(&DatabaseTransaction, Uuid) -> Result<(E::Model, R), ApiError>,
    guard: impl AsyncFn(&DatabaseTransaction, &R) -> Result<(), ApiError>,
    also: impl AsyncFn(&DatabaseTransaction, &E::Model) -> Result<(), ApiError>,
) -> Result<(R, i32), ApiError>
where
    E: Archivable,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    R: Serialize,
{
    let work = UnitOfWork::begin(db, context.clone()).await?;
    work.lock::<E>(id).await?;
    let (current, before) = load(work.db(), id).await?;
    guard(work.db(), &before).await?;
    if let Some(if_match) = if_match {
        work.check_version(if_match, E::version_of(&current))?;
    }
    // The answer the handlers give (kept for an `Idempotency-Key` on restore, a POST).
    let answer = |record: &R, version: i32| {
        if archive { Ok(Answer::no_content()) } else { Answer::record(200, record, version) }
    };
    if E::is_archived(&current) == archive {
        work.commit_unchanged(&answer(&before, E::version_of(&current))?).await?;
        return Ok((before, E::version_of(&current)));
    }
    let mut change = <E::ActiveModel as ActiveModelTrait>::default();
    let archived_at: Value =
        if archive { Some(Utc::now()).into() } else { Option::<chrono::DateTime<Utc>>::None.into() };
    change.set(E::archived_at_column(), archived_at);
    work.save::<E>(id, change, E::version_of(&current)).await?;
    let (saved, after) = load(work.db(), id).await?;
    also(work.db(), &saved).await?;
    let action = if archive { "archive" } else { "restore" };
    let entry = AuditEntry::changed(entity_type, id, action, &before, &after)?;
    let version = E::version_of(&saved);
    work.commit(entry, &answer(&after, version)?).await?;
    Ok((after, version))
}
