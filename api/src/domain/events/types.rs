//! The event as the domain holds it: its editable content ([`EventFields`]), its kind, and its
//! view as the API shows it.
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Division,
    domain::partners::types::PartnerRef,
    error::ApiError,
    i18n::Text,
    validate::{Rules, check_text},
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

/// The content of an event, as written on creation and replaced by `PUT`.
#[derive(Clone, Debug)]
pub struct EventFields {
    pub kind: PartnershipEventKind,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub organiser_partner_id: Option<Uuid>,
    /// `None`: an event of the whole DJCD.
    pub division: Option<Division>,
    pub partners: Vec<Uuid>,
    pub staff: Vec<Uuid>,
    pub agreements: Vec<Uuid>,
    pub projects: Vec<Uuid>,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
}

impl EventFields {
    /// Normalises (trimmed title, sorted links without duplicates), then reports every broken rule
    /// at once (422).
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
        let lists = [
            ("partners", self.partners.len(), 200),
            ("staff", self.staff.len(), 100),
            ("agreements", self.agreements.len(), 100),
            ("projects", self.projects.len(), 100),
        ];
        for (field, len, max) in lists {
            if len > max {
                rules.fail(
                    field,
                    "too_many",
                    Text::new(format!("{max} éléments au plus."), format!("At most {max} items.")),
                );
            }
        }
        rules.finish()
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
