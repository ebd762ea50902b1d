//! One event of the project change feed (project created or updated, status changed, funding
//! line added), written in the transaction of the change.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub txid: i64,
    pub id: Uuid,
    pub kind: String,
    pub project_id: Uuid,
    pub funding_line_id: Option<Uuid>,
    pub occurred_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
