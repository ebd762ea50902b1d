//! CSV exports of lists: a list route asked with `Accept: text/csv` streams every matching row
//! (the same filters, no paging) as UTF-8 CSV with a byte-order mark, so that spreadsheets show
//! accents right. `Accept: text/csv; separator=semicolon` uses `;`, as French spreadsheets expect.
//! Rows are the JSON items of the list, in the list's order (its `sort`), under the columns the
//! item type declares (`columns`): nested objects become `parent.child` columns, lists are joined
//! with ` | `.
use actix_web::{HttpRequest, HttpResponse, http::header, web::Bytes};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;

mod columns;
pub use columns::{Column, columns};

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

/// Writes the header and the rows of an export, every row with the same declared columns.
pub struct CsvWriter {
    format: CsvFormat,
    columns: Vec<Column>,
}

impl CsvWriter {
    pub fn new(format: CsvFormat, columns: Vec<Column>) -> Self {
        Self { format, columns }
    }

    fn line(&self, cells: impl Iterator<Item = String>) -> String {
        let separator = char::from(self.format.separator).to_string();
        let mut line = cells.map(|cell| quote(&cell, self.format.separator)).collect::<Vec<_>>().join(&separator);
        line.push_str("\r\n");
        line
    }

    /// The byte-order mark and the header line: a file with no row still names its columns.
    pub fn header(&self) -> Bytes {
        Bytes::from(format!("\u{feff}{}", self.line(self.columns.iter().map(|column| column.name.clone()))))
    }

    /// One line per item, a cell per column (empty where the item has no value).
    pub fn write(&self, items: &[Value]) -> Bytes {
        let lines: String =
            items.iter().map(|item| self.line(self.columns.iter().map(|column| cell(column.value(item))))).collect();
        Bytes::from(lines)
    }
}

/// Streams batches of items as a CSV download named `name`, with the columns `T` declares.
pub fn stream<T, S>(format: CsvFormat, name: &str, batches: S) -> HttpResponse
where
    T: Serialize + ToSchema,
    S: Stream<Item = Result<Vec<T>, ApiError>> + 'static,
{
    let writer = CsvWriter::new(format, columns::<T>());
    let header = writer.header();
    let rows = batches.map(move |batch| {
        let values = batch.and_then(|items| {
            items
                .iter()
                .map(|item| serde_json::to_value(item).map_err(|error| ApiError::Internal(error.into())))
                .collect::<Result<Vec<_>, _>>()
        });
        let values = values.map_err(|error| {
            tracing::error!(?error, "CSV export interrupted");
            actix_web::error::ErrorInternalServerError("export interrupted")
        })?;
        Ok::<Bytes, actix_web::Error>(writer.write(&values))
    });
    let body = futures_util::stream::once(std::future::ready(Ok(header))).chain(rows);
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn writer(separator: u8, names: &[&str]) -> CsvWriter {
        CsvWriter::new(CsvFormat { separator }, names.iter().map(|name| Column::at(name)).collect())
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_neutralised() {
        let writer = writer(b',', &["name", "a", "b", "c", "d", "e", "n", "tags"]);
        let items = [
            json!({"name": "=HYPERLINK(\"http://x\",\"clic\")", "a": "+1", "b": "-2", "c": "@SUM(A1)", "d": "\tx", "e": "\rx", "n": -3, "tags": ["=1+1", "ok"]}),
        ];
        let text = String::from_utf8(writer.write(&items).to_vec()).expect("utf-8");
        let row = text.lines().next().expect("a row");
        assert!(row.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"clic\"\")\""), "{row}");
        for cell in ["'+1", "'-2", "'@SUM(A1)", "-3", "'=1+1 | ok"] {
            assert!(row.contains(cell), "{cell} in {row}");
        }
        assert!(text.contains("\"'\tx\"") || text.contains("'\tx"), "{text}");
        assert!(text.contains("\"'\rx\""), "{text}");
    }

    #[test]
    fn rows_have_the_declared_columns_quoted_after_a_bom_and_the_header() {
        let writer = writer(b';', &["name", "amount.amount", "amount.currency", "domains", "note", "partners"]);
        let mut bytes = writer.header().to_vec();
        bytes.extend_from_slice(&writer.write(&[
            json!({"name": "Fès", "amount": {"amount": "1500.50", "currency": "EUR"}, "domains": ["water", "health"], "note": "a;b \"c\"", "partners": [{"name": "Angers"}, {"name": "Lyon"}]}),
            json!({"name": "Ségou", "amount": null, "domains": [], "note": null}),
        ]));
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "name;amount.amount;amount.currency;domains;note;partners");
        assert_eq!(lines[1], "Fès;1500.50;EUR;water | health;\"a;b \"\"c\"\"\";Angers | Lyon");
        assert_eq!(lines[2], "Ségou;;;;;");
    }
}
