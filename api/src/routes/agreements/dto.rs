//! Bodies of the `/agreements` routes.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::{
    agreements::types::{AgreementKind, AgreementResponse, AgreementStatus, CityRole, StatusChangeResponse},
    partners::types::PartnerRef,
};
use crate::{
    auth::Division,
    domain::agreements::{
        store::AgreementFilter,
        types::{AgreementChange, AgreementFields},
    },
    validate::{CodeParam, PersonParam, SearchParam},
    vocabulary::CodeSet,
};

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
    /// One or more kinds, comma-separated.
    #[param(inline, style = Form, explode = false)]
    pub kind: Option<CodeSet<AgreementKind>>,
    /// One or more statuses, comma-separated (`negotiation,active`).
    #[param(inline, style = Form, explode = false)]
    pub status: Option<CodeSet<AgreementStatus>>,
    /// One or more divisions, comma-separated.
    #[param(inline, style = Form, explode = false)]
    pub division: Option<CodeSet<Division>>,
    /// The agent in charge: `me` (the caller) or an account's id.
    #[param(inline)]
    pub agent_in_charge: Option<PersonParam>,
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

/// The moves of an agreement's status, oldest first.
#[derive(Serialize, ToSchema)]
pub struct StatusChangeList {
    pub items: Vec<StatusChangeResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// The number of matching moves, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of an agreement's status moves: `changed_at`, prefixed with `-` for descending.
    pub enum StatusChangeSort {
        ChangedAt = "changed_at",
        ChangedAtDescending = "-changed_at",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListStatusChangesQuery {
    /// Moves to one or more statuses, comma-separated.
    #[param(inline, style = Form, explode = false)]
    pub to: Option<CodeSet<AgreementStatus>>,
    /// Free text in the reason, case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `changed_at` (oldest first; the default) or `-changed_at`.
    #[param(inline, example = "-changed_at")]
    pub sort: Option<StatusChangeSort>,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl ListAgreementsQuery {
    /// The query's filters, for the store.
    /// The filters of the query, `me` being `caller`; 422 for an unknown code in a multi-value filter.
    pub fn filter(&self, caller: Uuid) -> Result<AgreementFilter<'_>, crate::error::ApiError> {
        Ok(AgreementFilter {
            include_archived: self.include_archived,
            kind: CodeSet::of(&self.kind, "kind")?,
            status: CodeSet::of(&self.status, "status")?,
            division: CodeSet::of(&self.division, "division")?,
            agent_in_charge: self.agent_in_charge.map(|agent| agent.resolve(caller)),
            domain: self.domain.as_ref().map(CodeParam::as_str),
            partner: self.partner,
            year_from: self.year_from,
            year_to: self.year_to,
            q: self.q.as_deref(),
        })
    }
}

impl CreateAgreement {
    /// The kind (fixed from now on) and the editable fields.
    pub fn into_fields(self) -> (AgreementKind, AgreementFields) {
        (
            self.kind,
            AgreementFields {
                title: self.title,
                signed_on: self.signed_on,
                signed_year: self.signed_year,
                effective_on: self.effective_on,
                ends_on: self.ends_on,
                aegis_partner_id: self.aegis_partner_id,
                parties: self.parties,
                city_roles: self.city_roles,
                domains: self.domains,
                summary: self.summary,
                agent_in_charge_id: self.agent_in_charge_id,
                notes: self.notes,
                evaluation_cadence_months: self.evaluation_cadence_months,
            },
        )
    }
}

impl From<UpdateAgreement> for AgreementChange {
    fn from(body: UpdateAgreement) -> Self {
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
        }
    }
}
