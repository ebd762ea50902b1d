//! Field rules shared by every request body. A `Rules` collects every broken rule of a body so
//! that the client sees them all in one 422.
//!
//! Each rule that a JSON Schema `pattern` can say has its pattern here, next to the check, and
//! `openapi.rs` puts it in the document: the document declares what these functions accept. The
//! patterns are written for ECMA-262 and Python `re` alike (explicit `\uXXXX` classes, no `\s`,
//! whose meaning differs between engines).
use std::ops::Deref;

use serde::{Deserialize, Deserializer, de::Error as _};
use utoipa::{
    PartialSchema,
    openapi::{ObjectBuilder, RefOr, Schema, schema::Type},
};

use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// What `char::is_whitespace` (Unicode White_Space) and `char::is_control` (Cc) match, as the
/// inside of a character class.
macro_rules! space_or_control {
    () => {
        "\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFDD0-\\uFDEF\\uFFFE\\uFFFF"
    };
}
/// Control characters but tab, line feed and carriage return, and the non-characters of the
/// basic plane (`is_forbidden_char`), as the inside of a character class.
macro_rules! control_but_breaks {
    () => {
        "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\uFDD0-\\uFDEF\\uFFFE\\uFFFF"
    };
}

/// Any text the server stores (`is_forbidden_char`): what every request string without a stricter
/// pattern of its own declares.
pub const ANY_TEXT_PATTERN: &str = concat!("^[^", control_but_breaks!(), "]*$");

/// A character no text input may hold, whatever the field: the control characters but tab, line
/// feed and carriage return (C0, DEL, C1; NUL breaks PostgreSQL text), and the non-characters
/// U+FDD0–U+FDEF, U+FFFE and U+FFFF (U+FFFE/U+FFFF are not XML 1.0 characters: one of them makes a
/// whole IATI file unparseable). The non-characters of the other planes are XML characters and are
/// kept: JSON Schema patterns cannot name them portably (ECMA-262 and Python differ).
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FDD0}'..='\u{FDEF}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The message of a refused character.
pub fn forbidden_char_message() -> Text {
    Text::fixed(
        "Contient un caractère interdit (caractère de contrôle ou non-caractère Unicode).",
        "Contains a forbidden character (a control character or a Unicode non-character).",
    )
}

/// Every string (and object key) of a JSON value that holds a forbidden character, by its path
/// (`contacts[0].email`, as the body parser names fields).
pub fn forbidden_text_fields(value: &serde_json::Value) -> Vec<FieldError> {
    fn walk(value: &serde_json::Value, path: &str, out: &mut Vec<FieldError>) {
        match value {
            serde_json::Value::String(text) if text.chars().any(is_forbidden_char) => {
                let field = if path.is_empty() { "body".to_owned() } else { path.to_owned() };
                out.push(FieldError::new(field, "forbidden_character", forbidden_char_message()));
            }
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{index}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    let child_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    if key.chars().any(is_forbidden_char) {
                        out.push(FieldError::new(child_path.clone(), "forbidden_character", forbidden_char_message()));
                    }
                    walk(child, &child_path, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

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
/// A search text (`SearchParam`): no control characters.
pub const SEARCH_PATTERN: &str = concat!("^[^", control_but_breaks!(), "\\t\\n\\r]*$");
/// The longest search text.
pub const SEARCH_MAX: usize = 200;

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

/// The first and last years of every date and year the API takes (1900 ..= 2100): the city's
/// first twinning is 1966, and nothing it records is older than a century nor planned beyond
/// the next. A date out of it (0001-01-01, 9999-12-31) is a typing slip, never a record.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2100;
/// The dates `plausible_date` accepts, as the document's pattern for every date the API takes.
pub const DATE_PATTERN: &str = "^(?:19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$";
/// The code of a date out of the range, in a problem's `errors` (and the mark of its serde error).
pub const DATE_RANGE_CODE: &str = "date_range";

/// Whether `date` is within `FIRST_YEAR ..= LAST_YEAR`: the one bound of every date input.
pub fn is_plausible_date(date: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// The message of a date out of the range.
pub fn date_range_message() -> Text {
    Text::new(
        format!("Une date entre {FIRST_YEAR}-01-01 et {LAST_YEAR}-12-31 est attendue."),
        format!("A date between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31 is expected."),
    )
}

/// `#[serde(deserialize_with = "…")]` for every date field of a body or a query, so that no date
/// skips the bound: a body's date out of it is a 422 naming the field (`http::extract::parse_json`
/// reads the mark), a query's a 400 like any unusable parameter.
pub mod plausible_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, de::Error};

    fn checked<E: Error>(date: NaiveDate) -> Result<NaiveDate, E> {
        if super::is_plausible_date(date) {
            Ok(date)
        } else {
            Err(E::custom(format!(
                "{}: {date} is not between {}-01-01 and {}-12-31",
                super::DATE_RANGE_CODE,
                super::FIRST_YEAR,
                super::LAST_YEAR
            )))
        }
    }

    pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        checked(NaiveDate::deserialize(deserializer)?)
    }

    /// With `#[serde(default)]`.
    pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<NaiveDate>::deserialize(deserializer)?.map(checked).transpose()
    }

    /// For PATCH fields, with `#[serde(default)]`: absent → `None`, `null` → `Some(None)`.
    pub fn nullable<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<NaiveDate>>, D::Error> {
        optional(deserializer).map(Some)
    }
}

/// A query parameter that must be a stable code (`domain=water`, `entity_type=partner`); anything
/// else is refused by the query extractor (400), like a value of the wrong type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeParam(String);

impl CodeParam {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for CodeParam {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CodeParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if is_code(&value) {
            Ok(Self(value))
        } else {
            Err(D::Error::custom(
                "a code is a lower-case letter, then lower-case letters, digits or _ (2 to 40 characters)",
            ))
        }
    }
}

impl PartialSchema for CodeParam {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(2))
            .max_length(Some(CODE_MAX))
            .pattern(Some(CODE_PATTERN))
            .into()
    }
}

