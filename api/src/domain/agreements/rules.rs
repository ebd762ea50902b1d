//! The rules of agreements that need no database: which status moves exist, the reason a move
//! needs, and the checks of the editable fields. Who may make a move is `auth::policy`'s
//! `may_move_agreement`.
use chrono::Datelike;

use super::types::{
    AgreementFields,
    AgreementStatus::{self, Active, Dormant, Ended, InGestation, Suspended},
};
use crate::{
    error::ApiError,
    i18n::Text,
    validate::{FIRST_YEAR, LAST_YEAR, Rules, check_count, check_text},
};

/// The statuses reachable from `from`.
pub fn allowed_moves(from: AgreementStatus) -> &'static [AgreementStatus] {
    match from {
        InGestation => &[Active, Ended],
        Active => &[Dormant, Suspended, Ended],
        Dormant => &[Active, Suspended, Ended],
        Suspended => &[Active, Ended],
        Ended => &[],
    }
}

/// A move that binds nobody: an agreement falling dormant or revived. The others (signing,
/// suspending, ending) are decisions of the city.
pub fn is_routine_move(from: AgreementStatus, to: AgreementStatus) -> bool {
    matches!((from, to), (Active, Dormant) | (Dormant, Active))
}

/// A 409 listing the allowed moves when `from → to` is not one of them.
pub fn check_move(from: AgreementStatus, to: AgreementStatus) -> Result<(), ApiError> {
    crate::domain::status_moves::check_move(from, to, allowed_moves(from), AgreementStatus::as_str, "to")
}

/// A move's reason: required, at most 2000 characters; kept without surrounding spaces.
pub fn check_reason(reason: &str) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    check_text(&mut rules, "reason", reason, 1, 2000);
    rules.finish()
}

impl AgreementFields {
    /// Every rule of the fields that needs no database, reported together; the references
    /// (partners, domains, staff) are the store's. Normalises the title, the signing year (from the
    /// date), and the lists (sorted, without repeats).
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
        self.check_city_roles(&mut rules);
        self.domains.sort();
        self.domains.dedup();
        rules.finish()
    }

    fn check_city_roles(&self, rules: &mut Rules) {
        for (index, role) in self.city_roles.iter().enumerate() {
            check_text(rules, &format!("city_roles[{index}].role"), &role.role, 1, 60);
            if let Some(label) = &role.label {
                check_text(rules, &format!("city_roles[{index}].label"), label, 1, 200);
            }
            for (name, year) in [("from_year", role.from_year), ("to_year", role.to_year)] {
                if let Some(year) = year {
                    let field = format!("city_roles[{index}].{name}");
                    rules.range(&field, i64::from(year), i64::from(FIRST_YEAR), i64::from(LAST_YEAR));
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
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use uuid::Uuid;

    use super::*;
    use crate::domain::agreements::types::CityRole;

    #[test]
    fn the_moves_are_those_of_the_issue() {
        let moves: Vec<(AgreementStatus, AgreementStatus)> = AgreementStatus::ALL
            .iter()
            .flat_map(|from| allowed_moves(*from).iter().map(move |to| (*from, *to)))
            .collect();
        assert_eq!(moves.len(), 10);
        assert!(moves.contains(&(InGestation, Active)));
        assert!(!moves.contains(&(Ended, Active)));
        assert!(!moves.contains(&(InGestation, Dormant)));
        for (from, to) in moves {
            assert!(check_move(from, to).is_ok(), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn a_move_that_does_not_exist_is_a_conflict_listing_the_allowed_ones() {
        match check_move(InGestation, Dormant) {
            Err(ApiError::Conflict { code: "invalid_transition", extra, .. }) => {
                assert_eq!(extra["from"], "in_gestation");
                assert_eq!(extra["allowed"], serde_json::json!(["active", "ended"]));
            }
            other => panic!("not the conflict: {other:?}"),
        }
    }

    #[test]
    fn only_falling_dormant_and_reviving_are_routine() {
        let cases = [
            (Active, Dormant, true),
            (Dormant, Active, true),
            (InGestation, Active, false),
            (Active, Suspended, false),
            (Suspended, Active, false),
            (Dormant, Ended, false),
        ];
        for (from, to, routine) in cases {
            assert_eq!(is_routine_move(from, to), routine, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn a_move_needs_a_reason() {
        assert!(check_reason("Aucune activité depuis 2019.").is_ok());
        assert!(check_reason("").is_err());
        assert!(check_reason(&"x".repeat(2001)).is_err());
    }

    fn fields() -> AgreementFields {
        let party = Uuid::now_v7();
        AgreementFields {
            title: " Jumelage Bamako – Ségou ".into(),
            signed_on: NaiveDate::from_ymd_opt(1974, 5, 2),
            signed_year: None,
            effective_on: None,
            ends_on: None,
            aegis_partner_id: None,
            parties: vec![party, party],
            city_roles: Vec::new(),
            domains: Vec::new(),
            summary: None,
            agent_in_charge_id: None,
            notes: None,
            evaluation_cadence_months: None,
        }
    }

    #[test]
    fn the_signing_year_follows_the_date_and_the_lists_are_deduplicated() {
        let mut fields = fields();
        fields.validate().expect("valid");
        assert_eq!(
            (fields.title.as_str(), fields.signed_year, fields.parties.len()),
            ("Jumelage Bamako – Ségou", Some(1974), 1)
        );
    }

    /// Breaks one rule of valid fields.
    type Breaker = fn(&mut AgreementFields);

    fn role(from_year: Option<i32>, to_year: Option<i32>) -> CityRole {
        CityRole { role: "member".into(), label: None, from_year, to_year }
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let cases: [(Breaker, &str); 7] = [
            (|f| f.title = String::new(), "title"),
            (|f| f.signed_year = Some(1975), "signed_year"),
            (|f| f.parties.clear(), "parties"),
            (|f| f.evaluation_cadence_months = Some(0), "evaluation_cadence_months"),
            (|f| (f.effective_on, f.ends_on) = (f.signed_on, NaiveDate::from_ymd_opt(1970, 1, 1)), "ends_on"),
            (|f| f.city_roles = vec![role(Some(2004), Some(2003))], "city_roles[0].to_year"),
            (|f| f.city_roles = vec![role(Some(1800), None)], "city_roles[0].from_year"),
        ];
        for (break_it, field) in cases {
            let mut broken = fields();
            break_it(&mut broken);
            match broken.validate() {
                Err(ApiError::Validation(errors)) => {
                    assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), [field]);
                }
                other => panic!("{field}: not a 422: {other:?}"),
            }
        }
    }
}
