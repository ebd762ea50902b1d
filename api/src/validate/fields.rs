//! Field rules of request bodies: free text, codes, addresses, country and language codes, phones, counts.
use super::{Rules, is_forbidden_char};
use crate::i18n::Text;

/// Free text as `check_text` accepts it: no control character but tab and line breaks, and at least
/// one character that is neither white space nor a control character.
pub const TEXT_PATTERN: &str =
    concat!("^[^", control_but_breaks!(), "]*[^", space_or_control!(), "][^", control_but_breaks!(), "]*$");
/// A stable code (`check_code`): a lower-case letter, then lower-case letters, digits or `_`.
pub const CODE_PATTERN: &str = "^[a-z][a-z0-9_]{1,39}$";
pub const CODE_MAX: usize = 40;
/// An e-mail address as `check_email` accepts it: one `@`, a dot inside the domain, no white space
/// nor control character.
pub const EMAIL_PATTERN: &str = concat!(
    "^[^@",
    space_or_control!(),
    "]+@[^@.",
    space_or_control!(),
    "][^@",
    space_or_control!(),
    "]*\\.[^@",
    space_or_control!(),
    "]*[^@.",
    space_or_control!(),
    "]$"
);
pub const EMAIL_MAX: usize = 254;
/// An `http://` or `https://` address without white space nor control character (`check_web_address`).
pub const WEB_ADDRESS_PATTERN: &str = concat!("^https?://[^", space_or_control!(), "]*$");
pub const WEB_ADDRESS_MAX: usize = 500;
/// ISO 3166-1 alpha-2 (`check_country`).
pub const COUNTRY_PATTERN: &str = "^[A-Z]{2}$";
/// ISO 639-1 (`check_language`).
pub const LANGUAGE_PATTERN: &str = "^[a-z]{2}$";
/// A telephone number (`check_phone`): digits, spaces and `+-().`, 3 to 40 characters.
pub const PHONE_PATTERN: &str = "^[0-9 +().-]{3,40}$";

/// Text of `min..=max` characters, with no control characters (NUL included) and not blank.
pub fn check_text(rules: &mut Rules, field: &str, value: &str, min: usize, max: usize) {
    let length = value.chars().count();
    if length < min || length > max || (min > 0 && value.trim().is_empty()) {
        rules.fail(
            field,
            "length",
            Text::new(format!("Entre {min} et {max} caractères."), format!("Between {min} and {max} characters.")),
        );
    } else if value.chars().any(is_forbidden_char) {
        rules.fail(
            field,
            "characters",
            Text::fixed("Caractères de contrôle interdits.", "Control characters are not allowed."),
        );
    }
}

/// Whether `value` is a stable code (`CODE_PATTERN`).
pub fn is_code(value: &str) -> bool {
    let mut chars = value.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    (2..=CODE_MAX).contains(&value.len()) && starts_well && rest_ok
}

/// A stable code: a lower-case letter, then lower-case letters, digits or `_`; 2 to 40 characters.
pub fn check_code(rules: &mut Rules, field: &str, value: &str) {
    if !is_code(value) {
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
    let plausible = value.chars().count() <= EMAIL_MAX
        && !value.chars().any(|c| c.is_whitespace() || c.is_control() || is_forbidden_char(c))
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

/// An `http://` or `https://` address of at most 500 characters, without white space nor control
/// character.
pub fn check_web_address(rules: &mut Rules, field: &str, value: &str) {
    let plausible = (value.starts_with("https://") || value.starts_with("http://"))
        && value.chars().count() <= WEB_ADDRESS_MAX
        && !value.chars().any(|c| c.is_whitespace() || c.is_control() || is_forbidden_char(c));
    if !plausible {
        rules.fail(field, "format", Text::fixed("Adresse http(s):// attendue.", "An http(s):// address is expected."));
    }
}

/// ISO 3166-1 alpha-2: two upper-case letters.
pub fn check_country(rules: &mut Rules, field: &str, value: &str) {
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
        rules.fail(
            field,
            "format",
            Text::fixed("Code pays ISO 3166-1 alpha-2 (ex. FR).", "ISO 3166-1 alpha-2 country code (e.g. FR)."),
        );
    }
}

/// ISO 639-1: two lower-case letters.
pub fn check_language(rules: &mut Rules, field: &str, value: &str) {
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_lowercase()) {
        rules.fail(field, "format", Text::fixed("Code ISO 639-1 (ex. fr).", "ISO 639-1 code (e.g. fr)."));
    }
}

/// A telephone number: 3 to 40 digits, spaces and `+-().`.
pub fn check_phone(rules: &mut Rules, field: &str, value: &str) {
    let ok = (3..=40).contains(&value.len()) && value.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !ok {
        rules.fail(field, "format", Text::fixed("Numéro de téléphone invalide.", "Invalid phone number."));
    }
}

/// A list of at most `max` items (counted as sent, before duplicates are dropped).
pub fn check_count(rules: &mut Rules, field: &str, count: usize, min: usize, max: usize) {
    if !(min..=max).contains(&count) {
        rules.fail(
            field,
            "count",
            Text::new(format!("Entre {min} et {max} éléments."), format!("Between {min} and {max} items.")),
        );
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
