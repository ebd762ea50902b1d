//! An agreement: a twinning, a cooperation convention, a network membership, a memorandum of
//! understanding or a financing agreement.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub division: String,
    pub status: String,
    pub signed_on: Option<Date>,
    /// The signing year, known even where the exact date is not.
    pub signed_year: Option<i32>,
    pub effective_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub aegis_partner_id: Option<Uuid>,
    /// JSON array of `{role, from_year, to_year}`: the city's roles in a network.
    pub city_roles: Json,
    pub summary: Option<String>,
    pub agent_in_charge_id: Option<Uuid>,
    pub notes: Option<String>,
    pub source: Option<String>,
    pub search_text: String,
    /// Months between evaluations; the kind's default when absent.
    pub evaluation_cadence_months: Option<i32>,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
