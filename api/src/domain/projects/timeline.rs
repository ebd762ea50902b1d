//! A project's timeline: status moves and progress reports, append-only (a later entry corrects
//! an earlier one).
use chrono::{NaiveDate, Utc};
use entity::project_status_update;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::types::{ProjectStatus, StatusUpdateResponse};
use crate::error::ApiError;

/// An entry to append.
pub struct NewEntry {
    pub occurred_on: NaiveDate,
    /// The status before, when the entry moves it (none for the project's first entry).
    pub from_status: Option<ProjectStatus>,
    /// The status after, when the entry moves it.
    pub to_status: Option<ProjectStatus>,
    pub progress: Option<i32>,
    pub note: String,
    pub author_id: Option<Uuid>,
}

/// Appends `entry` to the timeline of `project`.
pub async fn append(
    db: &impl ConnectionTrait,
    project: Uuid,
    entry: NewEntry,
) -> Result<StatusUpdateResponse, ApiError> {
    project_status_update::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project),
        occurred_on: Set(entry.occurred_on),
        from_status: Set(entry.from_status.map(|status| status.as_str().to_owned())),
        to_status: Set(entry.to_status.map(|status| status.as_str().to_owned())),
        progress: Set(entry.progress),
        note: Set(entry.note),
        author_id: Set(entry.author_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?
    .try_into()
}

/// Up to `limit` entries of `project` after the entry `after`, oldest first.
pub async fn entries(
    db: &impl ConnectionTrait,
    project: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<StatusUpdateResponse>, ApiError> {
    let mut select = project_status_update::Entity::find().filter(project_status_update::Column::ProjectId.eq(project));
    if let Some(after) = after {
        select = select.filter(project_status_update::Column::Id.gt(after));
    }
    let rows = select.order_by_asc(project_status_update::Column::Id).limit(limit).all(db).await?;
    rows.into_iter().map(StatusUpdateResponse::try_from).collect()
}
