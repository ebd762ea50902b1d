//! One move of an agreement's status: who, when, why.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_status_change")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: String,
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
