//! A data set already loaded, so that it is loaded once and later edits are never overwritten.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seed_run")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub loaded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