impl utoipa::ToSchema for CodeParam {}

/// The free text of a search (`q`): at most 200 characters, no control characters; blank means no
/// search. Anything else is refused by the query extractor (400).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchParam(String);

impl Deref for SearchParam {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SearchParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if value.chars().count() > SEARCH_MAX {
            Err(D::Error::custom("a search text has at most 200 characters"))
        } else if value.chars().any(|c| c.is_control() || is_forbidden_char(c)) {
            Err(D::Error::custom("a search text has no control characters"))
        } else {
            Ok(Self(value))
        }
    }
}

impl PartialSchema for SearchParam {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::String).max_length(Some(SEARCH_MAX)).pattern(Some(SEARCH_PATTERN)).into()
    }
}

impl utoipa::ToSchema for SearchParam {}

#[cfg(test)]
mod forbidden_characters {
    use super::*;

    #[test]
    fn controls_and_xml_breaking_non_characters_are_refused_tab_and_breaks_kept() {
        for c in ['\u{0}', '\u{1}', '\u{B}', '\u{1F}', '\u{7F}', '\u{85}', '\u{9F}', '\u{FDD0}', '\u{FFFE}', '\u{FFFF}']
        {
            assert!(is_forbidden_char(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', 'é', 'ß', '\u{A0}', '\u{FFFD}', '\u{1F600}', '\u{E000}'] {
            assert!(!is_forbidden_char(c), "{c:?}");
        }
    }

    #[test]
    fn every_offending_string_and_key_is_named_by_its_path() {
        let body =
            serde_json::json!({"name": "ok", "contacts": [{"email": "a\u{0}b"}], "k\u{FFFF}": 1, "notes": "x\u{FFFE}"});
        let mut fields: Vec<String> = forbidden_text_fields(&body).into_iter().map(|e| e.field).collect();
        fields.sort();
        assert_eq!(fields, ["contacts[0].email", "k\u{FFFF}", "notes"]);
    }

    #[test]
    fn the_declared_pattern_says_the_same() {
        // The inside of the class, as Rust sees it once the JSON escapes are read.
        let class = ANY_TEXT_PATTERN.trim_start_matches("^[^").trim_end_matches("]*$");
        assert!(class.contains("\\u0000-\\u0008") && class.contains("\\uFFFE\\uFFFF"));
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
    fn every_date_is_bounded_to_1900_through_2100_and_the_pattern_agrees() {
        use chrono::NaiveDate;
        #[derive(serde::Deserialize, Debug)]
        struct Body {
            #[serde(deserialize_with = "plausible_date::required")]
            on: NaiveDate,
            #[serde(default, deserialize_with = "plausible_date::optional")]
            until: Option<NaiveDate>,
            #[serde(default, deserialize_with = "plausible_date::nullable")]
            cleared: Option<Option<NaiveDate>>,
        }
        let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        for (text, ok) in [
            ("0001-01-01", false),
            ("1899-12-31", false),
            ("1900-01-01", true),
            ("1966-07-14", true),
            ("2100-12-31", true),
            ("2101-01-01", false),
            ("9999-12-31", false),
        ] {
            assert_eq!(is_plausible_date(date(text)), ok, "{text}");
            let pattern_ok =
                text.len() == 10 && (text.starts_with("19") || text.starts_with("20") || text.starts_with("2100-"));
            assert_eq!(pattern_ok, ok, "DATE_PATTERN ({DATE_PATTERN}) and the check agree on {text}");
            for body in [
                format!(r#"{{"on": "{text}"}}"#),
                format!(r#"{{"on": "2026-01-01", "until": "{text}"}}"#),
                format!(r#"{{"on": "2026-01-01", "cleared": "{text}"}}"#),
            ] {
                let parsed = serde_json::from_str::<Body>(&body);
                assert_eq!(parsed.is_ok(), ok, "{body}: {parsed:?}");
                if let Err(error) = parsed {
                    assert!(error.to_string().starts_with(DATE_RANGE_CODE), "{error}");
                }
            }
        }
        let body: Body = serde_json::from_str(r#"{"on": "2026-01-01", "cleared": null}"#).unwrap();
        assert_eq!((body.on, body.until, body.cleared), (date("2026-01-01"), None, Some(None)));
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
