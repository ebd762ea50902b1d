//! The project as the API shows it, and its codes: status (IATI activity status), participant
//! roles (IATI organisation roles) and communes of the District of Bamako.
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::money::Money;
use crate::{auth::Division, domain::partners::types::PartnerRef, error::ApiError};

/// A project's name in the audit trail.
pub const ENTITY: &str = "project";

crate::code_list! {
    /// The IATI activity status of a project.
    pub enum ProjectStatus as "project_status" {
        /// Identification (IATI 1).
        Pipeline = "pipeline" ("Identification", "Pipeline"),
        /// Implementation (IATI 2).
        Implementation = "implementation" ("En cours d'exécution", "Implementation"),
        /// Finalisation (IATI 3).
        Finalisation = "finalisation" ("En finalisation", "Finalisation"),
        /// Closed (IATI 4).
        Closed = "closed" ("Clôturé", "Closed"),
        /// Cancelled (IATI 5).
        Cancelled = "cancelled" ("Annulé", "Cancelled"),
        /// Suspended (IATI 6).
        Suspended = "suspended" ("Suspendu", "Suspended"),
    }
}

impl ProjectStatus {
    /// The IATI ActivityStatus code.
    pub fn iati_code(self) -> u8 {
        match self {
            ProjectStatus::Pipeline => 1,
            ProjectStatus::Implementation => 2,
            ProjectStatus::Finalisation => 3,
            ProjectStatus::Closed => 4,
            ProjectStatus::Cancelled => 5,
            ProjectStatus::Suspended => 6,
        }
    }
}

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

/// A partner in a project, with its roles.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ParticipantResponse {
    pub partner: PartnerRef,
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

impl TryFrom<entity::project_status_update::Model> for StatusUpdateResponse {
    type Error = ApiError;

    fn try_from(model: entity::project_status_update::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            project_id: model.project_id,
            occurred_on: model.occurred_on,
            from_status: model.from_status.as_deref().map(ProjectStatus::from_stored).transpose()?,
            to_status: model.to_status.as_deref().map(ProjectStatus::from_stored).transpose()?,
            progress: model.progress,
            note: model.note,
            author_id: model.author_id,
            created_at: model.created_at,
        })
    }
}
