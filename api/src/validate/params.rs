//! Query parameter rules: bounds and codes checked by handlers (400), and the code and search
//! parameters that the query extractor refuses (400) before a handler runs.
use std::ops::Deref;

use serde::{Deserialize, Deserializer, de::Error as _};
use utoipa::{
    PartialSchema,
    openapi::{ObjectBuilder, RefOr, Schema, schema::Type},
};

use super::{CODE_MAX, CODE_PATTERN, is_code, is_forbidden_char};
use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// A search text (`SearchParam`): no control characters.
pub const SEARCH_PATTERN: &str = concat!("^[^", control_but_breaks!(), "\\t\\n\\r]*$");
/// The refusals of `CodeParam` and `SearchParam` (`http::extract` says them in French too).
pub const CODE_PARAM_ERROR: &str =
    "a code is a lower-case letter, then lower-case letters, digits or _ (2 to 40 characters)";
pub const SEARCH_TOO_LONG: &str = "a search text has at most 200 characters";
pub const SEARCH_CONTROL: &str = "a search text has no control characters";
/// The longest search text.
pub const SEARCH_MAX: usize = 200;

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
        if is_code(&value) { Ok(Self(value)) } else { Err(D::Error::custom(CODE_PARAM_ERROR)) }
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
            Err(D::Error::custom(SEARCH_TOO_LONG))
        } else if value.chars().any(|c| c.is_control() || is_forbidden_char(c)) {
            Err(D::Error::custom(SEARCH_CONTROL))
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

/// A person a list filters on (`agent_in_charge=me`, or an account's id): `me` is the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonParam {
    Me,
    Id(uuid::Uuid),
}

impl PersonParam {
    /// The account meant, `caller` for `me`.
    pub fn resolve(self, caller: uuid::Uuid) -> uuid::Uuid {
        match self {
            Self::Me => caller,
            Self::Id(id) => id,
        }
    }
}

impl<'de> Deserialize<'de> for PersonParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if value == "me" {
            return Ok(Self::Me);
        }
        uuid::Uuid::parse_str(&value).map(Self::Id).map_err(|_| D::Error::custom("`me` or an account's id (a UUID)"))
    }
}

impl PartialSchema for PersonParam {
    fn schema() -> RefOr<Schema> {
        use utoipa::openapi::OneOfBuilder;
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["me"])).build())
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Uuid)))
                    .max_length(Some(36))
                    .build(),
            )
            .into()
    }
}

impl utoipa::ToSchema for PersonParam {}
