//! A project of the city, funded by partners, usually under an agreement.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    /// What partners may see.
    pub summary: Option<String>,
    /// What partners may not see.
    pub internal_notes: Option<String>,
    pub agreement_id: Option<Uuid>,
    pub division: String,
    pub agent_in_charge_id: Option<Uuid>,
    pub planned_start: Option<Date>,
    pub planned_end: Option<Date>,
    pub actual_start: Option<Date>,
    pub actual_end: Option<Date>,
    pub start_year: i32,
    pub progress: i32,
    pub status: String,
    /// In the minor unit of `budget_currency`.
    pub budget_minor: Option<i64>,
    pub budget_currency: Option<String>,
    pub search_text: String,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
