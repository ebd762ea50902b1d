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

/// The currencies the API knows that have `decimals` minor-unit digits.
pub fn currencies_with(decimals: u32) -> Vec<&'static str> {
    CURRENCIES.iter().filter(|(_, units)| *units == decimals).map(|(code, _)| *code).collect()
}

/// The distinct numbers of decimals of the known currencies, smallest first.
pub fn decimal_counts() -> Vec<u32> {
    let mut counts: Vec<u32> = CURRENCIES.iter().map(|(_, units)| *units).collect();
    counts.sort_unstable();
    counts.dedup();
    counts
}

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

/// Parses an exchange rate: `decimal_pattern(RATE_INTEGER_DIGITS, RATE_DECIMALS)`.
pub fn parse_rate(text: &str) -> Option<Decimal> {
    parse_decimal(text, RATE_INTEGER_DIGITS, RATE_DECIMALS).ok()
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
    use super::*;

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

    /// A tiny matcher for the patterns `decimal_pattern` writes (anchored alternations of
    /// literal characters, `[0-9]`/`[1-9]` classes with `{m,n}` counts, optional groups), so that
    /// the test needs no regex crate.
    fn matches(pattern: &str, text: &str) -> bool {
        let body = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')).expect("anchored");
        let tokens = parse(&mut body.chars().collect::<Vec<_>>().as_slice());
        ends(&tokens, text).contains(&text.chars().count())
    }

    #[derive(Debug)]
    enum Token {
        Class(char, char, usize, usize),
        Literal(char),
        Group(Vec<Vec<Token>>, bool),
    }

    fn parse(input: &mut &[char]) -> Vec<Token> {
        let mut alternatives = vec![Vec::new()];
        while let Some((&c, rest)) = input.split_first() {
            *input = rest;
            let token = match c {
                ')' => break,
                '|' => {
                    alternatives.push(Vec::new());
                    continue;
                }
                '(' => {
                    *input = &input[2..]; // "?:"
                    let inner = parse(input);
                    let Token::Group(alternatives, _) = inner.into_iter().next().unwrap() else { unreachable!() };
                    Token::Group(alternatives, false)
                }
                '[' => {
                    let (low, high) = (input[0], input[2]);
                    *input = &input[4..];
                    Token::Class(low, high, 1, 1)
                }
                '\\' => {
                    let literal = input[0];
                    *input = &input[1..];
                    Token::Literal(literal)
                }
                other => Token::Literal(other),
            };
            alternatives.last_mut().unwrap().push(token);
            match input.first() {
                Some('?') => {
                    *input = &input[1..];
                    if let Some(Token::Group(_, optional)) = alternatives.last_mut().unwrap().last_mut() {
                        *optional = true;
                    }
                }
                Some('{') => {
                    let end = input.iter().position(|c| *c == '}').unwrap();
                    let counts: String = input[1..end].iter().collect();
                    *input = &input[end + 1..];
                    let (min, max) = counts.split_once(',').unwrap();
                    if let Some(Token::Class(_, _, low, high)) = alternatives.last_mut().unwrap().last_mut() {
                        *low = min.parse().unwrap();
                        *high = max.parse().unwrap();
                    }
                }
                _ => {}
            }
        }
        vec![Token::Group(alternatives, false)]
    }

    /// The positions where `tokens` can end when started at each of `starts`.
    fn ends(tokens: &[Token], text: &str) -> Vec<usize> {
        let chars: Vec<char> = text.chars().collect();
        let mut positions = vec![0];
        for token in tokens {
            positions = step(token, &chars, &positions);
        }
        positions
    }

    fn step(token: &Token, chars: &[char], starts: &[usize]) -> Vec<usize> {
        let mut out = Vec::new();
        for &start in starts {
            match token {
                Token::Literal(c) => {
                    if chars.get(start) == Some(c) {
                        out.push(start + 1);
                    }
                }
                Token::Class(low, high, min, max) => {
                    let mut position = start;
                    for count in 0..=*max {
                        if count >= *min {
                            out.push(position);
                        }
                        match chars.get(position) {
                            Some(c) if c >= low && c <= high => position += 1,
                            _ => break,
                        }
                    }
                }
                Token::Group(alternatives, optional) => {
                    if *optional {
                        out.push(start);
                    }
                    for alternative in alternatives {
                        let mut positions = vec![start];
                        for token in alternative {
                            positions = step(token, chars, &positions);
                        }
                        out.extend(positions);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
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

    #[test]
    fn the_bound_of_one_amount_is_ten_thousand_billion() {
        assert_eq!(parse_amount("9999999999999.99", "EUR"), Ok(999_999_999_999_999));
        assert_eq!(parse_amount("9999999999999", "XOF"), Ok(9_999_999_999_999));
        assert_eq!(parse_amount("10000000000000", "EUR"), Err(AmountError::TooLarge));
        assert!(decimal_pattern(AMOUNT_INTEGER_DIGITS, 2).starts_with("^(?:[1-9][0-9]{0,12}"));
    }
}
