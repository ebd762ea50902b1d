//! CSV exports of lists: a list route asked with `Accept: text/csv` streams every matching row
//! (the same filters, no paging) as UTF-8 CSV with a byte-order mark, so that spreadsheets show
//! accents right. `Accept: text/csv; separator=semicolon` uses `;`, as French spreadsheets expect.
//! Rows are the JSON items of the list, flattened: nested objects become `parent.child` columns,
//! lists are joined with ` | `.
use actix_web::{HttpRequest, HttpResponse, http::header, web::Bytes};
use futures_util::{Stream, StreamExt};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The CSV options a request asks for, if it asks for CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvFormat {
    pub separator: u8,
}

impl CsvFormat {
    /// `Some` when the client prefers `text/csv` to JSON.
    pub fn requested(req: &HttpRequest) -> Option<Self> {
        let accept = req.headers().get(header::ACCEPT)?.to_str().ok()?.to_ascii_lowercase();
        let csv = accept.split(',').find(|item| item.trim().starts_with("text/csv"))?;
        let semicolon = csv.split(';').skip(1).any(|param| param.trim().replace(' ', "") == "separator=semicolon");
        Some(Self { separator: if semicolon { b';' } else { b',' } })
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Map<String, Value>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&name, child, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

/// A text cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab or carriage
/// return first) gets a leading `'`, as OWASP's CSV-injection guidance says: shown as text, never run.
/// Numbers are JSON numbers, not text, so a negative figure is untouched.
fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => neutralise(text),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(map) => map.get("name").map_or_else(|| item.to_string(), cell),
                other => cell(other),
            })
            .collect::<Vec<_>>()
            .join(" | "),
        other => other.to_string(),
    }
}

fn quote(text: &str, separator: u8) -> String {
    let needs = text.bytes().any(|b| b == separator || b == b'"' || b == b'\n' || b == b'\r');
    if needs { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// Writes rows as CSV lines; the first call also writes the BOM and the header from `columns`.
pub struct CsvWriter {
    format: CsvFormat,
    columns: Option<Vec<String>>,
}

impl CsvWriter {
    pub fn new(format: CsvFormat) -> Self {
        Self { format, columns: None }
    }

    pub fn write(&mut self, items: &[Value]) -> Bytes {
        let mut out = String::new();
        let separator = char::from(self.format.separator);
        for item in items {
            let mut flat = Map::new();
            flatten("", item, &mut flat);
            if self.columns.is_none() {
                let columns: Vec<String> = flat.keys().cloned().collect();
                out.push('\u{feff}');
                out.push_str(
                    &columns
                        .iter()
                        .map(|c| quote(c, self.format.separator))
                        .collect::<Vec<_>>()
                        .join(&separator.to_string()),
                );
                out.push_str("\r\n");
                self.columns = Some(columns);
            }
            if let Some(columns) = &self.columns {
                let line: Vec<String> = columns
                    .iter()
                    .map(|c| quote(&cell(flat.get(c).unwrap_or(&Value::Null)), self.format.separator))
                    .collect();
                out.push_str(&line.join(&separator.to_string()));
                out.push_str("\r\n");
            }
        }
        Bytes::from(out)
    }

    /// A header-only file for an export with no row.
    pub fn empty() -> Bytes {
        Bytes::from("\u{feff}")
    }
}

/// Streams batches of items (each a `Vec` of JSON objects) as a CSV download named `name`.
pub fn stream<S>(format: CsvFormat, name: &str, batches: S) -> HttpResponse
where
    S: Stream<Item = Result<Vec<Value>, ApiError>> + 'static,
{
    let mut writer = CsvWriter::new(format);
    let mut started = false;
    let body = batches.map(move |batch| {
        let batch = batch.map_err(|error| {
            tracing::error!(?error, "CSV export interrupted");
            actix_web::error::ErrorInternalServerError("export interrupted")
        })?;
        if batch.is_empty() && !started {
            started = true;
            return Ok::<Bytes, actix_web::Error>(CsvWriter::empty());
        }
        started = true;
        Ok(writer.write(&batch))
    });
    let media = if format.separator == b';' {
        "text/csv; charset=utf-8; separator=semicolon"
    } else {
        "text/csv; charset=utf-8"
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, media))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.csv\"")))
        .streaming(body)
}

