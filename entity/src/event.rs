//! An event of the partnerships: a round table of PTFs, a delegation visit, a youth exchange, a
//! signing, a general assembly of a network.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub place: Option<String>,
    pub organiser_partner_id: Option<Uuid>,
    /// The division whose staff write it; none for an event of the whole DJCD (the director's).
    pub division: Option<String>,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
    pub search_text: String,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
