//! An agreement's types: its kind and status, the city's roles in it, the record and its status
//! moves as the API shows them, and the editable fields a create or an update checks together.
use chrono::{DateTime, NaiveDate, Utc};
use entity::{agreement, agreement_status_change};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{auth::Division, domain::partners::types::PartnerRef, error::ApiError};

crate::code_list! {
    /// The kind of agreement.
    pub enum AgreementKind as "agreement_kind" {
        /// A twinning (jumelage) between Bamako and another city.
        Twinning = "twinning" ("Jumelage", "Twinning"),
        /// A decentralized-cooperation convention.
        CooperationConvention = "cooperation_convention" ("Convention de coopération décentralisée", "Decentralized-cooperation convention"),
        /// Membership of a network of local governments.
        NetworkMembership = "network_membership" ("Adhésion à un réseau", "Network membership"),
        MemorandumOfUnderstanding = "memorandum_of_understanding" ("Protocole d'entente", "Memorandum of understanding"),
        FinancingAgreement = "financing_agreement" ("Convention de financement", "Financing agreement"),
    }
}

impl AgreementKind {
    /// The division that follows agreements of this kind: twinnings go to the Twinning division,
    /// everything else to Decentralized Cooperation.
    pub fn division(self) -> Division {
        if self == AgreementKind::Twinning { Division::Twinning } else { Division::DecentralizedCooperation }
    }
}

crate::code_list! {
    /// The state of the relation an agreement establishes.
    pub enum AgreementStatus as "agreement_status" {
        /// Being negotiated (en gestation).
        InGestation = "in_gestation" ("En gestation", "In gestation"),
        /// Signed and in force.
        Active = "active" ("Active", "Active"),
        /// Signed, but without activity (the seed's "fortunes diverses").
        Dormant = "dormant" ("En sommeil", "Dormant"),
        /// Suspended by the city.
        Suspended = "suspended" ("Suspendue", "Suspended"),
        /// Ended, abandoned, or the other side dissolved.
        Ended = "ended" ("Terminée", "Ended"),
    }
}

/// A role the city holds in a network, over a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "secretary_general", "label": "Secrétaire général", "from_year": 2003, "to_year": 2004}))]
pub struct CityRole {
    /// A short code, e.g. `founding_member`, `secretary_general`.
    #[schema(min_length = 1, max_length = 60)]
    pub role: String,
    /// How the role is called, for people.
    #[schema(min_length = 1, max_length = 200)]
    pub label: Option<String>,
    #[schema(minimum = 1900, maximum = 2100)]
    #[serde(default, deserialize_with = "crate::http::extract::lenient::option_i32")]
    pub from_year: Option<i32>,
    #[schema(minimum = 1900, maximum = 2100)]
    #[serde(default, deserialize_with = "crate::http::extract::lenient::option_i32")]
    pub to_year: Option<i32>,
}

/// An agreement.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "kind": "twinning", "title": "Jumelage Bamako – Angers",
    "division": "twinning", "status": "active", "signed_on": null, "signed_year": 1974, "effective_on": null, "ends_on": null,
    "aegis_partner": null, "parties": [{"id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "name": "Angers", "country": "FR", "kind": "city"}],
    "city_roles": [], "domains": ["education"], "summary": null, "agent_in_charge_id": null, "notes": null,
    "evaluation_cadence_months": null, "source": "Seed document", "archived": false, "created_at": "2026-11-27T10:00:00Z", "updated_at": "2026-11-27T10:00:00Z"
}))]
pub struct AgreementResponse {
    pub id: Uuid,
    pub kind: AgreementKind,
    pub title: String,
    /// The division that follows it (from its kind).
    pub division: Division,
    pub status: AgreementStatus,
    pub signed_on: Option<NaiveDate>,
    /// The signing year, known even where the exact date is not.
    pub signed_year: Option<i32>,
    pub effective_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// The partner under whose aegis it was signed.
    pub aegis_partner: Option<PartnerRef>,
    /// The partners party to it.
    pub parties: Vec<PartnerRef>,
    /// The city's roles in a network, with their periods.
    pub city_roles: Vec<CityRole>,
    pub domains: Vec<String>,
    pub summary: Option<String>,
    /// Months between evaluations; `null` for the kind's default (twinnings 24, networks 36, others 12).
    pub evaluation_cadence_months: Option<i32>,
    pub agent_in_charge_id: Option<Uuid>,
    /// Remarks, e.g. where the sources disagree.
    pub notes: Option<String>,
    pub source: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One recorded move of an agreement's status.
#[derive(Serialize, ToSchema)]
pub struct StatusChangeResponse {
    pub id: Uuid,
    pub from_status: Option<AgreementStatus>,
    pub to_status: AgreementStatus,
    pub reason: String,
    /// Who made it; `null` for records loaded from the seed.
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

impl TryFrom<agreement_status_change::Model> for StatusChangeResponse {
    type Error = ApiError;