/// The batch size of exports: large enough to be quick, small enough to keep memory flat.
pub const BATCH: u64 = 500;

/// Every row of `select`, in batches of `BATCH` ordered by id, each batch turned into JSON items
/// by `to_json` (which loads what the rows link to, a batch at a time).
pub fn batches<E, F, Fut>(
    db: sea_orm::DatabaseConnection,
    select: sea_orm::Select<E>,
    id_column: E::Column,
    id_of: fn(&E::Model) -> uuid::Uuid,
    to_json: F,
) -> impl Stream<Item = Result<Vec<Value>, ApiError>> + 'static
where
    E: sea_orm::EntityTrait,
    E::Model: Send + Sync,
    E::Column: Copy + 'static,
    F: Fn(sea_orm::DatabaseConnection, Vec<E::Model>) -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = Result<Vec<Value>, ApiError>> + 'static,
{
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    // State: `None` when done; `Some(None)` before the first batch; `Some(Some(id))` after `id`.
    futures_util::stream::unfold((Some(None::<uuid::Uuid>), true), move |(state, first)| {
        let (db, select, to_json) = (db.clone(), select.clone(), to_json.clone());
        async move {
            let after = state?;
            let mut page = select.order_by_asc(id_column).limit(BATCH);
            if let Some(after) = after {
                page = page.filter(id_column.gt(after));
            }
            match page.all(&db).await {
                Err(error) => Some((Err(ApiError::from(error)), (None, false))),
                Ok(rows) => {
                    if rows.is_empty() && !first {
                        return None;
                    }
                    let full = rows.len() as u64 == BATCH;
                    let last = rows.last().map(id_of);
                    let items = to_json(db, rows).await;
                    let next = if full { last.map(Some) } else { None };
                    Some((items, (next, false)))
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_neutralised() {
        let mut writer = CsvWriter::new(CsvFormat { separator: b',' });
        let items = [
            json!({"name": "=HYPERLINK(\"http://x\",\"clic\")", "a": "+1", "b": "-2", "c": "@SUM(A1)", "d": "\tx", "e": "\rx", "n": -3, "tags": ["=1+1", "ok"]}),
        ];
        let text = String::from_utf8(writer.write(&items).to_vec()).expect("utf-8");
        let row = text.lines().nth(1).expect("a row");
        assert!(row.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"clic\"\")\""), "{row}");
        for cell in ["'+1", "'-2", "'@SUM(A1)", "-3", "'=1+1 | ok"] {
            assert!(row.contains(cell), "{cell} in {row}");
        }
        assert!(text.contains("\"'\tx\"") || text.contains("'\tx"), "{text}");
        assert!(text.contains("\"'\rx\""), "{text}");
    }

    #[test]
    fn rows_are_flattened_quoted_and_start_with_a_bom() {
        let mut writer = CsvWriter::new(CsvFormat { separator: b';' });
        let bytes = writer.write(&[
            json!({"name": "Fès", "amount": {"amount": "1500.50", "currency": "EUR"}, "domains": ["water", "health"], "note": "a;b \"c\""}),
            json!({"name": "Ségou", "amount": {"amount": "10", "currency": "XOF"}, "domains": [], "note": null}),
        ]);
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "amount.amount;amount.currency;domains;name;note");
        assert_eq!(lines[1], "1500.50;EUR;water | health;Fès;\"a;b \"\"c\"\"\"");
        assert_eq!(lines[2], "10;XOF;;Ségou;");
    }
}
