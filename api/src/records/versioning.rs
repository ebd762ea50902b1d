//! Conditional writes: a change is applied only if the record is still at the version the client
//! read (`If-Match`), so of two racing writers exactly one wins and the other gets 412.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Value};

use crate::error::ApiError;

/// The strong ETag of a record at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The `If-Match` header of a request, if any.
#[derive(Debug)]
pub struct IfMatch(Option<String>);

impl IfMatch {
    /// The precondition a request states with its `If-Match` header (`None` when absent).
    pub fn new(header: Option<String>) -> Self {
        IfMatch(header)
    }

    /// Whether the client sent `If-Match` at all (for actions where it is optional).
    pub fn is_present(&self) -> bool {
        self.0.is_some()
    }

    /// Checks the header against the record's current version: 428 when absent, 412 when it names
    /// another version (`*` matches any existing record).
    pub fn check(&self, current_version: i32) -> Result<(), ApiError> {
        let header = self.0.as_deref().ok_or(ApiError::PreconditionRequired)?;
        let current = etag(current_version);
        let matches = header
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag == current || tag.strip_prefix("W/") == Some(current.as_str()));
        if matches { Ok(()) } else { Err(ApiError::PreconditionFailed { current_etag: current }) }
    }
}

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
    entity::webhook_endpoint::Entity => webhook_endpoint,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_is_required_and_must_name_the_current_version() {
        assert!(matches!(IfMatch(None).check(3), Err(ApiError::PreconditionRequired)));
        assert!(IfMatch(Some("\"3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("W/\"3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("\"2\", \"3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("*".into())).check(3).is_ok());
        match IfMatch(Some("\"2\"".into())).check(3) {
            Err(ApiError::PreconditionFailed { current_etag }) => assert_eq!(current_etag, "\"3\""),
            other => panic!("expected 412, got {other:?}"),
        }
    }
}
