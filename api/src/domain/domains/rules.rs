//! The rules of domains, without the database: what a valid domain is, where a new one goes, and
//! when one may be archived.
use super::types::{DomainChange, NewDomain};
use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
    validate::{Rules, check_code, check_text},
};

/// A new domain: a code (lower-case letters, digits, `_`), two labels, a position from 1 to 1000.
pub fn check_new(new: &NewDomain) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    check_code(&mut rules, "code", &new.code);
    check_text(&mut rules, "label_fr", &new.label_fr, 1, 200);
    check_text(&mut rules, "label_en", &new.label_en, 1, 200);
    if let Some(position) = new.position {
        rules.range("position", i64::from(position), 1, 1000);
    }
    rules.finish()
}

/// A change names at least one field, each valid.
pub fn check_change(change: &DomainChange) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    if let Some(label) = &change.label_fr {
        check_text(&mut rules, "label_fr", label, 1, 200);
    }
    if let Some(label) = &change.label_en {
        check_text(&mut rules, "label_en", label, 1, 200);
    }
    if let Some(position) = change.position {
        rules.range("position", i64::from(position), 1, 1000);
    }
    if change.label_fr.is_none() && change.label_en.is_none() && change.position.is_none() {
        rules.push(FieldError::new("body", "empty", Text::fixed("Aucun champ à modifier.", "No field to change.")));
    }
    rules.finish()
}

/// Where a new domain goes when no position is given: after the last one.
pub fn next_position(last: Option<i32>) -> i32 {
    last.unwrap_or(0) + 1
}

/// A domain that live records name cannot be archived: they would point at a hidden tag.
pub fn check_unused(uses: u64) -> Result<(), ApiError> {
    if uses == 0 {
        return Ok(());
    }
    Err(ApiError::conflict(
        "in_use",
        Text::new(
            format!("Ce domaine est utilisé par {uses} enregistrement(s)."),
            format!("This domain is used by {uses} record(s)."),
        ),
    ))
}

/// The 409 of a code that is taken.
pub fn already_exists(code: &str) -> ApiError {
    ApiError::conflict(
        "already_exists",
        Text::new(format!("Le domaine « {code} » existe déjà."), format!("The domain \"{code}\" already exists.")),
    )
    .on_fields(&["code"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(code: &str, label: &str, position: Option<i32>) -> NewDomain {
        NewDomain { code: code.into(), label_fr: label.into(), label_en: label.into(), position }
    }

    fn fields(result: Result<(), ApiError>) -> Vec<String> {
        match result {
            Ok(()) => Vec::new(),
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|error| error.field).collect(),
            Err(other) => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_new_domain_needs_a_code_two_labels_and_a_position_in_range() {
        let cases: &[(NewDomain, &[&str])] = &[
            (new("urban_planning", "Urbanisme", None), &[]),
            (new("urban_planning", "Urbanisme", Some(1000)), &[]),
            (new("Urban", "Urbanisme", None), &["code"]),
            (new("urban", "", None), &["label_fr", "label_en"]),
            (new("urban", "Urbanisme", Some(0)), &["position"]),
            (new("urban", "Urbanisme", Some(1001)), &["position"]),
        ];
        for (domain, expected) in cases {
            assert_eq!(fields(check_new(domain)), *expected, "{}", domain.code);
        }
    }

    #[test]
    fn a_change_names_at_least_one_valid_field() {
        let change = |label: Option<&str>, position| DomainChange {
            label_fr: label.map(str::to_owned),
            label_en: None,
            position,
        };
        assert_eq!(fields(check_change(&change(Some("Eau"), None))), Vec::<String>::new());
        assert_eq!(fields(check_change(&change(None, Some(3)))), Vec::<String>::new());
        assert_eq!(fields(check_change(&change(None, None))), vec!["body"]);
        assert_eq!(fields(check_change(&change(Some(""), Some(2000)))), vec!["label_fr", "position"]);
    }

    #[test]
    fn a_new_domain_goes_after_the_last_one() {
        assert_eq!(next_position(None), 1);
        assert_eq!(next_position(Some(10)), 11);
    }

    #[test]
    fn only_an_unused_domain_is_archived() {
        assert!(check_unused(0).is_ok());
        assert!(matches!(check_unused(3), Err(ApiError::Conflict { .. })));
    }
}
