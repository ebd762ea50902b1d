//! Bodies of the `/projects` routes. The project's types live in `domain::projects`; those the
//! API shows are re-exported here.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::{
    money::Money,
    projects::types::{
        Commune, ParticipantResponse, ParticipantRole, ProjectResponse, ProjectStatus, StatusUpdateResponse,
    },
};
use crate::{
    auth::Division,
    domain::projects::{
        fields::{Participation, ProjectChange, ProjectFields},
        list::ProjectFilter,
        service::Report,
    },
    validate::{CodeParam, PersonParam, SearchParam},
    vocabulary::CodeSet,
};

/// A partner to involve, with one or more roles.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"partner_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "roles": ["funding"]}))]
pub struct ParticipantInput {
    /// An existing, unarchived partner.
    pub partner_id: Uuid,
    #[schema(min_items = 1, max_items = 4)]
    pub roles: Vec<ParticipantRole>,
}

/// A page of projects.
#[derive(Serialize, ToSchema)]
pub struct ProjectList {
    pub items: Vec<ProjectResponse>,
    pub next_cursor: Option<String>,
    /// The number of matching projects, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of a list of projects: a field, prefixed with `-` for descending.
    pub enum ProjectSort {
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
        UpdatedAt = "updated_at",
        UpdatedAtDescending = "-updated_at",
        Title = "title",
        TitleDescending = "-title",
        StartYear = "start_year",
        StartYearDescending = "-start_year",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListProjectsQuery {
    /// One or more statuses, comma-separated (`pipeline,implementation`).
    #[param(inline, style = Form, explode = false)]
    pub status: Option<CodeSet<ProjectStatus>>,
    /// A domain code.
    #[param(inline)]
    pub domain: Option<CodeParam>,
    /// One or more divisions, comma-separated.
    #[param(inline, style = Form, explode = false)]
    pub division: Option<CodeSet<Division>>,
    /// One or more communes, comma-separated (a project in any of them).
    #[param(inline, style = Form, explode = false)]
    pub commune: Option<CodeSet<Commune>>,
    /// A participating partner.
    pub partner: Option<Uuid>,
    pub agreement: Option<Uuid>,
    /// The agent in charge: `me` (the caller) or an account's id.
    #[param(inline)]
    pub agent_in_charge: Option<PersonParam>,
    /// Filed in or after this year (actual start, else planned start, else creation).
    #[param(minimum = 1900, maximum = 2100)]
    pub year_from: Option<i32>,
    #[param(minimum = 1900, maximum = 2100)]
    pub year_to: Option<i32>,
    /// Free text in the title and summary, accents and case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `created_at`, `updated_at`, `title` or `start_year`; prefix `-` for descending. Newest first
    /// (`-created_at`) by default.
    #[param(inline, example = "-created_at")]
    pub sort: Option<ProjectSort>,
    #[serde(default)]
    pub include_archived: bool,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A new project. It starts in `pipeline`, at 0 % unless `progress` says otherwise.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Adduction d'eau potable à Sabalibougou", "summary": "Forages et bornes-fontaines en Commune V.",
    "division": "decentralized_cooperation", "domains": ["water"], "communes": ["commune_v"],
    "planned_start": "2026-01-15", "planned_end": "2027-06-30", "budget": {"amount": "250000000", "currency": "XOF"},
    "participants": [{"partner_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "roles": ["funding"]}]
}))]
pub struct CreateProject {
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: Option<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub internal_notes: Option<String>,
    /// An existing, unarchived agreement; the project then involves at least one of its partners.
    pub agreement_id: Option<Uuid>,
    pub division: Division,
    /// A member of the staff.
    pub agent_in_charge_id: Option<Uuid>,
    /// Codes of existing, unarchived domains.
    #[schema(format = "code", min_items = 1, max_items = 10)]
    pub domains: Vec<String>,
    #[schema(min_items = 1, max_items = 7)]
    pub communes: Vec<Commune>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub planned_start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub planned_end: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub actual_start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub actual_end: Option<NaiveDate>,
    pub budget: Option<Money>,
    #[schema(min_items = 1, max_items = 50)]
    pub participants: Vec<ParticipantInput>,
}

/// Changes to a project; absent fields keep their value, `null` clears an optional one. Status
/// and progress change through `POST …/status-updates`, so that the timeline tells them.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"actual_start": "2026-02-01", "communes": ["commune_v", "commune_vi"]}))]
pub struct UpdateProject {
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 5000, nullable)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 5000, nullable)]
    pub internal_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(nullable)]
    pub agreement_id: Option<Option<Uuid>>,
    pub division: Option<Division>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(nullable)]
    pub agent_in_charge_id: Option<Option<Uuid>>,
    #[schema(format = "code", min_items = 1, max_items = 10)]
    pub domains: Option<Vec<String>>,
    #[schema(min_items = 1, max_items = 7)]
    pub communes: Option<Vec<Commune>>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::nullable")]
    #[schema(nullable)]
    pub planned_start: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::nullable")]
    #[schema(nullable)]
    pub planned_end: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::nullable")]
    #[schema(nullable)]
    pub actual_start: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::nullable")]
    #[schema(nullable)]
    pub actual_end: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(nullable)]
    pub budget: Option<Option<Money>>,
    #[schema(min_items = 1, max_items = 50)]
    pub participants: Option<Vec<ParticipantInput>>,
}

