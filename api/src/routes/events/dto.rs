//! Bodies of the `/events` routes.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    error::ApiError,
    i18n::Text,
    routes::agreements::dto::PartnerRef,
    validate::{Rules, SearchParam, check_text},
};

crate::code_list! {
    /// The kind of event.
    pub enum PartnershipEventKind as "event_kind" {
        /// A round table of technical and financial partners (table ronde des PTF).
        RoundTable = "round_table" ("Table ronde des PTF", "Round table of technical and financial partners"),
        DelegationVisit = "delegation_visit" ("Visite de délégation", "Delegation visit"),
        YouthExchange = "youth_exchange" ("Échange de jeunes", "Youth exchange"),
        Signing = "signing" ("Signature", "Signing"),
        /// A general assembly of a network of local governments.
        GeneralAssembly = "general_assembly" ("Assemblée générale", "General assembly"),
        Other = "other" ("Autre", "Other"),
    }
}

/// An event.
#[derive(Serialize, ToSchema)]
pub struct EventResponse {
    pub id: Uuid,
    pub kind: PartnershipEventKind,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub organiser: Option<PartnerRef>,
    /// The division whose staff write it; `null` for an event of the whole DJCD, which only the
    /// director writes.
    pub division: Option<crate::auth::Division>,
    /// Partners taking part.
    pub partners: Vec<PartnerRef>,
    /// Staff taking part (account ids).
    pub staff: Vec<Uuid>,
    pub agreements: Vec<Uuid>,
    pub projects: Vec<Uuid>,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A page of events: upcoming ones first (soonest first), then past ones (most recent first).
#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventResponse>,
    pub next_cursor: Option<String>,
    pub total: Option<u64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListEventsQuery {
    /// Events starting on or after this day.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub from: Option<NaiveDate>,
    /// Events starting on or before this day.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub to: Option<NaiveDate>,
    pub kind: Option<PartnershipEventKind>,
    /// A partner taking part in or organising the event.
    pub partner: Option<Uuid>,
    /// Free text in the title, place, minutes and decisions, accents and case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    #[serde(default)]
    pub include_archived: bool,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    #[param(max_length = 512, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// A new event, or the full replacement of one.
#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "round_table", "title": "Table ronde des PTF 2027", "starts_on": "2027-03-15", "ends_on": "2027-03-16",
    "place": "Hôtel de ville, Bamako", "partners": ["0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e"], "staff": [], "agreements": [], "projects": []
}))]
pub struct EventInput {
    pub kind: PartnershipEventKind,
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[serde(deserialize_with = "crate::validate::plausible_date::required")]
    pub starts_on: NaiveDate,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub ends_on: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 200)]
    pub place: Option<String>,
    pub organiser_partner_id: Option<Uuid>,
    /// The division whose staff write it. Division heads and agents may give only their own, and
    /// get it when they give none; the director may give either, or none for an event of the whole
    /// DJCD.
    pub division: Option<crate::auth::Division>,
    #[serde(default)]
    #[schema(max_items = 200)]
    pub partners: Vec<Uuid>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub staff: Vec<Uuid>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub agreements: Vec<Uuid>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub projects: Vec<Uuid>,
    #[schema(min_length = 1, max_length = 20000)]
    pub minutes: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub decisions: Option<String>,
}

impl EventInput {
    pub fn validate(&mut self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        self.title = self.title.trim().to_owned();
        check_text(&mut rules, "title", &self.title, 1, 300);
        if let Some(place) = &self.place {
            check_text(&mut rules, "place", place, 1, 200);
        }
        for (field, text) in [("minutes", &self.minutes), ("decisions", &self.decisions)] {
            if let Some(text) = text {
                check_text(&mut rules, field, text, 1, 20000);
            }
        }
        if let Some(end) = self.ends_on
            && end < self.starts_on
        {
            rules.fail("ends_on", "order", Text::fixed("La fin précède le début.", "The end comes before the start."));
        }
        for list in [&mut self.partners, &mut self.staff, &mut self.agreements, &mut self.projects] {
            list.sort();
            list.dedup();
        }
        if self.partners.len() > 200
            || self.staff.len() > 100
            || self.agreements.len() > 100
            || self.projects.len() > 100
        {
            rules.fail("body", "too_many", Text::fixed("Trop d'éléments dans une liste.", "Too many items in a list."));
        }
        rules.finish()
    }
}

/// A pledge announced at a round table.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"project_id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "partner_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "amount": "50000000", "currency": "XOF"}))]
pub struct CreatePledge {
    pub project_id: Uuid,
    /// The PTF: it must take part in the project with the `funding` role.
    pub partner_id: Uuid,
    /// A positive decimal as text, with no more decimals than the currency has.
    #[schema(format = "amount", example = "50000000")]
    pub amount: String,
    /// ISO 4217; `XOF` when absent.
    #[schema(format = "currency", default = "XOF", example = "XOF")]
    pub currency: Option<String>,
    /// The day of the pledge; the round table's first day when absent.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub pledged_on: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 100)]
    pub reference: Option<String>,
}
