//! `/funding-lines` and `/exchange-rates`: the lines of a finished project stay as they are, and
//! rates have the decimal syntax of the document.
use reqwest::Method;
use serde_json::json;
use tests::{TestApp, backend_test, read};

use crate::fixtures::{first_error, get_json, line, project};

async fn the_lines_of_a_closed_or_cancelled_project_no_longer_change(app: TestApp) {
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
backend_test!(the_lines_of_a_closed_or_cancelled_project_no_longer_change);

async fn exchange_rates_have_the_decimal_syntax_of_the_document(app: TestApp) {
    for (rate, currency, ok) in [
        ("600.25", "USD", true),
        ("0.000000001", "KWD", true),
        ("999999999999999.5", "GNF", true),
        ("007", "CHF", false),
        ("0", "CHF", false),
        ("0.0000000001", "CHF", false),
        ("1e3", "CHF", false),
        ("+600", "CHF", false),
        ("600.", "CHF", false),
        ("1000000000000000", "CHF", false),
    ] {
        let body = json!({"currency": currency, "rate_to_xof": rate, "valid_from": "2026-01-01"});
        let (status, _, answer) = read(app.post_json("/api/v1/exchange-rates", &body).await).await;
        assert_eq!(status, if ok { 201 } else { 422 }, "{}: {rate}: {answer}", app.backend);
    }
}
backend_test!(exchange_rates_have_the_decimal_syntax_of_the_document);

// On the unit of work: a retry with the same `Idempotency-Key` replays the first answer, and the
// line is audited and announced once.
async fn a_funding_line_retried_with_its_key_is_written_audited_and_announced_once(app: TestApp) {
    let angers = app.seeded_partner("Angers").await;
    let id = project(&app, "Forages de Sabalibougou", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
    let body = json!({"partner_id": angers, "kind": "pledge", "amount": "2500000", "transaction_date": "2026-03-01"});
    let send = || {
        app.request(Method::POST, &format!("/api/v1/projects/{id}/funding-lines"))
            .header("idempotency-key", "sabalibougou-pledge-1")
            .json(&body)
            .send()
    };
    let first = send().await.expect("sent");
    let etag = first.headers()["etag"].to_str().expect("an ETag").to_owned();
    let (status, _, created) = read(first).await;
    assert_eq!(status, 201, "{}: {created}", app.backend);
    let replay = send().await.expect("sent");
    assert_eq!(replay.headers()["etag"].to_str().expect("an ETag"), etag);
    let (status, _, replayed) = read(replay).await;
    assert_eq!((status, &replayed["id"]), (201, &created["id"]), "{}", app.backend);
    assert_eq!(app.count_rows("funding_line", "1 = 1").await, 1, "{}", app.backend);
    let audited = "entity_type = 'funding_line' AND action = 'create'";
    assert_eq!(app.count_rows("audit_event", audited).await, 1, "{}", app.backend);
    assert_eq!(app.count_rows("change_event", "kind = 'project.funding_line_added'").await, 1);
}
backend_test!(a_funding_line_retried_with_its_key_is_written_audited_and_announced_once);

async fn exchange_rates_are_a_paged_list_with_filters_sort_and_q(app: TestApp) {
    for (currency, rate, from) in
        [("USD", "600", "2026-01-01"), ("USD", "610", "2026-02-01"), ("GBP", "760", "2026-01-15")]
    {
        let body = json!({"currency": currency, "rate_to_xof": rate, "valid_from": from});
        let (status, _, answer) = read(app.post_json("/api/v1/exchange-rates", &body).await).await;
        assert_eq!(status, 201, "{answer}");
    }
    let stored = app.count_rows("exchange_rate", "1 = 1").await;
    let (status, _, usd) = read(app.get("/api/v1/exchange-rates?currency=USD").await).await;
    assert_eq!(status, 200, "{usd}");
    let dates: Vec<&str> = usd["items"].as_array().unwrap().iter().map(|r| r["valid_from"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-02-01", "2026-01-01"], "newest first by default ({})", app.backend);

    // Page by page in `valid_from` order: every stored rate once, in order.
    let mut seen: Vec<String> = Vec::new();
    let mut path = "/api/v1/exchange-rates?sort=valid_from&limit=1".to_owned();
    loop {
        let (status, _, page) = read(app.get(&path).await).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(page["items"].as_array().unwrap().iter().map(|r| r["valid_from"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/exchange-rates?sort=valid_from&limit=1&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len() as i64, stored);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);

    let (_, _, gbp) = read(app.get("/api/v1/exchange-rates?q=gb&include_total=true").await).await;
    assert_eq!((gbp["total"].as_u64(), gbp["items"][0]["currency"].as_str()), (Some(1), Some("GBP")), "{gbp}");
    let (_, _, page) = read(app.get("/api/v1/exchange-rates?limit=1").await).await;
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let response = app.get(&format!("/api/v1/exchange-rates?limit=1&currency=USD&cursor={cursor}")).await;
    let problem = tests::expect_problem(response, 422, "other filters").await;
    assert_eq!(problem["errors"][0]["code"], "cursor_mismatch", "{problem}");
}
backend_test!(exchange_rates_are_a_paged_list_with_filters_sort_and_q);
