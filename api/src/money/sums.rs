//! Amounts out: formatting, conversion to XOF, shares, and the four flow sums.
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{EUR_TO_XOF, minor_units};

/// Formats minor units (one amount or a sum) back into the decimal string of the currency
/// ("1500.50"), by digits: any `i128` formats, none wraps.
pub fn format_amount(minor: impl Into<i128>, currency: &str) -> String {
    let minor = minor.into();
    let units = minor_units(currency).unwrap_or(0) as usize;
    let sign = if minor < 0 { "-" } else { "" };
    let digits = minor.unsigned_abs().to_string();
    if units == 0 {
        return format!("{sign}{digits}");
    }
    let digits = format!("{digits:0>width$}", width = units + 1);
    let (whole, fraction) = digits.split_at(digits.len() - units);
    format!("{sign}{whole}.{fraction}")
}

/// The value of `minor` units of `currency` (one amount or a sum) in XOF, rounded to the franc
/// (half away from zero), with `rate` XOF per unit. `None` when no rate is known or the value
/// leaves the exact range (never a wrapped number).
pub fn to_xof(minor: impl Into<i128>, currency: &str, rate: Option<&Decimal>) -> Option<i128> {
    let units = minor_units(currency)?;
    let amount = Decimal::try_from_i128_with_scale(minor.into(), units).ok()?;
    let rate = match currency {
        "XOF" => Decimal::ONE,
        "EUR" => Decimal::from_str(EUR_TO_XOF).ok()?,
        _ => *rate?,
    };
    let xof = amount.checked_mul(rate)?.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i128::try_from(xof).ok()
}

/// `part / whole` as a decimal string with 4 decimals ("0.4500"); `None` when `whole` is 0 (or
/// out of the exact range).
pub fn share(part: i128, whole: i128) -> Option<String> {
    let whole = Decimal::try_from_i128_with_scale(whole, 0).ok().filter(|w| !w.is_zero())?;
    let ratio = Decimal::try_from_i128_with_scale(part, 0).ok()?.checked_div(whole)?;
    let mut ratio = ratio.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    ratio.rescale(4);
    Some(ratio.to_string())
}

/// Which of the four flows a funding line feeds, by its kind's code: 0 pledged, 1 committed,
/// 2 disbursed, 3 spent.
pub fn flow_slot(kind: &str) -> Option<usize> {
    ["pledge", "commitment", "disbursement", "expenditure"].iter().position(|k| *k == kind)
}

/// Sums of the four flows (pledged, committed, disbursed, spent), in minor units or francs. Every
/// sum of money goes through it: `i128`, so that no count of lines can wrap it.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowSums(pub [i128; 4]);

impl FlowSums {
    /// Adds `amount` to the flow of a line of kind `kind` (ignored for an unknown kind).
    pub fn add(&mut self, kind: &str, amount: impl Into<i128>) {
        if let Some(slot) = flow_slot(kind) {
            self.0[slot] += amount.into();
        }
    }

    /// The four sums formatted in `currency` (pledged, committed, disbursed, spent).
    pub fn formatted(&self, currency: &str) -> [String; 4] {
        self.0.map(|sum| format_amount(sum, currency))
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

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
        assert_eq!(share(i128::MAX, i128::MAX), None, "out of the exact range: no figure, no panic");
    }

    /// The review's case: fifteen lines of 999,999,999,999,999.99 EUR (older than the bound) wrapped
    /// the totals to negative numbers in `i64`.
    #[test]
    fn sums_of_many_large_lines_neither_wrap_nor_panic() {
        let line: i64 = 99_999_999_999_999_999; // 999,999,999,999,999.99 EUR in cents
        let mut sums = FlowSums::default();
        let mut xof = FlowSums::default();
        for _ in 0..15 {
            sums.add("commitment", line);
            xof.add("commitment", to_xof(line, "EUR", None).unwrap());
        }
        assert_eq!(sums.formatted("EUR")[1], "14999999999999999.85");
        assert_eq!(to_xof(line, "EUR", None), Some(655_956_999_999_999_993), "999999999999999.99 × 655.957");
        assert_eq!(xof.formatted("XOF")[1], "9839354999999999895");
        assert_eq!(sums.formatted("EUR")[0], "0.00");
        sums.add("unknown", 5);
        assert_eq!(sums.0, [0, 15 * i128::from(line), 0, 0]);
        assert_eq!(format_amount(i128::MAX, "KWD"), "170141183460469231731687303715884105.727");
        assert_eq!(format_amount(-5i64, "EUR"), "-0.05");
        assert_eq!(to_xof(i128::MAX, "XOF", None), None, "beyond the exact range: unconverted, not wrapped");
    }
}
