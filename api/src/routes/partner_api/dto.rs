//! What partner systems see. Only public fields: never internal notes, never other funders' lines
//! unless the director made them public.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    domain::projects::financing::Flows,
    routes::{
        agreements::dto::PartnerRef,
        funding_lines::dto::FundingKind,
        projects::dto::{Commune, Money, ParticipantRole, ProjectStatus},
    },
};

/// A funding line as a partner sees it: its own, or one the director made public.
#[derive(Serialize, ToSchema, Clone)]
pub struct PartnerFundingLine {
    pub id: Uuid,
    pub funder: PartnerRef,
    pub kind: FundingKind,
    pub amount: Money,
    /// In XOF at the rate in force on its date; absent when no rate is known.
    pub amount_xof: Option<String>,
    pub transaction_date: NaiveDate,
    pub reference: Option<String>,
}

/// A project as a partner sees it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "title": "Adduction d'eau potable à Sabalibougou",
    "summary": "Forages et bornes-fontaines en Commune V.", "status": "implementation", "iati_status": 2, "progress": 35,
    "domains": ["water"], "communes": ["commune_v"], "planned_start": "2026-01-15", "planned_end": "2027-06-30",
    "actual_start": "2026-02-01", "actual_end": null, "roles": ["funding"], "funding_lines": [],
    "totals_xof": {"pledged": "0", "committed": "14084513", "disbursed": "5000000", "spent": "1234567"},
    "updated_at": "2026-03-01T10:00:00Z"
}))]
pub struct PartnerProject {
    pub id: Uuid,
    pub title: String,
    pub summary: Option<String>,
    pub status: ProjectStatus,
    /// The IATI ActivityStatus code of `status`.
    pub iati_status: u8,
    /// 0 to 100 (%).
    pub progress: i32,
    pub domains: Vec<String>,
    pub communes: Vec<Commune>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    /// The caller's roles in the project.
    pub roles: Vec<ParticipantRole>,
    /// The caller's own funding lines, and those the director made public.
    pub funding_lines: Vec<PartnerFundingLine>,
    /// The totals in XOF of the lines in `funding_lines` (the caller's own and the public ones):
    /// another funder's private line counts in no figure a partner sees.
    pub totals_xof: Flows,
    pub updated_at: DateTime<Utc>,
}

/// A page of the caller's projects, least recently updated first.
#[derive(Serialize, ToSchema)]
pub struct PartnerProjectList {
    pub items: Vec<PartnerProject>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PartnerProjectsQuery {
    /// Only projects changed at or after this instant (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    #[param(max_length = 512, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// One entry of a project's timeline, as partners see it.
#[derive(Serialize, ToSchema)]
pub struct PartnerStatusUpdate {
    pub id: Uuid,
    pub occurred_on: NaiveDate,
    pub from_status: Option<ProjectStatus>,
    pub to_status: Option<ProjectStatus>,
    pub progress: Option<i32>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// A page of a project's timeline, oldest first.
#[derive(Serialize, ToSchema)]
pub struct PartnerTimeline {
    pub items: Vec<PartnerStatusUpdate>,
    pub next_cursor: Option<String>,
}

/// One event of the change feed.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "type": "project.status_changed", "project_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "funding_line_id": null, "occurred_at": "2026-03-01T10:00:00Z"}))]
pub struct ChangeEvent {
    /// Unique: use it to ignore an event seen twice (webhooks may deliver again).
    pub id: Uuid,
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "project.status_changed")]
    pub kind: String,
    pub project_id: Uuid,
    pub funding_line_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
}

/// A page of the change feed.
#[derive(Serialize, ToSchema)]
pub struct ChangeFeed {
    pub items: Vec<ChangeEvent>,
    /// Where to poll next: always present. Polling with it returns only what is new.
    pub next_cursor: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The `next_cursor` of the previous answer; from the beginning when absent. Event types:
    /// `project.created`, `project.updated`, `project.status_changed`, `project.funding_line_added`.
    #[param(max_length = 512, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
}
