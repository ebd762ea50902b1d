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

/// The most digits before the decimal point: amounts and rates stay below 10^15, which keeps the
/// minor units of every currency (at most 3 decimals) within an `i64`.
pub const MAX_INTEGER_DIGITS: usize = 15;

/// The most decimals of an exchange rate.
pub const RATE_DECIMALS: u32 = 9;

/// The syntax `parse_decimal` accepts with at most `decimals` decimals, as a regular expression
/// (ECMA-262 and Python alike): digits without leading zeros, an optional fraction of 1 to
/// `decimals` digits, and a value above zero. No sign, exponent, space or thousands separator.
pub fn decimal_pattern(decimals: u32) -> String {
    let whole = format!("[1-9][0-9]{{0,{}}}", MAX_INTEGER_DIGITS - 1);
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

/// The longest text `decimal_pattern(decimals)` matches.
pub fn decimal_max_length(decimals: u32) -> usize {
    MAX_INTEGER_DIGITS + if decimals == 0 { 0 } else { 1 + decimals as usize }
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
    /// 10^15 or more.
    TooLarge,
    UnknownCurrency,
}

/// Parses a positive decimal written as `decimal_pattern(decimals)` describes, exactly. The
/// errors say which part of the syntax is broken, for the problem document.
pub fn parse_decimal(text: &str, decimals: u32) -> Result<Decimal, AmountError> {
    if let Some(rest) = text.strip_prefix('-') {
        // A negative number is well formed but not positive: say so rather than "format".
        let number = !rest.starts_with('-')
            && matches!(parse_decimal(rest, u32::MAX), Ok(_) | Err(AmountError::NotPositive | AmountError::TooLarge));
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
    if whole.len() > MAX_INTEGER_DIGITS {
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
/// `decimal_pattern` of the currency's minor units.
pub fn parse_amount(text: &str, currency: &str) -> Result<i64, AmountError> {
    let units = minor_units(currency).ok_or(AmountError::UnknownCurrency)?;
    let value = parse_decimal(text, units)?;
    let minor = value.checked_mul(Decimal::from(10i64.pow(units))).ok_or(AmountError::TooLarge)?;
    i64::try_from(minor.trunc()).map_err(|_| AmountError::TooLarge)
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

/// Parses an exchange rate: `decimal_pattern(RATE_DECIMALS)`.
pub fn parse_rate(text: &str) -> Option<Decimal> {
    parse_decimal(text, RATE_DECIMALS).ok()
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
        assert_eq!(parse_amount("0.005", "KWD"), Ok(5));
        assert_eq!(parse_amount("999999999999999.999", "KWD"), Ok(999_999_999_999_999_999));
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
        assert_eq!(parse_amount("1000000000000000", "XOF"), Err(AmountError::TooLarge), "16 digits");
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
            "999999999999999",
            "1000000000000000",
            "999999999999999.999",
            "0.000000001",
            "0.0000000001",
        ];
        for decimals in [0, 2, 3, RATE_DECIMALS] {
            let pattern = decimal_pattern(decimals);
            for sample in samples {
                assert_eq!(
                    matches(&pattern, sample),
                    parse_decimal(sample, decimals).is_ok(),
                    "{sample:?} with {decimals} decimals, pattern {pattern}"
                );
                if matches(&pattern, sample) {
                    assert!(sample.len() <= decimal_max_length(decimals));
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
    }
}
