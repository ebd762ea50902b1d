//! A partner party to an agreement.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_party")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
