//! Bodies of the `/projects` routes.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::status::ProjectStatus;
use crate::{
    auth::Division,
    error::ApiError,
    i18n::Text,
    money,
    routes::agreements::dto::PartnerRef,
    validate::{CodeParam, Rules, SearchParam, check_count, check_text},
};

crate::code_list! {
    /// The role of an organisation in a project (IATI organisation roles).
    #[derive(PartialOrd, Ord)]
    pub enum ParticipantRole as "participant_role" {
        /// Provides the money (IATI 1).
        Funding = "funding" ("Bailleur", "Funding"),
        /// Answers for the project (IATI 2).
        Accountable = "accountable" ("Responsable", "Accountable"),
        /// Manages the money on behalf of the funder (IATI 3).
        Extending = "extending" ("Gestionnaire des fonds", "Extending"),
        /// Carries the project out (IATI 4).
        Implementing = "implementing" ("Maître d'œuvre", "Implementing"),
    }
}

impl ParticipantRole {
    pub fn iati_code(self) -> u8 {
        match self {
            ParticipantRole::Funding => 1,
            ParticipantRole::Accountable => 2,
            ParticipantRole::Extending => 3,
            ParticipantRole::Implementing => 4,
        }
    }
}

crate::code_list! {
    /// Where in the District of Bamako a project takes place.
    #[derive(PartialOrd, Ord)]
    pub enum Commune as "commune" {
        CommuneI = "commune_i" ("Commune I", "Commune I"),
        CommuneIi = "commune_ii" ("Commune II", "Commune II"),
        CommuneIii = "commune_iii" ("Commune III", "Commune III"),
        CommuneIv = "commune_iv" ("Commune IV", "Commune IV"),
        CommuneV = "commune_v" ("Commune V", "Commune V"),
        CommuneVi = "commune_vi" ("Commune VI", "Commune VI"),
        /// The whole District.
        District = "district" ("Tout le District", "District-wide"),
    }
}

/// An amount of money: an exact decimal string and its ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": "1500.50", "currency": "EUR"}))]
pub struct Money {
    /// A positive decimal, without sign, exponent or leading zero, below 10^13 (ten thousand
    /// billion), with at most as many decimals as the currency has (none for XOF).
    #[schema(format = "amount", example = "12500000")]
    pub amount: String,
    /// ISO 4217, one of the currencies the API knows.
    #[schema(format = "currency", example = "XOF")]
    pub currency: String,
}

impl Money {
    pub fn from_minor(minor: i64, currency: &str) -> Self {
        Self { amount: money::format_amount(minor, currency), currency: currency.to_owned() }
    }
}

/// Checks an amount for its currency and returns it in minor units (422 naming `field` otherwise).
pub fn parse_money(rules: &mut Rules, field: &str, amount: &str, currency: &str) -> Option<i64> {
    match money::parse_amount(amount, currency) {
        Ok(minor) => Some(minor),
        Err(error) => {
            let (code, message) = match error {
                money::AmountError::UnknownCurrency => (
                    "unknown_currency",
                    Text::new(format!("Devise inconnue : {currency}."), format!("Unknown currency: {currency}.")),
                ),
                money::AmountError::TooPrecise { allowed } => (
                    "too_precise",
                    Text::new(
                        format!("{currency} n'admet que {allowed} décimale(s) : le montant n'est pas arrondi."),
                        format!("{currency} allows {allowed} decimal(s): the amount is not rounded."),
                    ),
                ),
                money::AmountError::NotPositive => {
                    ("not_positive", Text::fixed("Le montant doit être positif.", "The amount must be positive."))
                }
                money::AmountError::TooLarge => ("too_large", Text::fixed("Montant trop grand.", "Amount too large.")),
                money::AmountError::Format => (
                    "format",
                    Text::fixed(
                        "Un nombre décimal en texte est attendu (ex. \"1500.50\").",
                        "A decimal number as text is expected (e.g. \"1500.50\").",
                    ),
                ),
            };
            let field =
                if code == "unknown_currency" { format!("{field}.currency") } else { format!("{field}.amount") };
            rules.fail(&field, code, message);
            None
        }
    }
}

