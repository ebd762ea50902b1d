//! Money: amounts are exact decimals, sent and returned as strings ("12500000" XOF, "1500.50"
//! EUR), stored as integers in the currency's minor unit, so that both databases hold the same
//! value. An amount with more decimals than its currency has is refused, never rounded.
mod currencies;
mod decimal;
#[cfg(test)]
mod pattern_matcher;
mod sums;

pub use currencies::{EUR_TO_XOF, currencies_with, decimal_counts, known_currencies, minor_units};
pub use decimal::{
    AMOUNT_INTEGER_DIGITS, AmountError, RATE_DECIMALS, RATE_INTEGER_DIGITS, decimal_max_length, decimal_pattern,
    parse_amount, parse_decimal, parse_rate,
};
pub use sums::{FlowSums, flow_slot, format_amount, share, to_xof};
