//! The rules every funding line obeys, as pure functions: the lines of a finished project are
//! frozen, only the holders of `funding.publish` decide what every partner sees, the amount fits
//! its currency exactly, and a dated exchange rate is a plain positive decimal.
use rust_decimal::Decimal;

use super::types::{FundingLineChange, FundingLineFields, FundingLineInput};
use crate::{
    auth::{Role, policy::may_publish_funding},
    domain::money::parse_money,
    error::ApiError,
    i18n::Text,
    money,
    validate::{Rules, check_text},
};

/// Closed projects take no lines: no new line, no edit, no archive or restore once the project is
/// closed or cancelled. `status` is the project's stored code (the statuses of
/// `ProjectStatus::is_finished`); a code the API does not know is an error, never "open".
pub fn lines_may_change(status: &str) -> Result<(), ApiError> {
    match status {
        "closed" | "cancelled" => Err(ApiError::invalid(
            "project",
            "project_closed",
            Text::fixed(
                "Les lignes de financement d'un projet clôturé ou annulé ne changent plus.",
                "The funding lines of a closed or cancelled project no longer change.",
            ),
        )),
        "pipeline" | "implementation" | "finalisation" | "suspended" => Ok(()),
        other => Err(crate::vocabulary::unknown_stored_code("ProjectStatus", other)),
    }
}

/// Setting `is_public` (shown to every partner of the project) is the decision of `funding.publish`.
pub fn ensure_may_publish(role: Role, is_public: Option<bool>) -> Result<(), ApiError> {
    if is_public.is_some() && !may_publish_funding(role) { Err(ApiError::Forbidden) } else { Ok(()) }
}

fn check_note_and_reference(rules: &mut Rules, reference: Option<&str>, note: Option<&str>) {
    if let Some(reference) = reference {
        check_text(rules, "reference", reference, 1, 100);
    }
    if let Some(note) = note {
        check_text(rules, "note", note, 1, 2000);
    }
}

/// The state of a new line: every field error at once (422), the reference trimmed.
pub fn new_fields(input: &FundingLineInput) -> Result<FundingLineFields, ApiError> {
    let mut rules = Rules::default();
    let amount = parse_money(&mut rules, ("amount", "currency"), &input.amount, &input.currency);
    check_note_and_reference(&mut rules, input.reference.as_deref(), input.note.as_deref());
    rules.finish()?;
    Ok(FundingLineFields {
        kind: input.kind,
        amount_minor: amount.unwrap_or_default(),
        currency: input.currency.clone(),
        transaction_date: input.transaction_date,
        reference: input.reference.as_deref().map(|reference| reference.trim().to_owned()),
        note: input.note.clone(),
        is_public: input.is_public.unwrap_or(false),
    })
}

/// `current` with `change` applied. The amount (new or kept) is checked against the currency the
/// line has once changed: a kept `1500.50` EUR cannot become XOF.
pub fn changed_fields(current: &FundingLineFields, change: FundingLineChange) -> Result<FundingLineFields, ApiError> {
    let currency = change.currency.unwrap_or_else(|| current.currency.clone());
    let amount = change.amount.unwrap_or_else(|| money::format_amount(current.amount_minor, &current.currency));
    let mut rules = Rules::default();
    let minor = parse_money(&mut rules, ("amount", "currency"), &amount, &currency);
    check_note_and_reference(
        &mut rules,
        change.reference.as_ref().and_then(|reference| reference.as_deref()),
        change.note.as_ref().and_then(|note| note.as_deref()),
    );
    rules.finish()?;
    Ok(FundingLineFields {
        kind: change.kind.unwrap_or(current.kind),
        amount_minor: minor.unwrap_or(current.amount_minor),
        currency,
        transaction_date: change.transaction_date.unwrap_or(current.transaction_date),
        reference: change.reference.unwrap_or_else(|| current.reference.clone()),
        note: change.note.unwrap_or_else(|| current.note.clone()),
        is_public: change.is_public.unwrap_or(current.is_public),
    })
}

/// A new dated rate: a currency the API knows other than XOF and EUR (fixed parity), and XOF per
/// unit as a positive decimal with at most 9 decimals. Returns the rate as stored (normalised).
pub fn new_rate(currency: &str, rate_to_xof: &str) -> Result<String, ApiError> {
    let mut rules = Rules::default();
    if money::minor_units(currency).is_none() {
        rules.fail(
            "currency",
            "unknown_currency",
            Text::new(format!("Devise inconnue : {currency}."), format!("Unknown currency: {currency}.")),
        );
    } else if currency == "XOF" || currency == "EUR" {
        rules.fail(
            "currency",
            "fixed",
            Text::fixed("XOF et EUR ont une parité fixe.", "XOF and EUR have a fixed parity."),
        );
    }
    let rate = money::parse_rate(rate_to_xof);
    if rate.is_none() {
        rules.fail(
            "rate_to_xof",
            "format",
            Text::fixed("Un décimal positif (9 décimales au plus).", "A positive decimal (at most 9 decimals)."),
        );
    }
    rules.finish()?;
    Ok(rate.map(|rate: Decimal| rate.normalize().to_string()).unwrap_or_default())
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
