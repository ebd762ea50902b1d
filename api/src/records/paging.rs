//! Keyset (cursor) pagination shared by every list: `limit` (default 50, at most 200) and an
//! opaque `next_cursor` naming where the next page starts. Cursors encode the sort key of the last
//! row returned, so pages never skip nor repeat rows however the table grows.
use serde::Serialize;

// The cursors are the list pipeline's (`records::listing`); handlers paging by hand find them here.
pub use super::listing::{decode_cursor, encode_cursor};
use crate::{error::ApiError, i18n::Text};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// The page size asked for: 1 to 200, 50 by default; anything else is a 400.
pub fn page_limit(limit: Option<i64>) -> Result<u64, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(limit) if (1..=MAX_LIMIT as i64).contains(&limit) => Ok(limit as u64),
        Some(_) => Err(ApiError::BadRequest(
            Text::fixed("Paramètre limit invalide.", "Invalid limit parameter."),
            vec![crate::error::FieldError::new(
                "limit",
                "range",
                Text::new(format!("Entre 1 et {MAX_LIMIT}."), format!("Between 1 and {MAX_LIMIT}.")),
            )],
        )),
    }
}

/// Splits `rows` (fetched with `limit + 1`) into the page and the cursor of the next one.
pub fn split_page<T, K: Serialize>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> K) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|row| encode_cursor(&key(row)));
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_bounded() {
        assert_eq!(page_limit(None).unwrap(), 50);
        assert_eq!(page_limit(Some(200)).unwrap(), 200);
        assert!(page_limit(Some(201)).is_err());
        assert!(page_limit(Some(0)).is_err());
        assert!(page_limit(Some(-5)).is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = encode_cursor(&("Fès", 42));
        assert_eq!(decode_cursor::<(String, i32)>(Some(&cursor)).unwrap(), Some(("Fès".to_owned(), 42)));
        assert!(decode_cursor::<(String, i32)>(Some("not a cursor")).is_err());
        let (page, next) = split_page(vec![1, 2, 3], 2, |n| *n);
        assert_eq!((page, next.is_some()), (vec![1, 2], true));
        let (page, next) = split_page(vec![1, 2], 2, |n| *n);
        assert_eq!((page, next), (vec![1, 2], None));
    }
}
