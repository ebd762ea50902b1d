//! Money and dates at their bounds: sums that cannot wrap, the largest amount a line takes, the
//! lines of a finished project, and the plausible range of every date.
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tests::{TestApp, read, spawn_apps};

use crate::partner_systems::{line, partner_get, project};

async fn add_line(app: &TestApp, project: &str, body: Value) -> (u16, Value) {
    let (status, _, body) =
        read(app.post_json(&format!("/api/v1/projects/{project}/funding-lines"), &body).await).await;
    (status, body)
}

fn first_error(problem: &Value) -> (Option<&str>, Option<&str>) {
    (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str())
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let (status, _, body) = read(app.get(path).await).await;
    assert_eq!(status, 200, "{}: {path}: {body}", app.backend);
    body
}

#[tokio::test]
async fn totals_and_stats_of_lines_at_the_largest_amount_are_exact_and_above_it_is_422() {
    for app in spawn_apps().await {
        let angers = app.seeded_partner("Angers").await;
        let id = project(&app, "Grand programme", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
        let largest = json!({"partner_id": angers, "kind": "commitment", "amount": "9999999999999.99", "currency": "EUR",
            "transaction_date": "2026-03-01"});
        for _ in 0..15 {
            let (status, created) = add_line(&app, &id, largest.clone()).await;
            assert_eq!(status, 201, "{}: {created}", app.backend);
        }
        let mut above = largest.clone();
        above["amount"] = json!("10000000000000");
        let (status, problem) = add_line(&app, &id, above).await;
        assert_eq!((status, first_error(&problem).1), (422, Some("too_large")), "{problem}");
        assert_eq!(app.count_rows("funding_line", "1 = 1").await, 15);

        let check = |eur: &'static str, xof: &'static str, stats_xof: &'static str| {
            let app = &app;
            let id = id.clone();
            let angers = angers.clone();
            async move {
                let financing = get_json(app, &format!("/api/v1/projects/{id}/financing")).await;
                assert_eq!(financing["by_currency"][0]["committed"], eur, "{}: {financing}", app.backend);
                assert_eq!(financing["xof"]["committed"], xof, "{}: {financing}", app.backend);
                let stats = get_json(app, "/api/v1/stats/financing?year_from=2026&year_to=2026").await;
                assert_eq!(stats["total"]["committed"], stats_xof, "{}: {stats}", app.backend);
                assert_eq!(stats["by_year"][0]["xof"]["committed"], stats_xof);
                let token = app.partner_token(&angers).await;
                let (status, view) = partner_get(app, &token, &format!("/api/v1/partner/projects/{id}")).await;
                assert_eq!((status, view["totals_xof"]["committed"].as_str()), (200, Some(xof)), "{view}");
            }
        };
        // 15 × 9,999,999,999,999.99 EUR; × 655.957 rounded to the franc for each line (the
        // project), for the day's sum (the dashboard).
        check("149999999999999.85", "98393549999999895", "98393549999999902").await;
        // Lines recorded before the bound (the review's 999,999,999,999,999.99 EUR and more) still
        // add up exactly: no wrap, no SQL overflow.
        let sql = "UPDATE funding_line SET amount_minor = 999999999999999999";
        app.db.execute_unprepared(sql).await.unwrap();
        check("149999999999999999.85", "98393549999999999895", "98393549999999999902").await;
    }
}

#[tokio::test]
async fn the_lines_of_a_closed_or_cancelled_project_no_longer_change() {
    for app in spawn_apps().await {
        let angers = app.seeded_partner("Angers").await;
        for moves in [vec!["cancelled"], vec!["implementation", "finalisation", "closed"]] {
            let id = project(&app, "Projet terminé", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
            let kept = line(&app, &id, &angers, "1000", false).await;
            let archived = line(&app, &id, &angers, "2000", false).await;
            let path = |line: &str| format!("/api/v1/funding-lines/{line}");
            let etag = |response: &reqwest::Response| response.headers()["etag"].to_str().unwrap().to_owned();
            let tag = etag(&app.get(&path(&archived)).await);
            assert_eq!(app.delete(&path(&archived), Some(&tag)).await.status().as_u16(), 204);
            for status in &moves {
                let body = json!({"status": status, "note": status});
                let (code, _, answer) =
                    read(app.post_json(&format!("/api/v1/projects/{id}/status-updates"), &body).await).await;
                assert_eq!(code, 201, "{answer}");
            }
            let tag = etag(&app.get(&path(&kept)).await);
            let refused = [
                app.patch_json(&path(&kept), Some(&tag), &json!({"amount": "5"})).await,
                app.delete(&path(&kept), Some(&tag)).await,
                app.request(Method::POST, &format!("{}/restore", path(&archived))).send().await.unwrap(),
            ];
            for response in refused {
                let (status, _, problem) = read(response).await;
                assert_eq!(
                    (status, first_error(&problem).1),
                    (422, Some("project_closed")),
                    "{}: {moves:?}: {problem}",
                    app.backend
                );
            }
            let line = get_json(&app, &path(&kept)).await;
            assert_eq!((line["amount"]["amount"].as_str(), line["archived"].as_bool()), (Some("1000"), Some(false)));
            let line = get_json(&app, &path(&archived)).await;
            assert_eq!(line["archived"], true, "still archived");
        }
    }
}

#[tokio::test]
async fn dates_outside_1900_through_2100_are_refused_with_the_field_named() {
    for app in spawn_apps().await {
        let angers = app.seeded_partner("Angers").await;
        let id = project(&app, "Dates", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
        let projects_before = app.count_rows("project", "1 = 1").await;
        for date in ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"] {
            let body = json!({"partner_id": angers, "kind": "commitment", "amount": "1000", "transaction_date": date});
            let (status, problem) = add_line(&app, &id, body).await;
            assert_eq!(status, 422, "{}: {date}: {problem}", app.backend);
            assert_eq!(first_error(&problem), (Some("transaction_date"), Some("date_range")), "{problem}");
            let body = json!({"title": "Hors des dates", "division": "twinning", "domains": ["water"], "communes": ["commune_i"],
                "participants": [], "planned_start": date});
            let (status, _, problem) = read(app.post_json("/api/v1/projects", &body).await).await;
            assert_eq!(status, 422, "{}: {date}: {problem}", app.backend);
            assert_eq!(first_error(&problem), (Some("planned_start"), Some("date_range")), "{problem}");
            let path = format!("/api/v1/projects/{id}");
            let tag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
            let (status, _, problem) =
                read(app.patch_json(&path, Some(&tag), &json!({"actual_end": date})).await).await;
            assert_eq!((status, first_error(&problem)), (422, (Some("actual_end"), Some("date_range"))), "{problem}");
            let (status, _, _) = read(app.get(&format!("/api/v1/funding-lines?from={date}")).await).await;
            assert_eq!(status, 400, "{date} as a query filter");
        }
        assert_eq!(app.count_rows("funding_line", "1 = 1").await, 0);
        assert_eq!(app.count_rows("project", "1 = 1").await, projects_before);
        for date in ["1900-01-01", "2100-12-31"] {
            let body = json!({"partner_id": angers, "kind": "commitment", "amount": "1000", "transaction_date": date});
            assert_eq!(add_line(&app, &id, body).await.0, 201, "{date} is within the range");
        }
    }
}