    fn try_from(model: agreement_status_change::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            from_status: model.from_status.as_deref().map(AgreementStatus::from_stored).transpose()?,
            to_status: AgreementStatus::from_stored(&model.to_status)?,
            reason: model.reason,
            changed_by: model.changed_by,
            changed_at: model.changed_at,
        })
    }
}

/// The editable fields of an agreement, checked together (`rules.rs`). Its kind (and so its
/// division) is fixed at creation; its status moves through `service::change_status`.
#[derive(Clone, Debug)]
pub struct AgreementFields {
    pub title: String,
    pub signed_on: Option<NaiveDate>,
    pub signed_year: Option<i32>,
    pub effective_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub aegis_partner_id: Option<Uuid>,
    pub parties: Vec<Uuid>,
    pub city_roles: Vec<CityRole>,
    pub domains: Vec<String>,
    pub summary: Option<String>,
    pub agent_in_charge_id: Option<Uuid>,
    pub notes: Option<String>,
    pub evaluation_cadence_months: Option<i32>,
}

/// A change to an agreement: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Default)]
pub struct AgreementChange {
    pub title: Option<String>,
    pub signed_on: Option<Option<NaiveDate>>,
    pub signed_year: Option<Option<i32>>,
    pub effective_on: Option<Option<NaiveDate>>,
    pub ends_on: Option<Option<NaiveDate>>,
    pub aegis_partner_id: Option<Option<Uuid>>,
    pub parties: Option<Vec<Uuid>>,
    pub city_roles: Option<Vec<CityRole>>,
    pub domains: Option<Vec<String>>,
    pub summary: Option<Option<String>>,
    pub agent_in_charge_id: Option<Option<Uuid>>,
    pub notes: Option<Option<String>>,
    pub evaluation_cadence_months: Option<Option<i32>>,
}

impl AgreementFields {
    /// The fields of a stored agreement, with its links as they are now (`view` holds them, read
    /// in the same unit of work: parties sorted by name, domains by code).
    pub fn from_current(model: &agreement::Model, view: &AgreementResponse) -> Self {
        Self {
            title: model.title.clone(),
            signed_on: model.signed_on,
            signed_year: model.signed_year,
            effective_on: model.effective_on,
            ends_on: model.ends_on,
            aegis_partner_id: model.aegis_partner_id,
            parties: view.parties.iter().map(|p| p.id).collect(),
            city_roles: view.city_roles.clone(),
            domains: view.domains.clone(),
            summary: model.summary.clone(),
            agent_in_charge_id: model.agent_in_charge_id,
            notes: model.notes.clone(),
            evaluation_cadence_months: model.evaluation_cadence_months,
        }
    }

    pub fn apply(&mut self, change: AgreementChange) {
        macro_rules! take { ($($field:ident),*) => { $( if let Some(value) = change.$field { self.$field = value; } )* } }
        take!(
            title,
            signed_on,
            signed_year,
            effective_on,
            ends_on,
            aegis_partner_id,
            parties,
            city_roles,
            domains,
            summary,
            agent_in_charge_id,
            notes,
            evaluation_cadence_months
        );
    }
}
