//! The rules of evaluations: the cadence, which agreements are due, and the sign-off lock.
use std::{cmp::Ordering, collections::HashMap};

use chrono::{DateTime, Months, NaiveDate, Utc};
use uuid::Uuid;

use super::types::DueEvaluation;
use crate::{
    auth::Division,
    domain::agreements::types::{AgreementKind, AgreementStatus},
    error::ApiError,
    i18n::Text,
};

/// The statuses of an agreement in force: those are evaluated.
pub const IN_FORCE: [AgreementStatus; 3] =
    [AgreementStatus::Active, AgreementStatus::Dormant, AgreementStatus::Suspended];

/// Months between evaluations when the agreement sets none.
pub fn default_cadence(kind: AgreementKind) -> i32 {
    match kind {
        AgreementKind::Twinning => 24,
        AgreementKind::NetworkMembership => 36,
        AgreementKind::CooperationConvention
        | AgreementKind::MemorandumOfUnderstanding
        | AgreementKind::FinancingAgreement => 12,
    }
}

/// An agreement in force, as the due list needs it.
#[derive(Clone, Debug)]
pub struct InForce {
    pub agreement_id: Uuid,
    pub title: String,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub division: Division,
    /// The agreement's own cadence (1–120 months, checked when read), if it sets one.
    pub cadence_months: Option<i32>,
}

/// The agreement's evaluation on `as_of`, if it is due: never evaluated, or evaluated last more
/// than a cadence ago (due on the day itself).
pub fn due_on(agreement: InForce, last_evaluated_on: Option<NaiveDate>, as_of: NaiveDate) -> Option<DueEvaluation> {
    let cadence = agreement.cadence_months.unwrap_or_else(|| default_cadence(agreement.kind));
    let next_due_on = last_evaluated_on.and_then(|last| last.checked_add_months(Months::new(cadence.unsigned_abs())));
    if next_due_on.is_some_and(|next| next > as_of) {
        return None;
    }
    Some(DueEvaluation {
        agreement_id: agreement.agreement_id,
        title: agreement.title,
        kind: agreement.kind,
        status: agreement.status,
        division: agreement.division,
        cadence_months: cadence,
        last_evaluated_on,
        next_due_on,
        days_overdue: next_due_on.map(|next| (as_of - next).num_days()),
    })
}

/// The due list: never-evaluated agreements first (by title), then the most overdue (then by title).
pub fn due_list(agreements: Vec<InForce>, latest: &HashMap<Uuid, NaiveDate>, as_of: NaiveDate) -> Vec<DueEvaluation> {
    let mut items: Vec<DueEvaluation> = agreements
        .into_iter()
        .filter_map(|agreement| {
            let last = latest.get(&agreement.agreement_id).copied();
            due_on(agreement, last, as_of)
        })
        .collect();
    items.sort_by(|a, b| match (a.days_overdue, b.days_overdue) {
        (None, None) => a.title.cmp(&b.title),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.title.cmp(&b.title)),
    });
    items
}

/// A signed-off evaluation is read-only: 409 on any change.
pub fn ensure_draft(signed_off_at: Option<DateTime<Utc>>) -> Result<(), ApiError> {
    match signed_off_at {
        None => Ok(()),
        Some(_) => Err(ApiError::conflict(
            "signed_off",
            Text::fixed(
                "Évaluation validée : elle n'est plus modifiable.",
                "Signed-off evaluation: it can no longer change.",
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    fn twinning(title: &str, cadence_months: Option<i32>) -> InForce {
        InForce {
            agreement_id: Uuid::now_v7(),
            title: title.to_owned(),
            kind: AgreementKind::Twinning,
            status: AgreementStatus::Active,
            division: Division::Twinning,
            cadence_months,
        }
    }

    #[test]
    fn each_kind_has_its_default_cadence() {
        let cases = [
            (AgreementKind::Twinning, 24),
            (AgreementKind::NetworkMembership, 36),
            (AgreementKind::CooperationConvention, 12),
            (AgreementKind::MemorandumOfUnderstanding, 12),
            (AgreementKind::FinancingAgreement, 12),
        ];
        for (kind, months) in cases {
            assert_eq!(default_cadence(kind), months, "{kind:?}");
        }
    }

    #[test]
    fn an_agreement_is_due_a_cadence_after_its_last_evaluation_and_on_the_day_itself() {
        let cases = [
            // (last evaluated, own cadence, as of, next due, days overdue; None = not due)
            (Some("2022-01-10"), None, "2026-01-01", Some((Some("2024-01-10"), Some(722)))),
            (Some("2023-06-01"), None, "2025-05-31", None),
            (Some("2023-06-01"), None, "2025-06-01", Some((Some("2025-06-01"), Some(0)))),
            (Some("2022-01-10"), Some(60), "2026-01-01", None),
            (Some("2022-01-10"), Some(60), "2027-02-01", Some((Some("2027-01-10"), Some(22)))),
            (None, None, "2026-01-01", Some((None, None))),
        ];
        for (last, cadence, as_of, expected) in cases {
            let due = due_on(twinning("Leipzig", cadence), last.map(day), day(as_of));
            let got = due.map(|due| (due.next_due_on, due.days_overdue));
            let expected = expected.map(|(next, overdue)| (next.map(day), overdue));
            assert_eq!(got, expected, "{last:?} every {cadence:?} as of {as_of}");
        }
    }

    #[test]
    fn the_due_list_puts_the_never_evaluated_first_then_the_most_overdue() {
        let (never_b, never_a) = (twinning("B never", None), twinning("A never", None));
        let (old, recent, fresh) = (twinning("Old", None), twinning("Recent", None), twinning("Fresh", None));
        let latest = HashMap::from([
            (old.agreement_id, day("2020-01-01")),
            (recent.agreement_id, day("2023-01-01")),
            (fresh.agreement_id, day("2025-12-01")),
        ]);
        let titles: Vec<String> = due_list(vec![recent, never_b, fresh, old, never_a], &latest, day("2026-01-01"))
            .into_iter()
            .map(|due| due.title)
            .collect();
        assert_eq!(titles, ["A never", "B never", "Old", "Recent"]);
    }

    #[test]
    fn a_signed_off_evaluation_is_read_only() {
        assert!(ensure_draft(None).is_ok());
        assert!(ensure_draft(Some(Utc::now())).is_err());
    }
}
