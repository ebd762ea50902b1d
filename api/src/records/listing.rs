//! Lists: sorting on a declared set of fields and keyset pagination on (sort value, id), so that
//! paging through a list that grows never skips nor repeats a row. Unknown sort fields are a 400.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select, Value,
    sea_query::{Expr, ExprTrait, Query, SimpleExpr},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value as Json;
use uuid::Uuid;

mod pipeline;
pub use pipeline::{BATCH, Listing, PageRequest, Paged};

use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// The syntax of every cursor (base64url without padding), as the contract declares it.
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]+$";
/// The longest cursor: room for the longest text a list sorts on (300 characters of up to 4 bytes)
/// with the sort, the filters' fingerprint and the id.
pub const CURSOR_MAX: usize = 2048;

/// How a sort value is carried in a cursor.
#[derive(Clone, Copy, Debug)]
pub enum SortKind {
    Text,
    Int,
    Timestamp,
    /// A non-null date column (`2026-03-01`).
    Date,
}

/// A field a list may be sorted by: its public name and the SQL expression it sorts on (non-null;
/// wrap nullable columns in `COALESCE`).
pub struct SortField {
    pub name: &'static str,
    pub expr: fn() -> SimpleExpr,
    pub kind: SortKind,
}

/// The sort a request asked for: `name` ascending, `-name` descending.
#[derive(Clone, Copy)]
pub struct Sort<'a> {
    pub field: &'a SortField,
    pub descending: bool,
}

impl<'a> Sort<'a> {
    pub fn parse(param: Option<&str>, fields: &'a [SortField], default: &str) -> Result<Self, ApiError> {
        let text = param.unwrap_or(default);
        let (name, descending) = match text.strip_prefix('-') {
            Some(name) => (name, true),
            None => (text, false),
        };
        let field = fields.iter().find(|field| field.name == name).ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            ApiError::BadRequest(
                Text::fixed("Tri inconnu.", "Unknown sort."),
                vec![FieldError::new(
                    "sort",
                    "unknown_field",
                    Text::new(
                        format!("Champs de tri possibles : {} (préfixe - pour décroissant).", names.join(", ")),
                        format!("Sort fields: {} (prefix - for descending).", names.join(", ")),
                    ),
                )],
            )
        })?;
        Ok(Self { field, descending })
    }
}

/// The position after the last row of a page, bound to the query it was made for: the sort (`-name`),
/// a fingerprint of the filters (the list's SQL before paging), the row's sort value and id. A
/// cursor used with another sort or other filters would start a page at a meaningless place: it is
/// refused with a 422 that says why.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cursor(String, String, Json, Uuid);

/// `-name` for a descending sort, `name` for an ascending one.
fn sort_key(sort: &Sort) -> String {
    if sort.descending { format!("-{}", sort.field.name) } else { sort.field.name.to_owned() }
}

/// A short, stable fingerprint of a list's filters: a hash of its SQL (values inlined) before any
/// cursor, order or limit is added.
pub fn fingerprint<E: EntityTrait>(select: &Select<E>) -> String {
    use sea_orm::{QueryTrait, sea_query::PostgresQueryBuilder};
    use sha2::{Digest, Sha256};
    let sql = select.as_query().to_string(PostgresQueryBuilder);
    let digest = Sha256::digest(sql.as_bytes());
    digest.iter().take(6).map(|byte| format!("{byte:02x}")).collect()
}

/// A 422 on `cursor`, with the reason the cursor does not fit this request.
pub fn cursor_refused(code: &'static str, reason: Text) -> ApiError {
    ApiError::Validation(vec![FieldError::new("cursor", code, reason)])
}

fn to_value(kind: SortKind, json: &Json) -> Option<Value> {
    match kind {
        SortKind::Text => json.as_str().map(|s| Value::from(s.to_owned())),
        SortKind::Int => json.as_i64().map(Value::from),
        SortKind::Timestamp => {
            json.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| Value::from(t.with_timezone(&Utc)))
        }
        SortKind::Date => json.as_str().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()).map(Value::from),
    }
}

/// The JSON form of a row's sort value, for its cursor.
pub enum SortValue {
    Text(String),
    Int(i64),
    Timestamp(DateTime<Utc>),
    Date(Option<NaiveDate>),
}

impl SortValue {
    fn json(&self) -> Json {
        match self {
            SortValue::Text(text) => Json::from(text.clone()),
            SortValue::Int(number) => Json::from(*number),
            SortValue::Timestamp(time) => Json::from(time.to_rfc3339()),
            SortValue::Date(date) => Json::from(date.map(|d| d.to_string()).unwrap_or_default()),
        }
    }
}

