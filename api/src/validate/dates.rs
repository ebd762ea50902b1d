//! The one bound of every date the API takes (1900 ..= 2100), and the serde helpers that apply it.
use crate::i18n::Text;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
