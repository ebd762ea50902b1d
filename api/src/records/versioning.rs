//! Conditional writes: a change is applied only if the record is still at the version the client
//! read (`If-Match`), so of two racing writers exactly one wins and the other gets 412.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Value};

use crate::{error::ApiError, http::concurrency::etag};

/// A table whose rows carry a `version` and an `updated_at`.
pub trait Versioned: EntityTrait {
    fn id_column() -> Self::Column;
    fn version_column() -> Self::Column;
    fn updated_at_column() -> Self::Column;
}

/// Locks the row `id` until the transaction ends (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
/// write transactions are exclusive already), so that two writers of one record queue: the second
/// reads what the first wrote instead of failing on a version it could not have seen.
pub async fn lock<E>(db: &impl ConnectionTrait, id: impl Into<Value>) -> Result<(), ApiError>
where
    E: Versioned,
{
    E::find()
        .select_only()
        .column(E::version_column())
        .filter(E::id_column().eq(id))
        .lock_exclusive()
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(())
}

/// Writes `change` to the row `id` if it is still at `read_version`, bumping the version and
/// `updated_at`. A row that moved on answers 412 with its current ETag.
pub async fn save_versioned<E>(
    db: &impl ConnectionTrait,
    id: impl Into<Value> + Clone,
    mut change: E::ActiveModel,
    read_version: i32,
) -> Result<(), ApiError>
where
    E: Versioned,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    change.set(E::version_column(), (read_version + 1).into());
    change.set(E::updated_at_column(), Utc::now().into());
    let result = E::update_many()
        .set(change)
        .filter(E::id_column().eq(id.clone()))
        .filter(E::version_column().eq(read_version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        let current: Option<i32> = E::find()
            .select_only()
            .column(E::version_column())
            .filter(E::id_column().eq(id))
            .into_tuple()
            .one(db)
            .await?;
        return Err(match current {
            Some(version) => ApiError::PreconditionFailed { current_etag: etag(version) },
            None => ApiError::NotFound,
        });
    }
    Ok(())
}

macro_rules! versioned {
    ($($entity:path => $module:ident),* $(,)?) => {$(
        impl Versioned for $entity {
            fn id_column() -> Self::Column { entity::$module::Column::Id }
            fn version_column() -> Self::Column { entity::$module::Column::Version }
            fn updated_at_column() -> Self::Column { entity::$module::Column::UpdatedAt }
        }
    )*};
}

versioned! {
    entity::partner::Entity => partner,
    entity::agreement::Entity => agreement,
    entity::account::Entity => account,
    entity::project::Entity => project,
    entity::funding_line::Entity => funding_line,
    entity::evaluation::Entity => evaluation,
    entity::event::Entity => event,
}

impl Versioned for entity::domain_tag::Entity {
    fn id_column() -> Self::Column {
        entity::domain_tag::Column::Code
    }
    fn version_column() -> Self::Column {
        entity::domain_tag::Column::Version
    }
    fn updated_at_column() -> Self::Column {
        entity::domain_tag::Column::UpdatedAt
    }
}
