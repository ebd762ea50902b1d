//! What every report shares: the period and division query, grouped raw queries, counts and column readers.
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Statement, Value};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{auth::Division, error::ApiError, validate::check_param_range};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// From this year (agreements: signing year; projects: start year; financing: transaction year).
    #[param(minimum = 1900, maximum = 2100)]
    pub year_from: Option<i32>,
    #[param(minimum = 1900, maximum = 2100)]
    pub year_to: Option<i32>,
    pub division: Option<Division>,
}

impl StatsQuery {
    pub(super) fn check(&self) -> Result<(i32, i32), ApiError> {
        check_param_range("year_from", self.year_from, 1900, 2100)?;
        check_param_range("year_to", self.year_to, 1900, 2100)?;
        Ok((self.year_from.unwrap_or(1900), self.year_to.unwrap_or(2100)))
    }
}

/// Runs a grouped query with `?` placeholders, numbered for the backend.
pub(super) async fn rows(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>, ApiError> {
    let backend = db.get_database_backend();
    let mut numbered = String::with_capacity(sql.len());
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            numbered.push_str(&if backend == DatabaseBackend::Postgres { format!("${n}") } else { format!("?{n}") });
        } else {
            numbered.push(c);
        }
    }
    Ok(db.query_all_raw(Statement::from_sql_and_values(backend, numbered, values)).await?)
}

pub(super) fn division_value(division: Option<Division>) -> Value {
    Value::from(division.map(|d| d.as_str().to_owned()))
}

/// A count per group.
#[derive(Serialize, ToSchema)]
pub struct Count {
    /// The group's keys, e.g. `{"kind": "twinning", "status": "active"}`: each report names which.
    #[schema(schema_with = group_key)]
    pub key: BTreeMap<String, String>,
    pub count: i64,
}

/// The keys a report groups by (`Count::key`): a closed set of names, each with its values.
fn group_key() -> utoipa::openapi::schema::Schema {
    let reference = |name: &str| serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
    let schema = serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "kind": reference("AgreementKind"),
            "status": {"anyOf": [reference("AgreementStatus"), reference("ProjectStatus")]},
            "division": reference("Division"),
            "decade": {"type": "string", "pattern": "^(?:[0-9]{4}s|unknown)$", "description": "`1960s`…; `unknown` when the year is not known."},
            "domain": {"type": "string", "description": "A domain's code (`/api/v1/domains`)."},
            "commune": reference("Commune"),
        }
    });
    serde_json::from_value(schema).expect("a valid schema")
}

pub(super) fn counts(rows: Vec<QueryResult>, keys: &[&str]) -> Result<Vec<Count>, ApiError> {
    rows.into_iter()
        .map(|row| {
            let mut key = BTreeMap::new();
            for name in keys {
                let value: Option<String> = row.try_get("", name)?;
                key.insert((*name).to_owned(), value.unwrap_or_else(|| "unknown".into()));
            }
            Ok(Count { key, count: row.try_get("", "n")? })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(ApiError::from)
}

/// A date (or the day of a timestamp) column, as either database returns it.
pub(super) fn date_column(row: &QueryResult, name: &str) -> Option<NaiveDate> {
    if let Ok(date) = row.try_get::<Option<NaiveDate>>("", name) {
        return date;
    }
    if let Ok(time) = row.try_get::<Option<chrono::DateTime<Utc>>>("", name) {
        return time.map(|t| t.date_naive());
    }
    let text: Option<String> = row.try_get("", name).ok().flatten();
    text.and_then(|t| NaiveDate::parse_from_str(&t[..t.len().min(10)], "%Y-%m-%d").ok())
}

/// The sum of a group's amounts, as two SQL sums that cannot overflow a `BIGINT` (SQLite fails on
/// an overflowing `SUM`, PostgreSQL on the cast back): the billions and the rest of each amount.
/// `amount_sum` puts them together in `i128`.
pub(super) const AMOUNT_SUM: &str = "CAST(SUM(f.amount_minor / 1000000000) AS BIGINT) AS total_high, \
    CAST(SUM(f.amount_minor % 1000000000) AS BIGINT) AS total_low";

pub(super) fn amount_sum(row: &QueryResult) -> Result<i128, ApiError> {
    let part = |name: &str| -> Result<i64, ApiError> { Ok(row.try_get::<Option<i64>>("", name)?.unwrap_or(0)) };
    Ok(i128::from(part("total_high")?) * 1_000_000_000 + i128::from(part("total_low")?))
}
