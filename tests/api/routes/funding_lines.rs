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
