//! The editable state of a project, checked as a whole before anything is written.
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::types::{Commune, ParticipantRole, ProjectResponse};
use crate::{
    auth::Division,
    domain::money::{Money, parse_money},
    error::ApiError,
    i18n::Text,
    validate::{Rules, check_count, check_text},
};

/// A partner to involve, with the roles the request sent.
pub struct Participation {
    pub partner_id: Uuid,
    pub roles: Vec<ParticipantRole>,
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

/// A change to a project: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Default)]
pub struct ProjectChange {
    pub title: Option<String>,
    pub summary: Option<Option<String>>,
    pub internal_notes: Option<Option<String>>,
    pub agreement_id: Option<Option<Uuid>>,
    pub division: Option<Division>,
    pub agent_in_charge_id: Option<Option<Uuid>>,
    pub domains: Option<Vec<String>>,
    pub communes: Option<Vec<Commune>>,
    pub planned_start: Option<Option<NaiveDate>>,
    pub planned_end: Option<Option<NaiveDate>>,
    pub actual_start: Option<Option<NaiveDate>>,
    pub actual_end: Option<Option<NaiveDate>>,
    pub budget: Option<Option<Money>>,
    pub participants: Option<Vec<Participation>>,
}

impl ProjectFields {
    /// The fields of a stored project. Built from its view rather than its row: the view is loaded
    /// anyway (it is the audit's `before`) and carries the links, already read with `from_stored`.
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

    /// Replaces the participants with those a request sent (their role counts go to `validate`).
    pub fn set_participants(&mut self, sent: &[Participation]) {
        self.participants = sent.iter().flat_map(|p| p.roles.iter().map(move |role| (p.partner_id, *role))).collect();
        self.sent_roles = Some(sent.iter().map(|p| p.roles.len()).collect());
    }

    pub fn apply(&mut self, change: ProjectChange) {
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
            self.set_participants(&participants);
        }
    }

    /// The partners involved, each once.
    pub fn partners(&self) -> Vec<Uuid> {
        let mut partners: Vec<Uuid> = self.participants.iter().map(|(partner, _)| *partner).collect();
        partners.dedup();
        partners
    }

    /// The year the project is filed under.
    pub fn start_year(&self, created: DateTime<Utc>) -> i32 {
        self.actual_start.or(self.planned_start).map_or(created.year(), |d| d.year())
    }

    /// Every rule that needs no database; references are checked by the service.
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
            Some(budget) => {
                parse_money(&mut rules, ("budget.amount", "budget.currency"), &budget.amount, &budget.currency)
            }
            None => None,
        };
        rules.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ProjectFields {
        let mut fields = ProjectFields {
            title: "  Forages  ".to_owned(),
            summary: None,
            internal_notes: None,
            agreement_id: None,
            division: Division::Twinning,
            agent_in_charge_id: None,
            domains: vec!["water".to_owned(), "health".to_owned(), "water".to_owned()],
            communes: vec![Commune::District, Commune::CommuneV],
            planned_start: NaiveDate::from_ymd_opt(2026, 1, 15),
            planned_end: NaiveDate::from_ymd_opt(2027, 6, 30),
            actual_start: None,
            actual_end: None,
            budget: Some(Money { amount: "1500.50".to_owned(), currency: "EUR".to_owned() }),
            participants: Vec::new(),
            sent_roles: None,
            budget_minor: None,
        };
        let partner = Uuid::now_v7();
        let roles = vec![ParticipantRole::Implementing, ParticipantRole::Funding];
        fields.set_participants(&[Participation { partner_id: partner, roles }]);
        fields
    }

    #[test]
    fn validation_trims_sorts_and_reads_the_budget_in_minor_units() {
        let mut fields = fields();
        assert!(fields.validate().is_ok());
        assert_eq!(fields.title, "Forages");
        assert_eq!(fields.domains, ["health", "water"]);
        assert_eq!(fields.communes, [Commune::CommuneV, Commune::District]);
        assert_eq!(
            fields.participants.iter().map(|(_, role)| *role).collect::<Vec<_>>(),
            [ParticipantRole::Funding, ParticipantRole::Implementing]
        );
        assert_eq!(fields.budget_minor, Some(150_050));
        assert_eq!(fields.partners().len(), 1);
    }

    #[test]
    fn an_end_before_its_start_or_a_participant_without_roles_is_refused() {
        let mut ends_early = fields();
        ends_early.planned_end = NaiveDate::from_ymd_opt(2025, 1, 1);
        assert!(ends_early.validate().is_err());
        let mut no_roles = fields();
        no_roles.set_participants(&[Participation { partner_id: Uuid::now_v7(), roles: Vec::new() }]);
        assert!(no_roles.validate().is_err());
    }

    #[test]
    fn a_change_keeps_absent_fields_and_clears_null_ones() {
        let mut fields = fields();
        fields.apply(ProjectChange {
            title: Some("Bornes-fontaines".to_owned()),
            planned_end: Some(None),
            ..Default::default()
        });
        assert_eq!((fields.title.as_str(), fields.planned_end), ("Bornes-fontaines", None));
        assert_eq!(fields.division, Division::Twinning);
        assert!(fields.budget.is_some());
    }
}
