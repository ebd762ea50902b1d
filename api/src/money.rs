//! Money: amounts are exact decimals, sent and returned as strings ("12500000" XOF, "1500.50"
//! EUR), stored as integers in the currency's minor unit, so that both databases hold the same
//! value. An amount with more decimals than its currency has is refused, never rounded.
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// The fixed parity of the CFA franc to the euro: 1 EUR = 655.957 XOF.
pub const EUR_TO_XOF: &str = "655.957";

/// ISO 4217 currencies the API accepts, with their minor units.
const CURRENCIES: &[(&str, u32)] = &[
    ("XOF", 0),
    ("XAF", 0),
    ("EUR", 2),
    ("USD", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("CAD", 2),
    ("JPY", 0),
    ("CNY", 2),
    ("MAD", 2),
    ("GNF", 0),
    ("MRU", 2),
    ("NGN", 2),
    ("GHS", 2),
    ("ZAR", 2),
    ("EGP", 2),
    ("BRL", 2),
    ("TRY", 2),
    ("SAR", 2),
    ("AED", 2),
    ("SEK", 2),
    ("NOK", 2),
    ("DKK", 2),
    ("KWD", 3),
];

/// The minor units of a currency the API knows, or `None`.
pub fn minor_units(currency: &str) -> Option<u32> {
    CURRENCIES.iter().find(|(code, _)| *code == currency).map(|(_, units)| *units)
}

pub fn known_currencies() -> impl Iterator<Item = &'static str> {
    CURRENCIES.iter().map(|(code, _)| *code)
}

#[derive(Debug, PartialEq, Eq)]
pub enum AmountError {
    /// Not a plain decimal number.
    Format,
    /// More decimals than the currency has.
    TooPrecise {
        allowed: u32,
    },
    /// Zero or negative.
    NotPositive,
    /// Too large to store.
    TooLarge,
    UnknownCurrency,
}

/// Parses `"1500.50"` in `currency` into minor units (150050), exactly.
pub fn parse_amount(text: &str, currency: &str) -> Result<i64, AmountError> {
    let units = minor_units(currency).ok_or(AmountError::UnknownCurrency)?;
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && text.matches('.').count() <= 1;
    if !plain || text.starts_with('.') || text.ends_with('.') {
        return Err(AmountError::Format);
    }
    let value = Decimal::from_str(text).map_err(|_| AmountError::Format)?;
    if value <= Decimal::ZERO {
        return Err(AmountError::NotPositive);
    }
    if value.normalize().scale() > units {
        return Err(AmountError::TooPrecise { allowed: units });
    }
    let minor = value.checked_mul(Decimal::from(10i64.pow(units))).ok_or(AmountError::TooLarge)?;
    let minor = i64::try_from(minor.trunc()).map_err(|_| AmountError::TooLarge)?;
    if minor > 1_000_000_000_000_000 {
        return Err(AmountError::TooLarge);
    }
    Ok(minor)
}

/// Formats minor units back into the decimal string of the currency ("1500.50").
pub fn format_amount(minor: i64, currency: &str) -> String {
    let units = minor_units(currency).unwrap_or(0);
    let mut value = Decimal::from(minor);
    value.set_scale(units).ok();
    value.to_string()
}

/// The value of `minor` units of `currency` in XOF, rounded to the franc (half away from zero),
/// with `rate` XOF per unit. `None` when no rate is known.
pub fn to_xof(minor: i64, currency: &str, rate: Option<&Decimal>) -> Option<i64> {
    let units = minor_units(currency)?;
    let mut amount = Decimal::from(minor);
    amount.set_scale(units).ok()?;
    let rate = match currency {
        "XOF" => Decimal::ONE,
        "EUR" => Decimal::from_str(EUR_TO_XOF).ok()?,
        _ => *rate?,
    };
    let xof = amount.checked_mul(rate)?.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(xof).ok()
}

/// Parses an exchange rate: a positive decimal with at most 9 decimals.
pub fn parse_rate(text: &str) -> Option<Decimal> {
    let rate = Decimal::from_str(text).ok()?;
    (rate > Decimal::ZERO && rate.normalize().scale() <= 9 && text.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then_some(rate)
}

/// `part / whole` as a decimal string with 4 decimals ("0.4500"); `None` when `whole` is 0.
pub fn share(part: i64, whole: i64) -> Option<String> {
    if whole == 0 {
        return None;
    }
    let ratio = Decimal::from(part) / Decimal::from(whole);
    let mut ratio = ratio.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    ratio.rescale(4);
    Some(ratio.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_in_minor_units() {
        assert_eq!(parse_amount("12500000", "XOF"), Ok(12_500_000));
        assert_eq!(parse_amount("1500.50", "EUR"), Ok(150_050));
        assert_eq!(parse_amount("1500.5", "EUR"), Ok(150_050));
        assert_eq!(parse_amount("0.1", "EUR"), Ok(10));
        assert_eq!(parse_amount("100.00", "XOF"), Ok(100), "trailing zeros are not extra precision");
    }

    #[test]
    fn too_precise_or_malformed_amounts_are_refused() {
        assert_eq!(parse_amount("12.5", "XOF"), Err(AmountError::TooPrecise { allowed: 0 }));
        assert_eq!(parse_amount("1.005", "EUR"), Err(AmountError::TooPrecise { allowed: 2 }));
        for bad in ["", "1e5", "1,5", "abc", ".5", "5.", "--1", "1.2.3", " 1"] {
            assert!(parse_amount(bad, "EUR").is_err(), "{bad:?}");
        }
        assert_eq!(parse_amount("-5", "EUR"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("0", "XOF"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("5", "ZZZ"), Err(AmountError::UnknownCurrency));
        assert_eq!(parse_amount("99999999999999999999", "XOF"), Err(AmountError::TooLarge));
    }

    #[test]
    fn amounts_format_with_the_currency_scale() {
        assert_eq!(format_amount(150_050, "EUR"), "1500.50");
        assert_eq!(format_amount(12_500_000, "XOF"), "12500000");
        assert_eq!(format_amount(5, "EUR"), "0.05");
    }

    #[test]
    fn conversion_uses_the_fixed_parity_and_rounds_to_the_franc() {
        assert_eq!(to_xof(100, "EUR", None), Some(656), "1 EUR = 655.957 → 656");
        assert_eq!(to_xof(150_050, "EUR", None), Some(984_263), "1500.50 × 655.957 = 984263.4785");
        assert_eq!(to_xof(12_500_000, "XOF", None), Some(12_500_000));
        let rate = Decimal::from_str("600.5").unwrap();
        assert_eq!(to_xof(1_000, "USD", Some(&rate)), Some(6_005));
        assert_eq!(to_xof(1_000, "USD", None), None);
    }

    #[test]
    fn shares_have_four_decimals() {
        assert_eq!(share(45, 100).as_deref(), Some("0.4500"));
        assert_eq!(share(1, 3).as_deref(), Some("0.3333"));
        assert_eq!(share(1, 0), None);
    }
}