/// A move of the status or a progress report, for the timeline.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "implementation", "progress": 15, "note": "Travaux de forage lancés.", "occurred_on": "2026-02-01"}))]
pub struct CreateStatusUpdate {
    /// The new status, when the project moves; absent for a progress report.
    pub status: Option<ProjectStatus>,
    /// The new progress figure, 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "crate::http::extract::lenient::option_i32")]
    pub progress: Option<i32>,
    /// What happened: required.
    #[schema(min_length = 1, max_length = 4000)]
    pub note: String,
    /// The day it happened; today when absent.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub occurred_on: Option<NaiveDate>,
}

/// A page of the timeline, oldest first.
#[derive(Serialize, ToSchema)]
pub struct StatusUpdateList {
    pub items: Vec<StatusUpdateResponse>,
    pub next_cursor: Option<String>,
}

fn participations(sent: Vec<ParticipantInput>) -> Vec<Participation> {
    sent.into_iter().map(|p| Participation { partner_id: p.partner_id, roles: p.roles }).collect()
}

impl From<CreateProject> for ProjectFields {
    fn from(body: CreateProject) -> Self {
        let mut fields = Self {
            title: body.title,
            summary: body.summary,
            internal_notes: body.internal_notes,
            agreement_id: body.agreement_id,
            division: body.division,
            agent_in_charge_id: body.agent_in_charge_id,
            domains: body.domains,
            communes: body.communes,
            planned_start: body.planned_start,
            planned_end: body.planned_end,
            actual_start: body.actual_start,
            actual_end: body.actual_end,
            budget: body.budget,
            participants: Vec::new(),
            sent_roles: None,
            budget_minor: None,
        };
        fields.set_participants(&participations(body.participants));
        fields
    }
}

impl From<UpdateProject> for ProjectChange {
    fn from(body: UpdateProject) -> Self {
        Self {
            title: body.title,
            summary: body.summary,
            internal_notes: body.internal_notes,
            agreement_id: body.agreement_id,
            division: body.division,
            agent_in_charge_id: body.agent_in_charge_id,
            domains: body.domains,
            communes: body.communes,
            planned_start: body.planned_start,
            planned_end: body.planned_end,
            actual_start: body.actual_start,
            actual_end: body.actual_end,
            budget: body.budget,
            participants: body.participants.map(participations),
        }
    }
}

impl From<CreateStatusUpdate> for Report {
    fn from(body: CreateStatusUpdate) -> Self {
        Self { status: body.status, progress: body.progress, note: body.note, occurred_on: body.occurred_on }
    }
}

impl ListProjectsQuery {
    /// The filters of the query.
    /// The filters of the query, `me` being `caller`; 422 for an unknown code in a multi-value filter.
    pub fn filter(&self, caller: Uuid) -> Result<ProjectFilter<'_>, crate::error::ApiError> {
        Ok(ProjectFilter {
            include_archived: self.include_archived,
            status: CodeSet::of(&self.status, "status")?,
            division: CodeSet::of(&self.division, "division")?,
            agreement: self.agreement,
            agent_in_charge: self.agent_in_charge.map(|agent| agent.resolve(caller)),
            year_from: self.year_from,
            year_to: self.year_to,
            domain: self.domain.as_deref(),
            commune: CodeSet::of(&self.commune, "commune")?,
            partner: self.partner,
            q: self.q.as_deref(),
        })
    }
}
