//! Money as the API shows and takes it: an exact decimal string and its currency. A project's
//! budget and every funding line use it; amounts are stored as integer minor units.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{i18n::Text, money, validate::Rules};

/// An amount of money: an exact decimal string and its ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": "1500.50", "currency": "EUR"}))]
pub struct Money {
    /// A positive decimal, without sign, exponent or leading zero, below 10^13 (ten thousand
    /// billion), with at most as many decimals as the currency has (none for XOF).
    #[schema(format = "amount", example = "12500000")]
    pub amount: String,
    /// ISO 4217, one of the currencies the API knows.
    #[schema(format = "currency", example = "XOF")]
    pub currency: String,
}

impl Money {
    pub fn from_minor(minor: i64, currency: &str) -> Self {
        Self { amount: money::format_amount(minor, currency), currency: currency.to_owned() }
    }

    /// The stored pair of a budget or a line, when both halves are there.
    pub fn from_stored(minor: Option<i64>, currency: Option<&str>) -> Option<Self> {
        match (minor, currency) {
            (Some(minor), Some(currency)) => Some(Self::from_minor(minor, currency)),
            _ => None,
        }
    }
}

/// Checks an amount for its currency and returns it in minor units (422 otherwise, naming the
/// request's amount field, or its currency field for an unknown currency: `(amount, currency)`).
pub fn parse_money(rules: &mut Rules, fields: (&str, &str), amount: &str, currency: &str) -> Option<i64> {
    match money::parse_amount(amount, currency) {
        Ok(minor) => Some(minor),
        Err(error) => {
            let (code, message) = match error {
                money::AmountError::UnknownCurrency => (
                    "unknown_currency",
                    Text::new(format!("Devise inconnue : {currency}."), format!("Unknown currency: {currency}.")),
                ),
                money::AmountError::TooPrecise { allowed } => (
                    "too_precise",
                    Text::new(
                        format!("{currency} n'admet que {allowed} décimale(s) : le montant n'est pas arrondi."),
                        format!("{currency} allows {allowed} decimal(s): the amount is not rounded."),
                    ),
                ),
                money::AmountError::NotPositive => {
                    ("not_positive", Text::fixed("Le montant doit être positif.", "The amount must be positive."))
                }
                money::AmountError::TooLarge => ("too_large", Text::fixed("Montant trop grand.", "Amount too large.")),
                money::AmountError::Format => (
                    "format",
                    Text::fixed(
                        "Un nombre décimal en texte est attendu (ex. \"1500.50\").",
                        "A decimal number as text is expected (e.g. \"1500.50\").",
                    ),
                ),
            };
            let field = if code == "unknown_currency" { fields.1 } else { fields.0 };
            rules.fail(field, code, message);
            None
        }
    }
}
