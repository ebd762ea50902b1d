//! The rules of projects that need no database: who writes a project, the status moves, what a
//! project under an agreement must involve, and what a timeline entry holds.
use uuid::Uuid;

use super::types::ProjectStatus::{self, Cancelled, Closed, Finalisation, Implementation, Pipeline, Suspended};
use crate::{
    auth::{CurrentUser, Division, policy::may_write_division},
    error::ApiError,
    i18n::Text,
    validate::{Rules, check_text},
};

/// Agents and division heads write the projects (and funding lines) of their own division, the
/// director every one (`policy::may_write_division`); anyone else is refused.
pub fn ensure_division(user: &CurrentUser, division: Division) -> Result<(), ApiError> {
    if may_write_division(user.role, user.division, division) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// The statuses a project may move to from `from`.
pub fn allowed_moves(from: ProjectStatus) -> &'static [ProjectStatus] {
    match from {
        Pipeline => &[Implementation, Cancelled],
        Implementation => &[Finalisation, Suspended, Cancelled],
        Suspended => &[Implementation, Cancelled],
        Finalisation => &[Closed],
        Closed | Cancelled => &[],
    }
}

/// The move a timeline entry makes: `None` when it asks for none or for the current status, the
/// new status when it is allowed, a 409 listing the allowed ones otherwise.
pub fn check_move(from: ProjectStatus, asked: Option<ProjectStatus>) -> Result<Option<ProjectStatus>, ApiError> {
    let Some(to) = asked.filter(|status| *status != from) else { return Ok(None) };
    crate::domain::status_moves::check_move(from, to, allowed_moves(from), ProjectStatus::as_str, "status")?;
    Ok(Some(to))
}

/// Closed and cancelled projects take no new funding lines.
pub fn is_finished(status: ProjectStatus) -> bool {
    matches!(status, Closed | Cancelled)
}

/// [`is_finished`] for a status as stored.
pub fn is_finished_stored(status: &str) -> Result<bool, ApiError> {
    Ok(is_finished(ProjectStatus::from_stored(status)?))
}

/// A project under an agreement involves at least one of the agreement's partners (`parties`).
pub fn check_agreement_partner(partners: &[Uuid], parties: &[Uuid]) -> Result<(), ApiError> {
    if partners.iter().any(|p| parties.contains(p)) {
        return Ok(());
    }
    Err(ApiError::invalid(
        "participants",
        "agreement_partner_required",
        Text::fixed(
            "Un projet relevant d'un accord doit impliquer au moins un partenaire de cet accord.",
            "A project under an agreement must involve at least one of the agreement's partners.",
        ),
    ))
}

/// Whether the agent in charge must be checked against the division: when either is new. One
/// named before the rule existed stays while neither changes.
pub fn agent_to_check(before: (Option<Uuid>, Division), after: (Option<Uuid>, Division)) -> bool {
    before != after
}

/// A timeline entry's note (1 to 4000 characters) and progress (0 to 100).
pub fn check_report(note: &str, progress: Option<i32>) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    check_text(&mut rules, "note", note, 1, 4000);
    if let Some(progress) = progress {
        rules.range("progress", i64::from(progress), 0, 100);
    }
    rules.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_moves_are_those_of_the_issue() {
        let count: usize = ProjectStatus::ALL.iter().map(|s| allowed_moves(*s).len()).sum();
        assert_eq!(count, 8);
        let cases = [
            (Pipeline, Implementation, true),
            (Pipeline, Cancelled, true),
            (Pipeline, Closed, false),
            (Implementation, Suspended, true),
            (Suspended, Implementation, true),
            (Finalisation, Closed, true),
            (Finalisation, Implementation, false),
            (Closed, Implementation, false),
            (Cancelled, Pipeline, false),
        ];
        for (from, to, allowed) in cases {
            assert_eq!(check_move(from, Some(to)).is_ok(), allowed, "{from:?} → {to:?}");
        }
    }

    #[test]
    fn asking_for_the_current_status_or_none_moves_nothing() {
        assert_eq!(check_move(Closed, Some(Closed)).ok(), Some(None));
        assert_eq!(check_move(Pipeline, None).ok(), Some(None));
        assert_eq!(check_move(Pipeline, Some(Implementation)).ok(), Some(Some(Implementation)));
    }

    #[test]
    fn a_refused_move_names_the_allowed_ones() {
        match check_move(Implementation, Some(Closed)) {
            Err(ApiError::Conflict { code, extra, .. }) => {
                assert_eq!(code, "invalid_transition");
                assert_eq!(extra["allowed"], serde_json::json!(["finalisation", "suspended", "cancelled"]));
            }
            other => panic!("expected a conflict, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn only_closed_and_cancelled_projects_are_finished() {
        for status in ProjectStatus::ALL {
            assert_eq!(is_finished(status), matches!(status, Closed | Cancelled), "{status:?}");
        }
        assert!(is_finished_stored("closed").is_ok_and(|finished| finished));
        assert!(is_finished_stored("unknown").is_err());
    }

    #[test]
    fn a_project_under_an_agreement_involves_one_of_its_partners() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let cases: [(&[Uuid], &[Uuid], bool); 4] =
            [(&[a], &[a, b], true), (&[c, b], &[a, b], true), (&[c], &[a, b], false), (&[a], &[], false)];
        for (partners, parties, expected) in cases {
            assert_eq!(check_agreement_partner(partners, parties).is_ok(), expected, "{partners:?} {parties:?}");
        }
    }

    #[test]
    fn the_agent_in_charge_is_checked_when_it_or_the_division_changes() {
        use Division::{DecentralizedCooperation as Dc, Twinning as Tw};
        let agent = Some(Uuid::now_v7());
        assert!(!agent_to_check((agent, Dc), (agent, Dc)));
        assert!(agent_to_check((agent, Dc), (agent, Tw)));
        assert!(agent_to_check((None, Dc), (agent, Dc)));
    }

    #[test]
    fn a_report_needs_a_note_and_a_progress_within_bounds() {
        assert!(check_report("Travaux lancés.", Some(15)).is_ok());
        assert!(check_report("", None).is_err());
        assert!(check_report("ok", Some(101)).is_err());
        assert!(check_report("ok", Some(-1)).is_err());
    }
}