/// A partner in a project, with its roles.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ParticipantResponse {
    pub partner: PartnerRef,
    pub roles: Vec<ParticipantRole>,
}

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

/// A project.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "title": "Adduction d'eau potable à Sabalibougou",
    "summary": "Forages et bornes-fontaines en Commune V.", "internal_notes": null, "agreement_id": null,
    "division": "decentralized_cooperation", "agent_in_charge_id": null, "domains": ["water"], "communes": ["commune_v"],
    "planned_start": "2026-01-15", "planned_end": "2027-06-30", "actual_start": null, "actual_end": null,
    "progress": 10, "status": "implementation", "budget": {"amount": "250000000", "currency": "XOF"},
    "participants": [{"partner": {"id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "name": "Bordeaux", "country": "FR", "kind": "city"}, "roles": ["funding"]}],
    "archived": false, "created_at": "2026-01-10T09:00:00Z", "updated_at": "2026-03-01T09:00:00Z"
}))]
pub struct ProjectResponse {
    pub id: Uuid,
    pub title: String,
    /// What partners may see.
    pub summary: Option<String>,
    /// Internal notes: never shown to partners.
    pub internal_notes: Option<String>,
    pub agreement_id: Option<Uuid>,
    pub division: Division,
    pub agent_in_charge_id: Option<Uuid>,
    pub domains: Vec<String>,
    pub communes: Vec<Commune>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    /// 0 to 100 (%).
    pub progress: i32,
    pub status: ProjectStatus,
    pub budget: Option<Money>,
    pub participants: Vec<ParticipantResponse>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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
    pub status: Option<ProjectStatus>,
    /// A domain code.
    #[param(inline)]
    pub domain: Option<CodeParam>,
    pub division: Option<Division>,
    pub commune: Option<Commune>,
    /// A participating partner.
    pub partner: Option<Uuid>,
    pub agreement: Option<Uuid>,
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

/// The editable fields of a project, checked together.
#[derive(Clone)]
pub struct ProjectFields {
    pub title: String,
    pub summary: Option<String>,
    pub internal_notes: Option<String>,
    pub agreement_id: Option<Uuid>,
    pub division: Division,
    pub agent_in_charge_id: Option<Uuid>,
    pub domains: Vec<String>,
    pub communes: Vec<Commune>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub budget: Option<Money>,
    /// (partner, role) pairs, sorted and unique.
    pub participants: Vec<(Uuid, ParticipantRole)>,
    /// The number of roles of each participant as the request sent them, when it sent some: checked
    /// by `validate` (1 to 50 participants, 1 to 4 roles each).
    pub sent_roles: Option<Vec<usize>>,
    /// Filled by `validate`.
    pub budget_minor: Option<i64>,
}

fn flatten(participants: &[ParticipantInput]) -> Vec<(Uuid, ParticipantRole)> {
    participants.iter().flat_map(|p| p.roles.iter().map(move |role| (p.partner_id, *role))).collect()
}

fn sent_roles(participants: &[ParticipantInput]) -> Vec<usize> {
    participants.iter().map(|p| p.roles.len()).collect()
}

impl ProjectFields {
    pub fn from_create(body: CreateProject) -> Self {
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
            participants: flatten(&body.participants),
            sent_roles: Some(sent_roles(&body.participants)),
            budget_minor: None,
        }
    }

    pub fn from_current(current: &ProjectResponse) -> Self {
        Self {
            title: current.title.clone(),
            summary: current.summary.clone(),
            internal_notes: current.internal_notes.clone(),
            agreement_id: current.agreement_id,
            division: current.division,
            agent_in_charge_id: current.agent_in_charge_id,
            domains: current.domains.clone(),
            communes: current.communes.clone(),
            planned_start: current.planned_start,
            planned_end: current.planned_end,
            actual_start: current.actual_start,
            actual_end: current.actual_end,
            budget: current.budget.clone(),
            participants: current
                .participants
                .iter()
                .flat_map(|p| p.roles.iter().map(|r| (p.partner.id, *r)))
                .collect(),
            sent_roles: None,
            budget_minor: None,
        }
    }

