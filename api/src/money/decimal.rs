//! Decimal syntax: the pattern the document publishes and the exact parser of amounts and rates.
use std::str::FromStr;

use rust_decimal::Decimal;

use super::minor_units;

/// The most digits before the decimal point of one amount: an amount stays below 10^13 major
/// units (ten thousand billion), so that one line in minor units (at most 3 decimals) is below
/// 10^16, far inside an `i64`. XOF values and every sum are `i128` (`FlowSums`).
pub const AMOUNT_INTEGER_DIGITS: usize = 13;

/// The most digits before the decimal point of an exchange rate: below 10^15 XOF per unit.
pub const RATE_INTEGER_DIGITS: usize = 15;

/// The most decimals of an exchange rate.
pub const RATE_DECIMALS: u32 = 9;

/// The syntax `parse_decimal` accepts with at most `integer_digits` digits before the point and
/// `decimals` after it, as a regular expression (ECMA-262 and Python alike): digits without
/// leading zeros, an optional fraction of 1 to `decimals` digits, and a value above zero. No sign,
/// exponent, space or thousands separator.
pub fn decimal_pattern(integer_digits: usize, decimals: u32) -> String {
    let whole = format!("[1-9][0-9]{{0,{}}}", integer_digits - 1);
    if decimals == 0 {
        return format!("^{whole}$");
    }
    // Below 1: "0." and up to `decimals` digits, not all zero.
    let below_one: Vec<String> = (0..decimals)
        .map(|zeros| {
            let rest = decimals - 1 - zeros;
            let rest = if rest == 0 { String::new() } else { format!("[0-9]{{0,{rest}}}") };
            format!("{}[1-9]{rest}", "0".repeat(zeros as usize))
        })
        .collect();
    format!("^(?:{whole}(?:\\.[0-9]{{1,{decimals}}})?|0\\.(?:{}))$", below_one.join("|"))
}

