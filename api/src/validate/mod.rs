//! Field rules shared by every request body. A `Rules` collects every broken rule of a body so
//! that the client sees them all in one 422.
//!
//! Each rule that a JSON Schema `pattern` can say has its pattern here, next to the check, and
//! `openapi/` puts it in the document: the document declares what these functions accept. The
//! patterns are written for ECMA-262 and Python `re` alike (explicit `\uXXXX` classes, no `\s`,
//! whose meaning differs between engines).
//!
//! The rules live by topic (`characters`, `fields`, `dates`, `params`) and are re-exported here.
use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

// The pattern macros come before the `mod` lines: a `macro_rules!` is seen only below it.
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

mod characters;
mod dates;
mod fields;
mod params;

pub use characters::{ANY_TEXT_PATTERN, forbidden_char_message, forbidden_text_fields, is_forbidden_char};
pub use dates::{
    DATE_PATTERN, DATE_RANGE_CODE, FIRST_YEAR, LAST_YEAR, date_range_message, is_plausible_date, plausible_date,
};
pub use fields::{
    CODE_MAX, CODE_PATTERN, COUNTRY_PATTERN, EMAIL_MAX, EMAIL_PATTERN, LANGUAGE_PATTERN, PHONE_PATTERN, TEXT_PATTERN,
    WEB_ADDRESS_MAX, WEB_ADDRESS_PATTERN, check_code, check_count, check_country, check_email, check_language,
    check_phone, check_text, check_web_address, is_code,
};
pub use params::{
    CODE_PARAM_ERROR, CodeParam, PersonParam, SEARCH_CONTROL, SEARCH_MAX, SEARCH_PATTERN, SEARCH_TOO_LONG, SearchParam,
    check_param_code, check_param_range,
};

/// The field of item `index` of a list: `participants[].partner_id` gives
/// `participants[2].partner_id`; a name without `[]` (a single reference) is kept as it is.
pub fn item_field(field: &str, index: usize) -> String {
    field.replacen("[]", &format!("[{index}]"), 1)
}

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

    /// Adds the field errors of a check that failed with a 422 and goes on, so that format rules,
    /// cross-field rules and reference checks are answered together, in one 422, before any
    /// write; any other refusal (403, 404, 409) or fault is returned at once.
    pub fn absorb<T>(&mut self, result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(ApiError::Validation(errors)) => {
                self.errors.extend(errors);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Whether a rule was broken so far.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether `field` already broke a rule (a check that needs a well-formed value then waits).
    pub fn names(&self, field: &str) -> bool {
        self.errors.iter().any(|error| error.field == field)
    }

    /// `Ok` when no rule was broken, otherwise a 422 listing them all.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(self.errors)) }
    }
}