    pub fn apply(&mut self, change: UpdateProject) {
        macro_rules! take { ($($field:ident),*) => { $( if let Some(value) = change.$field { self.$field = value; } )* } }
        take!(
            title,
            summary,
            internal_notes,
            agreement_id,
            division,
            agent_in_charge_id,
            domains,
            communes,
            planned_start,
            planned_end,
            actual_start,
            actual_end,
            budget
        );
        if let Some(participants) = change.participants {
            self.participants = flatten(&participants);
            self.sent_roles = Some(sent_roles(&participants));
        }
    }

    /// The year the project is filed under.
    pub fn start_year(&self, created: DateTime<Utc>) -> i32 {
        use chrono::Datelike;
        self.actual_start.or(self.planned_start).map_or(created.year(), |d| d.year())
    }

    /// Every rule that needs no database; references are checked by the handler.
    pub fn validate(&mut self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        check_text(&mut rules, "title", &self.title, 1, 300);
        self.title = self.title.trim().to_owned();
        for (field, value) in [("summary", &self.summary), ("internal_notes", &self.internal_notes)] {
            if let Some(value) = value {
                check_text(&mut rules, field, value, 1, 5000);
            }
        }
        if self.domains.is_empty() || self.domains.len() > 10 {
            rules.fail(
                "domains",
                "count",
                Text::fixed("Au moins un domaine (10 au plus).", "At least one domain (at most 10)."),
            );
        }
        self.domains.sort();
        self.domains.dedup();
        if self.communes.is_empty() || self.communes.len() > Commune::ALL.len() {
            rules.fail(
                "communes",
                "count",
                Text::fixed("Au moins une commune, ou le District.", "At least one commune, or the District."),
            );
        }
        self.communes.sort();
        self.communes.dedup();
        if let Some(sent) = &self.sent_roles {
            check_count(&mut rules, "participants", sent.len(), 1, 50);
            for (index, roles) in sent.iter().enumerate() {
                check_count(&mut rules, &format!("participants[{index}].roles"), *roles, 1, 4);
            }
        } else if self.participants.is_empty() {
            rules.fail(
                "participants",
                "count",
                Text::fixed("Au moins un partenaire participant.", "At least one participating partner."),
            );
        }
        self.participants.sort();
        self.participants.dedup();
        for (field, start, end) in
            [("planned_end", self.planned_start, self.planned_end), ("actual_end", self.actual_start, self.actual_end)]
        {
            if let (Some(start), Some(end)) = (start, end)
                && end < start
            {
                rules.fail(field, "order", Text::fixed("La fin précède le début.", "The end comes before the start."));
            }
        }
        self.budget_minor = match &self.budget {
            Some(budget) => parse_money(&mut rules, "budget", &budget.amount, &budget.currency),
            None => None,
        };
        rules.finish()
    }
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

/// One entry of a project's timeline. Entries are never edited: a later entry corrects an
/// earlier one.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "project_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e",
    "occurred_on": "2026-02-01", "from_status": "pipeline", "to_status": "implementation", "progress": 15,
    "note": "Travaux de forage lancés.", "author_id": "0193a4b2-1111-7d2a-9f00-3b8f6a1c2d4e", "created_at": "2026-02-01T10:00:00Z"
}))]
pub struct StatusUpdateResponse {
    pub id: Uuid,
    pub project_id: Uuid,
    pub occurred_on: NaiveDate,
    /// The status before, when the entry moves it.
    pub from_status: Option<ProjectStatus>,
    /// The status after, when the entry moves it.
    pub to_status: Option<ProjectStatus>,
    pub progress: Option<i32>,
    pub note: String,
    pub author_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<entity::project_status_update::Model> for StatusUpdateResponse {
    fn from(model: entity::project_status_update::Model) -> Self {
        Self {
            id: model.id,
            project_id: model.project_id,
            occurred_on: model.occurred_on,
            from_status: model.from_status.as_deref().and_then(ProjectStatus::parse),
            to_status: model.to_status.as_deref().and_then(ProjectStatus::parse),
            progress: model.progress,
            note: model.note,
            author_id: model.author_id,
            created_at: model.created_at,
        }
    }
}

/// A page of the timeline, oldest first.
#[derive(Serialize, ToSchema)]
pub struct StatusUpdateList {
    pub items: Vec<StatusUpdateResponse>,
    pub next_cursor: Option<String>,
}
