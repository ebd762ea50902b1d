//! The project and funding line as a partner system sees them.
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{
    funding_lines::types::FundingKind,
    money::Money,
    partners::types::PartnerRef,
    projects::{
        financing::Flows,
        types::{Commune, ParticipantRole, ProjectStatus},
    },
};

/// A funding line as a partner sees it: its own, or one the director made public.
#[derive(Serialize, ToSchema, Clone)]
pub struct PartnerFundingLine {
    pub id: Uuid,
    pub funder: PartnerRef,
    pub kind: FundingKind,
    pub amount: Money,
    /// In XOF at the rate in force on its date; `null` when no rate is known.
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
