//! How far a reader of the change feed (the webhook worker) has got.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_cursor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub txid: i64,
    pub seq: i64,
}

impl ActiveModelBehavior for ActiveModel {}
