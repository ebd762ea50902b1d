//! Field rules shared by every request body. A `Rules` collects every broken rule of a body so
//! that the client sees them all in one 422.
use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

#[derive(Default)]
pub struct Rules {
    errors: Vec<FieldError>,
}

impl Rules {
    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn fail(&mut self, field: &str, code: &'static str, message: Text) {
        self.push(FieldError::new(field, code, message));
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.fail(
                field,
                "range",
                Text::new(format!("Doit être entre {min} et {max}."), format!("Must be between {min} and {max}.")),
            );
        }
    }

    /// `Ok` when no rule was broken, otherwise a 422 listing them all.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(self.errors)) }
    }
}

/// A query parameter out of its declared bounds is a 400, like any parameter that cannot be used.
pub fn check_param_range(name: &str, value: Option<i32>, min: i32, max: i32) -> Result<(), ApiError> {
    match value {
        Some(value) if !(min..=max).contains(&value) => Err(ApiError::BadRequest(
            Text::new(format!("Paramètre {name} invalide."), format!("Invalid {name} parameter.")),
            vec![FieldError::new(
                name,
                "range",
                Text::new(format!("Entre {min} et {max}."), format!("Between {min} and {max}.")),
            )],
        )),
        _ => Ok(()),
    }
}

/// A code parameter (`FR`, `XOF`): `len` upper-case letters, else 400.
pub fn check_param_code(name: &str, value: Option<&str>, len: usize) -> Result<(), ApiError> {
    match value {
        Some(value) if value.len() != len || !value.bytes().all(|b| b.is_ascii_uppercase()) => {
            Err(ApiError::BadRequest(
                Text::new(format!("Paramètre {name} invalide."), format!("Invalid {name} parameter.")),
                vec![FieldError::new(
                    name,
                    "format",
                    Text::new(format!("{len} lettres majuscules."), format!("{len} upper-case letters.")),
                )],
            ))
        }
        _ => Ok(()),
    }
}

/// Text of `min..=max` characters, with no control characters (NUL included) and not blank.
pub fn check_text(rules: &mut Rules, field: &str, value: &str, min: usize, max: usize) {
    let length = value.chars().count();
    if length < min || length > max || (min > 0 && value.trim().is_empty()) {
        rules.fail(
            field,
            "length",
            Text::new(format!("Entre {min} et {max} caractères."), format!("Between {min} and {max} characters.")),
        );
    } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        rules.fail(
            field,
            "characters",
            Text::fixed("Caractères de contrôle interdits.", "Control characters are not allowed."),
        );
    }
}

/// A stable code: a lower-case letter, then lower-case letters, digits or `_`; 2 to 40 characters.
pub fn check_code(rules: &mut Rules, field: &str, value: &str) {
    let mut chars = value.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !(2..=40).contains(&value.len()) || !starts_well || !rest_ok {
        rules.fail(
            field,
            "format",
            Text::fixed(
                "Lettres minuscules, chiffres et _, commençant par une lettre (2 à 40).",
                "Lower-case letters, digits and _, starting with a letter (2 to 40).",
            ),
        );
    }
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces), at most 254 characters.
pub fn check_email(rules: &mut Rules, field: &str, value: &str) {
    let plausible = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !plausible {
        rules.fail(field, "format", Text::fixed("Adresse e-mail invalide.", "Invalid e-mail address."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(check: impl FnOnce(&mut Rules)) -> Vec<&'static str> {
        let mut rules = Rules::default();
        check(&mut rules);
        rules.errors.iter().map(|e| e.code).collect()
    }

    #[test]
    fn text_rules_count_characters_and_refuse_control_characters() {
        assert!(errors(|r| check_text(r, "f", "Fès", 1, 3)).is_empty());
        assert_eq!(errors(|r| check_text(r, "f", "", 1, 3)), ["length"]);
        assert_eq!(errors(|r| check_text(r, "f", "   ", 1, 3)), ["length"]);
        assert_eq!(errors(|r| check_text(r, "f", "a\0b", 1, 3)), ["characters"]);
    }

    #[test]
    fn code_and_email_rules() {
        assert!(errors(|r| check_code(r, "c", "solid_waste")).is_empty());
        assert_eq!(errors(|r| check_code(r, "c", "Solid")), ["format"]);
        assert_eq!(errors(|r| check_code(r, "c", "1a")), ["format"]);
        assert!(errors(|r| check_email(r, "e", "directeur@bamako.ml")).is_empty());
        assert_eq!(errors(|r| check_email(r, "e", "no-at.ml")), ["format"]);
        assert_eq!(errors(|r| check_email(r, "e", "a b@c.ml")), ["format"]);
    }
}
