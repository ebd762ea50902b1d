//! The funding-line rules, without HTTP or database.
use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::domain::funding_lines::types::FundingKind;

fn codes(result: Result<impl std::fmt::Debug, ApiError>) -> Vec<(String, &'static str)> {
    match result {
        Err(ApiError::Validation(errors)) => errors.into_iter().map(|error| (error.field, error.code)).collect(),
        other => panic!("expected a 422, got {other:?}"),
    }
}

fn input(amount: &str, currency: &str) -> FundingLineInput {
    FundingLineInput {
        partner_id: Uuid::now_v7(),
        kind: FundingKind::Commitment,
        amount: amount.into(),
        currency: currency.into(),
        transaction_date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
        reference: Some("  CONV-2026-04 ".into()),
        note: None,
        is_public: None,
    }
}

#[test]
fn closed_and_cancelled_projects_take_no_lines() {
    for (status, open) in [
        ("pipeline", true),
        ("implementation", true),
        ("finalisation", true),
        ("suspended", true),
        ("closed", false),
        ("cancelled", false),
    ] {
        match lines_may_change(status) {
            Ok(()) => assert!(open, "{status}"),
            Err(error) => {
                assert_eq!(codes(Err::<(), _>(error)), [("project".to_owned(), "project_closed")], "{status}")
            }
        }
    }
}

#[test]
fn an_unknown_project_status_is_an_error_not_an_open_project() {
    assert!(matches!(lines_may_change("archived"), Err(ApiError::Internal(_))));
}

#[test]
fn only_the_publishers_set_is_public() {
    for role in Role::ALL {
        assert!(ensure_may_publish(role, None).is_ok(), "{role:?}");
        for is_public in [true, false] {
            assert_eq!(ensure_may_publish(role, Some(is_public)).is_ok(), may_publish_funding(role), "{role:?}");
        }
    }
}

#[test]
fn a_new_line_is_exact_in_its_currency_and_trims_its_reference() {
    let fields = new_fields(&input("1500.50", "EUR")).expect("valid");
    assert_eq!((fields.amount_minor, fields.currency.as_str()), (150_050, "EUR"));
    assert_eq!(fields.reference.as_deref(), Some("CONV-2026-04"));
    assert!(!fields.is_public);
    assert_eq!(codes(new_fields(&input("1500.5", "XOF"))), [("amount".to_owned(), "too_precise")]);
    assert_eq!(codes(new_fields(&input("10", "ZZZ"))), [("currency".to_owned(), "unknown_currency")]);
}

#[test]
fn a_change_checks_the_kept_amount_against_the_new_currency() {
    let current = new_fields(&input("1500.50", "EUR")).expect("valid");
    let to_xof = FundingLineChange { currency: Some("XOF".into()), ..Default::default() };
    assert_eq!(codes(changed_fields(&current, to_xof)), [("amount".to_owned(), "too_precise")]);
    let unchanged = changed_fields(&current, FundingLineChange::default()).expect("valid");
    assert_eq!(unchanged, current);
    let cleared = changed_fields(&current, FundingLineChange { reference: Some(None), ..Default::default() });
    assert_eq!(cleared.expect("valid").reference, None);
    let blank_note = FundingLineChange { note: Some(Some(" ".into())), ..Default::default() };
    assert_eq!(codes(changed_fields(&current, blank_note)), [("note".to_owned(), "length")]);
}

#[test]
fn a_rate_is_for_a_floating_currency_and_a_plain_decimal() {
    assert_eq!(new_rate("USD", "600.250").expect("valid"), "600.25");
    assert_eq!(codes(new_rate("EUR", "655.957")), [("currency".to_owned(), "fixed")]);
    assert_eq!(codes(new_rate("XOF", "1")), [("currency".to_owned(), "fixed")]);
    assert_eq!(
        codes(new_rate("ZZZ", "-1")),
        [("currency".to_owned(), "unknown_currency"), ("rate_to_xof".to_owned(), "format")]
    );
}
