//! Archive instead of delete: `DELETE` sets `archived_at` (the record leaves the lists but stays
//! readable, with its history) and the director's `restore` clears it. One transaction: row lock,
//! `If-Match`, the resource's own guard (e.g. a division rule), the versioned write, the audit
//! entry, and whatever else the resource records with a change (e.g. a change-feed event).
use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, Value};
use serde::Serialize;
use uuid::Uuid;

use super::versioning::IfMatch;
use super::{
    audit::{self, ChangeContext},
    versioning::{Versioned, lock, save_versioned},
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
    entity_type: &str,
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
    let txn = crate::db::begin_write(db).await?;
    lock::<E>(&txn, id).await?;
    let (current, before) = load(&txn, id).await?;
    guard(&txn, &before).await?;
    if let Some(if_match) = if_match {
        if_match.check(E::version_of(&current))?;
    }
    if E::is_archived(&current) == archive {
        txn.commit().await?;
        return Ok((before, E::version_of(&current)));
    }
    let mut change = <E::ActiveModel as ActiveModelTrait>::default();
    let archived_at: Value =
        if archive { Some(Utc::now()).into() } else { Option::<chrono::DateTime<Utc>>::None.into() };
    change.set(E::archived_at_column(), archived_at);
    save_versioned::<E>(&txn, id, change, E::version_of(&current)).await?;
    let (saved, after) = load(&txn, id).await?;
    let action = if archive { "archive" } else { "restore" };
    audit::record(&txn, context, entity_type, id, action, Some(&before), Some(&after)).await?;
    also(&txn, &saved).await?;
    txn.commit().await?;
    Ok((after, E::version_of(&saved)))
}
