//! Bodies of the `/agreements` routes.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::status::AgreementStatus;
use crate::{
    auth::Division,
    error::ApiError,
    i18n::Text,
    routes::partners::dto::PartnerKind,
    validate::{CodeParam, FIRST_YEAR, LAST_YEAR, Rules, SearchParam, check_count, check_text},
};

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

/// A partner, as named in an agreement.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PartnerRef {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub kind: PartnerKind,
}

/// An agreement.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "kind": "twinning", "title": "Jumelage Bamako – Angers",
    "division": "twinning", "status": "active", "signed_on": null, "signed_year": 1974, "effective_on": null, "ends_on": null,
    "aegis_partner": null, "parties": [{"id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "name": "Angers", "country": "FR", "kind": "city"}],
    "city_roles": [], "domains": ["education"], "summary": null, "agent_in_charge_id": null, "notes": null,
    "source": "Seed document", "archived": false, "created_at": "2026-11-27T10:00:00Z", "updated_at": "2026-11-27T10:00:00Z"
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
    /// Months between evaluations; absent for the kind's default (twinnings 24, networks 36, others 12).
    pub evaluation_cadence_months: Option<i32>,
    pub agent_in_charge_id: Option<Uuid>,
    /// Remarks, e.g. where the sources disagree.
    pub notes: Option<String>,
    pub source: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A page of agreements.
#[derive(Serialize, ToSchema)]
pub struct AgreementList {
    pub items: Vec<AgreementResponse>,
    pub next_cursor: Option<String>,
    /// The number of matching agreements, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of a list of agreements: a field, prefixed with `-` for descending.
    pub enum AgreementSort {
        Title = "title",
        TitleDescending = "-title",
        SignedYear = "signed_year",
        SignedYearDescending = "-signed_year",
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
        UpdatedAt = "updated_at",
        UpdatedAtDescending = "-updated_at",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListAgreementsQuery {
    pub kind: Option<AgreementKind>,
    pub status: Option<AgreementStatus>,
    pub division: Option<Division>,
    /// A domain code.
    #[param(inline)]
    pub domain: Option<CodeParam>,
    /// A partner party to the agreement.
    pub partner: Option<Uuid>,
    /// Signed in or after this year.
    #[param(minimum = 1900, maximum = 2100)]
    pub year_from: Option<i32>,
    /// Signed in or before this year.
    #[param(minimum = 1900, maximum = 2100)]
    pub year_to: Option<i32>,
    /// Free text in the title, summary and notes, accents and case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `title`, `signed_year`, `created_at` or `updated_at`; prefix `-` for descending. `title` by
    /// default.
    #[param(inline, example = "-signed_year")]
    pub sort: Option<AgreementSort>,
    #[serde(default)]
    pub include_archived: bool,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A new agreement. It starts `in_gestation`; signing it is a status change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "twinning", "title": "Jumelage Bamako – Ségou", "parties": ["0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e"],
    "domains": ["youth_exchange"], "summary": "Échanges de jeunes et formation."
}))]
pub struct CreateAgreement {
    pub kind: AgreementKind,
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub signed_on: Option<NaiveDate>,
    #[schema(minimum = 1900, maximum = 2100)]
    #[serde(default, deserialize_with = "crate::http::extract::lenient::option_i32")]
    pub signed_year: Option<i32>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub effective_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub ends_on: Option<NaiveDate>,
    pub aegis_partner_id: Option<Uuid>,
    /// The partners party to it (existing, unarchived): at least one.
    #[schema(min_items = 1, max_items = 20)]
    pub parties: Vec<Uuid>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub city_roles: Vec<CityRole>,
    /// Codes of existing, unarchived domains.
    #[serde(default)]
    #[schema(format = "code", max_items = 20)]
    pub domains: Vec<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: Option<String>,
    pub agent_in_charge_id: Option<Uuid>,
    #[schema(min_length = 1, max_length = 5000)]
    pub notes: Option<String>,
    /// Months between evaluations (1 to 120); the kind's default when absent.
    #[schema(minimum = 1, maximum = 120)]
    #[serde(default, deserialize_with = "crate::http::extract::lenient::option_i32")]
    pub evaluation_cadence_months: Option<i32>,
}

/// Changes to an agreement; absent fields keep their value, `null` clears an optional one. The
/// status changes through `POST …/status-changes`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"summary": "Coopération relancée en 2026 : formation des agents municipaux."}))]
pub struct UpdateAgreement {
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::nullable")]
    #[schema(nullable)]
    pub signed_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::http::extract::lenient::double_option_i32")]
    #[schema(minimum = 1900, maximum = 2100, nullable)]
    pub signed_year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::nullable")]
    #[schema(nullable)]
    pub effective_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::nullable")]
    #[schema(nullable)]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(nullable)]
    pub aegis_partner_id: Option<Option<Uuid>>,
    #[schema(min_items = 1, max_items = 20)]
    pub parties: Option<Vec<Uuid>>,
    #[schema(max_items = 20)]
    pub city_roles: Option<Vec<CityRole>>,
    #[schema(format = "code", max_items = 20)]
    pub domains: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 5000, nullable)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(nullable)]
    pub agent_in_charge_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 5000, nullable)]
    pub notes: Option<Option<String>>,
    /// `null` returns to the kind's default.
    #[serde(default, deserialize_with = "crate::http::extract::lenient::double_option_i32")]
    #[schema(minimum = 1, maximum = 120, nullable)]
    pub evaluation_cadence_months: Option<Option<i32>>,
}

