//! A financial flow of a partner to a project: pledge, commitment, disbursement or expenditure.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_line")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub partner_id: Uuid,
    pub kind: String,
    /// In the minor unit of `currency`.
    pub amount_minor: i64,
    pub currency: String,
    pub transaction_date: Date,
    pub reference: Option<String>,
    pub note: Option<String>,
    /// Shown to every partner of the project, not only to the funder (set by the director).
    pub is_public: bool,
    /// The round table where a pledge was announced.
    pub event_id: Option<Uuid>,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
