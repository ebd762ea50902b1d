//! The currencies the API knows, with their minor units, and the euro parity of the CFA franc.
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
