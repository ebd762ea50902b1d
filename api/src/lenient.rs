//! Whole numbers written with a fraction of zero (`377.0`) are whole numbers in JSON Schema:
//! accept them where an integer is expected.
use serde::{Deserialize, Deserializer, de::Error};

fn whole(value: serde_json::Number) -> Option<i32> {
    value
        .as_i64()
        .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64))
        .and_then(|v| i32::try_from(v).ok())
}

pub fn i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    whole(number).ok_or_else(|| D::Error::custom("invalid type: expected a whole number"))
}

pub fn option_i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        None => Ok(None),
        Some(number) => {
            whole(number).map(Some).ok_or_else(|| D::Error::custom("invalid type: expected a whole number"))
        }
    }
}

/// For PATCH fields: absent → `None`, `null` → `Some(None)`.
pub fn double_option_i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<i32>>, D::Error> {
    option_i32(deserializer).map(Some)
}