/// Orders `select` by the sort and the id, and starts after `cursor` when given. `limit + 1` rows
/// are fetched so that `page` can tell whether another page follows.
pub fn keyset<E: EntityTrait>(
    select: Select<E>,
    sort: &Sort,
    id_column: E::Column,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Select<E>, ApiError> {
    let order = if sort.descending { Order::Desc } else { Order::Asc };
    let mut select = select;
    if let Some(Cursor(cursor_sort, filters, value, last_id)) = decode_cursor::<Cursor>(cursor)? {
        let expected = sort_key(sort);
        if cursor_sort != expected {
            return Err(cursor_refused(
                "cursor_mismatch",
                Text::new(
                    format!(
                        "Ce curseur a été fait pour le tri {cursor_sort}, cette requête trie par {expected} : \
                         reprenez à la première page ou gardez le même tri."
                    ),
                    format!(
                        "This cursor was made for sort {cursor_sort}, this request sorts by {expected}: start again \
                         from the first page or keep the same sort."
                    ),
                ),
            ));
        }
        if filters != fingerprint(&select) {
            return Err(cursor_refused(
                "cursor_mismatch",
                Text::fixed(
                    "Ce curseur a été fait pour d'autres filtres (q, include_archived…) : reprenez à la première page \
                     ou gardez les mêmes filtres.",
                    "This cursor was made for other filters (q, include_archived…): start again from the first page \
                     or keep the same filters.",
                ),
            ));
        }
        let value = to_value(sort.field.kind, &value).ok_or_else(not_a_cursor)?;
        // One row comparison, `(sort, id) < (value, last id)`: the database reads it as a range of
        // the (sort, id) index, where the equivalent OR of two comparisons makes it filter rows.
        let row = Expr::tuple([(sort.field.expr)(), Expr::col(id_column)]);
        let last = Expr::tuple([Expr::val(value), Expr::val(last_id)]);
        select = select.filter(if sort.descending { row.lt(last) } else { row.gt(last) });
    }
    Ok(select.order_by((sort.field.expr)(), order.clone()).order_by(id_column, order).limit(limit + 1))
}

/// `EXISTS (SELECT 1 FROM link WHERE link.owner = owner_id AND link.column = value)`: a filter on a
/// join table that many rows match (a project's domains or communes). Both databases then walk the
/// list's (sort, id) index and probe the link's primary key per row until the page is full: no join
/// to de-duplicate, no sort of every match (plans in the benchmark's summary).
pub fn linked<L: EntityTrait>(
    owner_id: impl ColumnTrait,
    link_owner: L::Column,
    link_column: L::Column,
    value: impl Into<Value>,
) -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(L::default())
            .and_where(Expr::col((L::default(), link_owner)).equals(owner_id.as_column_ref()))
            .and_where(Expr::col((L::default(), link_column)).eq(value.into()))
            .to_owned(),
    )
}

/// `linked` for any of several values: `EXISTS (… AND link.column IN (values))`.
pub fn linked_any<L: EntityTrait>(
    owner_id: impl ColumnTrait,
    link_owner: L::Column,
    link_column: L::Column,
    values: impl IntoIterator<Item = impl Into<Value>>,
) -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(L::default())
            .and_where(Expr::col((L::default(), link_owner)).equals(owner_id.as_column_ref()))
            .and_where(Expr::col((L::default(), link_column)).is_in(values.into_iter().map(Into::into)))
            .to_owned(),
    )
}

/// `owner_id IN (SELECT link.owner FROM link WHERE link.column = value)`: a filter that few rows
/// match (a partner's projects). The databases start from the link's index on `column` and read
/// those rows by primary key; with `EXISTS`, SQLite would walk the whole list instead (16 ms
/// against 0.6 ms for a partner with 250 of 50,000 projects).
pub fn linked_few<L: EntityTrait>(
    owner_id: impl ColumnTrait,
    link_owner: L::Column,
    link_column: L::Column,
    value: impl Into<Value>,
) -> SimpleExpr {
    owner_id.in_subquery(
        Query::select()
            .column(link_owner)
            .from(L::default())
            .and_where(Expr::col(link_column).eq(value.into()))
            .to_owned(),
    )
}

/// Splits fetched rows into the page and the cursor of the next one, bound to `sort` and to the
/// `filters` fingerprint of the list.
pub fn page<T>(
    mut rows: Vec<T>,
    limit: u64,
    sort: &Sort,
    filters: &str,
    key: impl Fn(&T) -> (SortValue, Uuid),
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(|row| {
        let (value, id) = key(row);
        encode_cursor(&Cursor(sort_key(sort), filters.to_owned(), value.json(), id))
    });
    (rows, next)
}

/// Encodes the sort key of the last row of a page.
pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// The 422 of a cursor that has the cursor syntax (the contract's pattern) but was not made by
/// this list.
fn not_a_cursor() -> ApiError {
    cursor_refused(
        "cursor_unknown",
        Text::fixed(
            "Ce curseur n'a pas été fait par cette liste : utilisez le next_cursor d'une page précédente.",
            "This cursor was not made by this list: use the next_cursor of a previous page.",
        ),
    )
}

/// Decodes a cursor made by `encode_cursor`. Its syntax (`CURSOR_PATTERN`, `CURSOR_MAX`) is checked
/// by the query extractor (`validate::CursorParam`, 400); a cursor of the right syntax that this list
/// did not make is a 422 saying so.
pub fn decode_cursor<K: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<K>, ApiError> {
    let Some(cursor) = cursor else { return Ok(None) };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .map(Some)
        .ok_or_else(not_a_cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[SortField] = &[
        SortField { name: "name", expr: || Expr::cust("name"), kind: SortKind::Text },
        SortField { name: "created_at", expr: || Expr::cust("created_at"), kind: SortKind::Timestamp },
    ];

    #[test]
    fn sorts_parse_with_direction_and_unknown_fields_are_refused() {
        let sort = Sort::parse(Some("-created_at"), FIELDS, "name").unwrap();
        assert_eq!((sort.field.name, sort.descending), ("created_at", true));
        let sort = Sort::parse(None, FIELDS, "name").unwrap();
        assert_eq!((sort.field.name, sort.descending), ("name", false));
        assert!(matches!(Sort::parse(Some("password_hash"), FIELDS, "name"), Err(ApiError::BadRequest(..))));
    }

    #[test]
    fn a_full_page_has_a_cursor_and_a_short_one_none() {
        let id = Uuid::now_v7();
        let sort = Sort::parse(None, FIELDS, "name").unwrap();
        let (rows, next) = page(vec![1, 2, 3], 2, &sort, "f", |_| (SortValue::Int(1), id));
        assert_eq!(rows, vec![1, 2]);
        assert!(next.is_some());
        let (_, next) = page(vec![1], 2, &sort, "f", |_| (SortValue::Int(1), id));
        assert!(next.is_none());
    }
}
