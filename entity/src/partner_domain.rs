//! A domain a partner works in.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_domain")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain_code: String,
}

impl ActiveModelBehavior for ActiveModel {}