/// The editable fields of an agreement, checked together.
#[derive(Clone)]
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

impl AgreementFields {
    pub fn from_create(body: CreateAgreement) -> (AgreementKind, Self) {
        (
            body.kind,
            Self {
                title: body.title,
                signed_on: body.signed_on,
                signed_year: body.signed_year,
                effective_on: body.effective_on,
                ends_on: body.ends_on,
                aegis_partner_id: body.aegis_partner_id,
                parties: body.parties,
                city_roles: body.city_roles,
                domains: body.domains,
                summary: body.summary,
                agent_in_charge_id: body.agent_in_charge_id,
                notes: body.notes,
                evaluation_cadence_months: body.evaluation_cadence_months,
            },
        )
    }

    pub fn from_current(current: &AgreementResponse) -> Self {
        Self {
            title: current.title.clone(),
            signed_on: current.signed_on,
            signed_year: current.signed_year,
            effective_on: current.effective_on,
            ends_on: current.ends_on,
            aegis_partner_id: current.aegis_partner.as_ref().map(|p| p.id),
            parties: current.parties.iter().map(|p| p.id).collect(),
            city_roles: current.city_roles.clone(),
            domains: current.domains.clone(),
            summary: current.summary.clone(),
            agent_in_charge_id: current.agent_in_charge_id,
            notes: current.notes.clone(),
            evaluation_cadence_months: current.evaluation_cadence_months,
        }
    }

    pub fn apply(&mut self, change: UpdateAgreement) {
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

    /// The rules that need no database; references are checked by the handler.
    pub fn validate(&mut self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        check_text(&mut rules, "title", &self.title, 1, 300);
        self.title = self.title.trim().to_owned();
        for (field, value) in [("summary", &self.summary), ("notes", &self.notes)] {
            if let Some(value) = value {
                check_text(&mut rules, field, value, 1, 5000);
            }
        }
        if let Some(months) = self.evaluation_cadence_months {
            rules.range("evaluation_cadence_months", i64::from(months), 1, 120);
        }
        if let Some(year) = self.signed_year {
            rules.range("signed_year", i64::from(year), i64::from(FIRST_YEAR), i64::from(LAST_YEAR));
        }
        if let Some(date) = self.signed_on {
            use chrono::Datelike;
            match self.signed_year {
                None => self.signed_year = Some(date.year()),
                Some(year) if year != date.year() => rules.fail(
                    "signed_year",
                    "mismatch",
                    Text::fixed(
                        "L'année ne correspond pas à la date de signature.",
                        "The year does not match the signing date.",
                    ),
                ),
                Some(_) => {}
            }
        }
        if let (Some(start), Some(end)) = (self.effective_on, self.ends_on)
            && end < start
        {
            rules.fail("ends_on", "order", Text::fixed("La fin précède le début.", "The end comes before the start."));
        }
        check_count(&mut rules, "parties", self.parties.len(), 1, 20);
        check_count(&mut rules, "city_roles", self.city_roles.len(), 0, 20);
        check_count(&mut rules, "domains", self.domains.len(), 0, 20);
        self.parties.sort();
        self.parties.dedup();
        for (index, role) in self.city_roles.iter().enumerate() {
            check_text(&mut rules, &format!("city_roles[{index}].role"), &role.role, 1, 60);
            if let Some(label) = &role.label {
                check_text(&mut rules, &format!("city_roles[{index}].label"), label, 1, 200);
            }
            for (name, year) in [("from_year", role.from_year), ("to_year", role.to_year)] {
                if let Some(year) = year {
                    rules.range(
                        &format!("city_roles[{index}].{name}"),
                        i64::from(year),
                        i64::from(FIRST_YEAR),
                        i64::from(LAST_YEAR),
                    );
                }
            }
            if let (Some(from), Some(to)) = (role.from_year, role.to_year)
                && to < from
            {
                rules.fail(
                    &format!("city_roles[{index}].to_year"),
                    "order",
                    Text::fixed("La fin précède le début.", "The end comes before the start."),
                );
            }
        }
        self.domains.sort();
        self.domains.dedup();
        rules.finish()
    }
}

/// A move of the status.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "dormant", "reason": "Aucune activité depuis 2019 ; relance à prévoir."}))]
pub struct ChangeStatus {
    /// The new status.
    pub to: AgreementStatus,
    /// Why: required, kept in the history.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// One recorded move of an agreement's status.
#[derive(Serialize, ToSchema)]
pub struct StatusChangeResponse {
    pub id: Uuid,
    pub from_status: Option<AgreementStatus>,
    pub to_status: AgreementStatus,
    pub reason: String,
    /// Who made it; absent for records loaded from the seed.
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

impl From<entity::agreement_status_change::Model> for StatusChangeResponse {
    fn from(model: entity::agreement_status_change::Model) -> Self {
        Self {
            id: model.id,
            from_status: model.from_status.as_deref().and_then(AgreementStatus::parse),
            to_status: AgreementStatus::parse(&model.to_status).unwrap_or(AgreementStatus::InGestation),
            reason: model.reason,
            changed_by: model.changed_by,
            changed_at: model.changed_at,
        }
    }
}

/// The moves of an agreement's status, oldest first.
#[derive(Serialize, ToSchema)]
pub struct StatusChangeList {
    pub items: Vec<StatusChangeResponse>,
}
