//! The one check of a status move, for every record that has a lifecycle (agreements, projects):
//! a move missing from the allowed ones is a 409 `invalid_transition` that lists them.
use serde_json::{Map, Value};

use crate::{error::ApiError, i18n::Text};

/// `Ok` when `to` is among `allowed` (the moves from `from`); otherwise the 409, with `from` and
/// `allowed` as stored codes (`code` gives a status's code), naming the request's `field`.
pub fn check_move<S: Copy + PartialEq>(
    from: S,
    to: S,
    allowed: &[S],
    code: fn(S) -> &'static str,
    field: &str,
) -> Result<(), ApiError> {
    if allowed.contains(&to) {
        return Ok(());
    }
    let mut extra = Map::new();
    extra.insert("from".into(), Value::from(code(from)));
    extra.insert("allowed".into(), Value::from(allowed.iter().map(|status| code(*status)).collect::<Vec<_>>()));
    Err(ApiError::Conflict {
        code: "invalid_transition",
        detail: Text::new(
            format!("Passage de « {} » à « {} » impossible.", code(from), code(to)),
            format!("Cannot move from \"{}\" to \"{}\".", code(from), code(to)),
        ),
        extra,
        fields: vec![field.to_owned()],
    })
}

#[cfg(test)]
mod tests {
    use super::check_move;
    use crate::error::ApiError;

    fn code(n: u8) -> &'static str {
        ["zero", "one", "two"][usize::from(n)]
    }

    #[test]
    fn an_allowed_move_passes_and_another_is_a_conflict_listing_the_allowed_ones() {
        assert!(check_move(0, 1, &[1, 2], code, "to").is_ok());
        match check_move(0, 0, &[1, 2], code, "to") {
            Err(ApiError::Conflict { code, extra, fields, .. }) => {
                assert_eq!(fields, ["to"]);
                assert_eq!(code, "invalid_transition");
                assert_eq!(extra["from"], "zero");
                assert_eq!(extra["allowed"], serde_json::json!(["one", "two"]));
            }
            _ => panic!("expected a conflict"),
        }
    }
}
