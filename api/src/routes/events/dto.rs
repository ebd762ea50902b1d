//! Bodies of the `/events` routes. The event itself (content, kind, view) is
//! `domain::events::types`; its view and kind are re-exported here for the OpenAPI document.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::events::types::{EventResponse, PartnershipEventKind};
use crate::{
    auth::Division,
    domain::events::{store::EventFilter, types::EventFields},
    validate::SearchParam,
    vocabulary::CodeSet,
};

crate::code_list! {
    /// The order of a list of events: a field, prefixed with `-` for descending.
    pub enum EventSort {
        Upcoming = "upcoming",
        UpcomingDescending = "-upcoming",
        Title = "title",
        TitleDescending = "-title",
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
        UpdatedAt = "updated_at",
        UpdatedAtDescending = "-updated_at",
    }
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
    /// One or more kinds, comma-separated (`round_table,signing`).
    #[param(inline, style = Form, explode = false)]
    pub kind: Option<CodeSet<PartnershipEventKind>>,
    /// One or more divisions, comma-separated (events of the whole DJCD have none).
    #[param(inline, style = Form, explode = false)]
    pub division: Option<CodeSet<Division>>,
    /// A partner taking part in or organising the event.
    pub partner: Option<Uuid>,
    /// Free text in the title, place, minutes and decisions, accents and case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `upcoming` (upcoming events soonest first, then past ones most recent first; the default),
    /// `title`, `created_at` or `updated_at`; prefix `-` for descending.
    #[param(inline, example = "upcoming")]
    pub sort: Option<EventSort>,
    #[serde(default)]
    pub include_archived: bool,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    #[param(max_length = 2048, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

impl ListEventsQuery {
    /// The list's filters, for the store.
    pub fn filter(&self) -> Result<EventFilter<'_>, crate::error::ApiError> {
        Ok(EventFilter {
            from: self.from,
            to: self.to,
            kind: CodeSet::of(&self.kind, "kind")?,
            division: CodeSet::of(&self.division, "division")?,
            sort: self.sort.map(EventSort::as_str),
            partner: self.partner,
            q: self.q.as_deref(),
            include_archived: self.include_archived,
        })
    }
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

impl From<EventInput> for EventFields {
    fn from(input: EventInput) -> Self {
        Self {
            kind: input.kind,
            title: input.title,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            place: input.place,
            organiser_partner_id: input.organiser_partner_id,
            division: input.division,
            partners: input.partners,
            staff: input.staff,
            agreements: input.agreements,
            projects: input.projects,
            minutes: input.minutes,
            decisions: input.decisions,
        }
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
    #[schema(format = "currency", example = "XOF")]
    pub currency: Option<String>,
    /// The day of the pledge; the round table's first day when absent.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub pledged_on: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 100)]
    pub reference: Option<String>,
}
