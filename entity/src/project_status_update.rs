//! One entry of a project's timeline: a move of its status or a progress report. Never edited;
//! corrected by a later entry.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_status_update")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub occurred_on: Date,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub progress: Option<i32>,
    pub note: String,
    pub author_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
