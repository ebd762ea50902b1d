//! A periodic evaluation of an agreement: how alive the relation is, scored per criterion.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub evaluated_on: Date,
    /// JSON array of names.
    pub evaluators: Json,
    pub vitality: String,
    pub score_activity: i32,
    pub score_results: i32,
    pub score_financing: i32,
    pub score_responsiveness: i32,
    pub findings: Option<String>,
    pub recommendations: Option<String>,
    /// JSON array of texts.
    pub priority_actions: Json,
    /// Once signed off, the evaluation is read-only.
    pub signed_off_at: Option<DateTimeUtc>,
    pub signed_off_by: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
