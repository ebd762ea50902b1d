//! An organisation the city works with: a city, a network of local governments, a technical and
//! financial partner (PTF), an international organisation, an NGO, a State service or a company.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub is_classic_ptf: bool,
    pub country: String,
    pub locality: Option<String>,
    pub website: Option<String>,
    /// JSON array of ISO 639-1 codes.
    pub languages: Json,
    pub description: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// JSON array of `{name, function, email, phone}`.
    pub contacts: Json,
    pub notes: Option<String>,
    pub source: Option<String>,
    pub search_text: String,
    pub name_key: String,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