/// The longest text `decimal_pattern(integer_digits, decimals)` matches.
pub fn decimal_max_length(integer_digits: usize, decimals: u32) -> usize {
    integer_digits + if decimals == 0 { 0 } else { 1 + decimals as usize }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AmountError {
    /// Not a plain decimal number (sign, exponent, leading zero, space…).
    Format,
    /// More decimals than the currency has.
    TooPrecise {
        allowed: u32,
    },
    /// Zero or negative.
    NotPositive,
    /// More digits before the point than allowed (10^13 or more for an amount).
    TooLarge,
    UnknownCurrency,
}

/// Parses a positive decimal written as `decimal_pattern(integer_digits, decimals)` describes,
/// exactly. The errors say which part of the syntax is broken, for the problem document.
pub fn parse_decimal(text: &str, integer_digits: usize, decimals: u32) -> Result<Decimal, AmountError> {
    if let Some(rest) = text.strip_prefix('-') {
        // A negative number is well formed but not positive: say so rather than "format".
        let number = !rest.starts_with('-')
            && matches!(
                parse_decimal(rest, integer_digits, u32::MAX),
                Ok(_) | Err(AmountError::NotPositive | AmountError::TooLarge)
            );
        return Err(if number { AmountError::NotPositive } else { AmountError::Format });
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) || (whole.len() > 1 && whole.starts_with('0')) {
        return Err(AmountError::Format);
    }
    if whole.len() > integer_digits {
        return Err(AmountError::TooLarge);
    }
    let fraction = fraction.unwrap_or("");
    if whole == "0" && fraction.bytes().all(|b| b == b'0') {
        return Err(AmountError::NotPositive);
    }
    if fraction.len() > decimals as usize {
        return Err(AmountError::TooPrecise { allowed: decimals });
    }
    Decimal::from_str(text).map_err(|_| AmountError::Format)
}

/// Parses `"1500.50"` in `currency` into minor units (150050), exactly: the text must match
/// `decimal_pattern(AMOUNT_INTEGER_DIGITS, …)` of the currency's minor units.
pub fn parse_amount(text: &str, currency: &str) -> Result<i64, AmountError> {
    let units = minor_units(currency).ok_or(AmountError::UnknownCurrency)?;
    let value = parse_decimal(text, AMOUNT_INTEGER_DIGITS, units)?;
    let minor = value.checked_mul(Decimal::from(10i64.pow(units))).ok_or(AmountError::TooLarge)?;
    i64::try_from(minor.trunc()).map_err(|_| AmountError::TooLarge)
}

/// Parses an exchange rate: `decimal_pattern(RATE_INTEGER_DIGITS, RATE_DECIMALS)`.
pub fn parse_rate(text: &str) -> Option<Decimal> {
    parse_decimal(text, RATE_INTEGER_DIGITS, RATE_DECIMALS).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::pattern_matcher::matches;

    #[test]
    fn amounts_parse_exactly_in_minor_units() {
        assert_eq!(parse_amount("12500000", "XOF"), Ok(12_500_000));
        assert_eq!(parse_amount("1500.50", "EUR"), Ok(150_050));
        assert_eq!(parse_amount("1500.5", "EUR"), Ok(150_050));
        assert_eq!(parse_amount("0.1", "EUR"), Ok(10));
        assert_eq!(parse_amount("0.005", "KWD"), Ok(5));
        assert_eq!(parse_amount("9999999999999.999", "KWD"), Ok(9_999_999_999_999_999));
    }

    #[test]
    fn too_precise_or_malformed_amounts_are_refused() {
        assert_eq!(parse_amount("12.5", "XOF"), Err(AmountError::TooPrecise { allowed: 0 }));
        assert_eq!(
            parse_amount("100.00", "XOF"),
            Err(AmountError::TooPrecise { allowed: 0 }),
            "decimals are counted as written"
        );
        assert_eq!(parse_amount("1.005", "EUR"), Err(AmountError::TooPrecise { allowed: 2 }));
        for bad in ["", "1e5", "1,5", "abc", ".5", "5.", "--1", "1.2.3", " 1", "+5", "007", "00.5", "1_000"] {
            assert_eq!(parse_amount(bad, "EUR"), Err(AmountError::Format), "{bad:?}");
        }
        assert_eq!(parse_amount("-5", "EUR"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("0", "XOF"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("0.00", "EUR"), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("5", "ZZZ"), Err(AmountError::UnknownCurrency));
        assert_eq!(parse_amount("10000000000000", "XOF"), Err(AmountError::TooLarge), "14 digits: 10^13");
        assert_eq!(parse_amount("999999999999999.99", "EUR"), Err(AmountError::TooLarge), "the review's amount");
        assert_eq!(parse_amount("99999999999999999999", "XOF"), Err(AmountError::TooLarge));
    }

    /// The document's pattern for each number of decimals accepts exactly what `parse_decimal`
    /// accepts.
    #[test]
    fn the_pattern_and_the_parser_agree() {
        let samples = [
            "1",
            "9",
            "10",
            "0",
            "00",
            "01",
            "0.0",
            "0.1",
            "0.01",
            "0.001",
            "0.000",
            "0.10",
            "0.100",
            "0.0001",
            "1.0",
            "1.00",
            "1.000",
            "1.0000",
            "10.5",
            "1.",
            ".1",
            "-1",
            "+1",
            "1e3",
            " 1",
            "1 ",
            "1,5",
            "१",
            "9999999999999",
            "10000000000000",
            "9999999999999.99",
            "999999999999999",
            "1000000000000000",
            "999999999999999.999",
            "0.000000001",
            "0.0000000001",
        ];
        for (digits, decimals) in [
            (AMOUNT_INTEGER_DIGITS, 0),
            (AMOUNT_INTEGER_DIGITS, 2),
            (AMOUNT_INTEGER_DIGITS, 3),
            (RATE_INTEGER_DIGITS, RATE_DECIMALS),
        ] {
            let pattern = decimal_pattern(digits, decimals);
            for sample in samples {
                assert_eq!(
                    matches(&pattern, sample),
                    parse_decimal(sample, digits, decimals).is_ok(),
                    "{sample:?} with {decimals} decimals, pattern {pattern}"
                );
                if matches(&pattern, sample) {
                    assert!(sample.len() <= decimal_max_length(digits, decimals));
                }
            }
        }
    }

    #[test]
    fn the_bound_of_one_amount_is_ten_thousand_billion() {
        assert_eq!(parse_amount("9999999999999.99", "EUR"), Ok(999_999_999_999_999));
        assert_eq!(parse_amount("9999999999999", "XOF"), Ok(9_999_999_999_999));
        assert_eq!(parse_amount("10000000000000", "EUR"), Err(AmountError::TooLarge));
        assert!(decimal_pattern(AMOUNT_INTEGER_DIGITS, 2).starts_with("^(?:[1-9][0-9]{0,12}"));
    }
}
