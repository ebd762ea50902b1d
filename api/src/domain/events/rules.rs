//! The rules of events: the division an event gets, the order of the list, and the round tables
//! that take pledges.
use chrono::{Datelike, NaiveDate};

use super::types::PartnershipEventKind;
use crate::{
    auth::{Division, Role},
    error::ApiError,
    i18n::Text,
};

/// The division an event is written for: the one given, or — for a division head or agent who
/// gives none — their own (only the director writes events of the whole DJCD).
pub fn division_written(role: Role, own_division: Option<Division>, given: Option<Division>) -> Option<Division> {
    match given {
        None if role != Role::Director => own_division,
        given => given,
    }
}

/// The sort key of the list, upcoming events first (soonest first), then past ones (most recent
/// first), as one text: `0YYYY-MM-DD` for upcoming, `1` and the complement of `YYYYMMDD` to
/// 99991231 for past ones. `store::upcoming_first` computes the same in SQL.
pub fn upcoming_first_key(starts_on: NaiveDate, today: NaiveDate) -> String {
    if starts_on >= today {
        format!("0{starts_on}")
    } else {
        let digits = i64::from(starts_on.year()) * 10_000 + i64::from(starts_on.month() * 100 + starts_on.day());
        format!("1{}", 99_991_231 - digits)
    }
}

/// Only a round table takes pledges (422 otherwise).
pub fn ensure_takes_pledges(kind: PartnershipEventKind) -> Result<(), ApiError> {
    if kind == PartnershipEventKind::RoundTable {
        return Ok(());
    }
    Err(ApiError::invalid(
        "event",
        "not_a_round_table",
        Text::fixed("Seule une table ronde reçoit des annonces.", "Only a round table takes pledges."),
    ))
}

/// The note of a pledge's funding line: where it was announced.
pub fn pledge_note(round_table_title: &str) -> String {
    format!("Annonce : {round_table_title}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Division::{DecentralizedCooperation as Dc, Twinning as Tw};
    use Role::{Agent, Director, DivisionHead};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn staff_who_name_no_division_write_for_their_own_and_the_director_for_the_whole_djcd() {
        let cases = [
            (Director, None, None, None),
            (Director, None, Some(Tw), Some(Tw)),
            (DivisionHead, Some(Tw), None, Some(Tw)),
            (Agent, Some(Dc), None, Some(Dc)),
            (Agent, Some(Dc), Some(Tw), Some(Tw)),
        ];
        for (role, own, given, expected) in cases {
            assert_eq!(division_written(role, own, given), expected, "{role:?} {own:?} {given:?}");
        }
    }

    #[test]
    fn upcoming_events_sort_soonest_first_then_past_ones_most_recent_first() {
        let today = day("2026-12-03");
        let mut starts = ["2019-05-01", "2027-01-10", "2026-12-03", "2026-11-30", "2026-12-25"];
        starts.sort_by_key(|on| upcoming_first_key(day(on), today));
        assert_eq!(starts, ["2026-12-03", "2026-12-25", "2027-01-10", "2026-11-30", "2019-05-01"]);
        assert_eq!(upcoming_first_key(day("2026-11-30"), today), "179730101");
        assert_eq!(upcoming_first_key(day("2027-01-10"), today), "02027-01-10");
    }

    #[test]
    fn only_round_tables_take_pledges() {
        for kind in PartnershipEventKind::ALL {
            assert_eq!(ensure_takes_pledges(kind).is_ok(), kind == PartnershipEventKind::RoundTable, "{kind:?}");
        }
    }
}
