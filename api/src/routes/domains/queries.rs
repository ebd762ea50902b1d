//! Old home of the domain queries other resources use; they live in `domain::domains::store`.
pub use crate::domain::domains::store::{check_domains, count_uses};
