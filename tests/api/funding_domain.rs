//! Funding lines and webhook endpoints written through the unit of work: a retry with the same
//! `Idempotency-Key` replays the first answer, and each change is audited and announced once.
use reqwest::Method;
use serde_json::json;
use tests::{read, spawn_apps, spawn_apps_with};

use crate::partner_systems::project;

#[tokio::test]
async fn a_funding_line_retried_with_its_key_is_written_audited_and_announced_once() {
    for app in spawn_apps().await {
        let angers = app.seeded_partner("Angers").await;
        let id = project(&app, "Forages de Sabalibougou", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
        let body =
            json!({"partner_id": angers, "kind": "pledge", "amount": "2500000", "transaction_date": "2026-03-01"});
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
}

#[tokio::test]
async fn a_webhook_endpoint_is_audited_without_its_secret_and_archived_once() {
    let settings = |s: &mut api::config::Settings| s.partners.webhook_allow_private = true;
    for app in spawn_apps_with(settings).await {
        let partner = app.seeded_partner("Angers").await;
        let token = app.partner_token(&partner).await;
        let secret = "un-secret-assez-long-pour-etre-accepte-0123456789";
        let body = json!({"url": "http://127.0.0.1:9/hook", "events": ["project.updated"], "secret": secret});
        let response =
            app.request_as(Some(&token), Method::POST, "/api/v1/webhooks").json(&body).send().await.expect("sent");
        let etag = response.headers()["etag"].to_str().expect("an ETag").to_owned();
        let (status, _, created) = read(response).await;
        assert_eq!((status, created["secret"].as_str()), (201, Some(secret)), "{}: {created}", app.backend);
        let leaked = format!("CAST(after AS TEXT) LIKE '%{secret}%' OR CAST(before AS TEXT) LIKE '%{secret}%'");
        let registered = "entity_type = 'webhook' AND action = 'create'";
        assert_eq!(app.count_rows("audit_event", registered).await, 1, "{}", app.backend);
        assert_eq!(app.count_rows("audit_event", &leaked).await, 0, "{}", app.backend);
        let path = format!("/api/v1/webhooks/{}", created["webhook"]["id"].as_str().expect("an id"));
        let (status, _, _) = read(app.delete(&path, Some(&etag)).await).await;
        assert_eq!(status, 204, "{}", app.backend);
        let current = app.get(&path).await;
        let archived_etag = current.headers()["etag"].to_str().expect("an ETag").to_owned();
        let (status, _, current) = read(current).await;
        assert_eq!((status, current["archived"].as_bool()), (200, Some(true)), "{}", app.backend);
        let (status, _, _) = read(app.delete(&path, Some(&archived_etag)).await).await;
        assert_eq!(status, 204, "{}: archiving an archived endpoint changes nothing", app.backend);
        let archived = "entity_type = 'webhook' AND action = 'archive'";
        assert_eq!(app.count_rows("audit_event", archived).await, 1, "{}", app.backend);
    }
}
