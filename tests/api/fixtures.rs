//! Helpers several route files share: projects and funding lines, a partner system's reads and
//! webhooks, an agreement by city, problem details.
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, read};

pub(crate) struct Fixture {
    pub(crate) angers: String,
    pub(crate) bordeaux: String,
    pub(crate) shared: String,
    pub(crate) other: String,
}

pub(crate) async fn fixture(app: &TestApp) -> Fixture {
    let angers = app.seeded_partner("Angers").await;
    let bordeaux = app.seeded_partner("Bordeaux").await;
    let both = json!([{"partner_id": angers, "roles": ["funding"]}, {"partner_id": bordeaux, "roles": ["funding", "implementing"]}]);
    let shared = project(app, "Forages à Banconi", both).await;
    let other = project(app, "Voirie à Lafiabougou", json!([{"partner_id": bordeaux, "roles": ["funding"]}])).await;
    line(app, &shared, &angers, "1000000", false).await;
    line(app, &shared, &bordeaux, "2000000", false).await;
    line(app, &shared, &bordeaux, "500000", true).await;
    line(app, &other, &bordeaux, "9000000", false).await;
    Fixture { angers, bordeaux, shared, other }
}

pub(crate) async fn project(app: &TestApp, title: &str, participants: Value) -> String {
    let body = json!({"title": title, "summary": "Résumé public", "internal_notes": "NE PAS DIVULGUER", "division": "decentralized_cooperation",
        "domains": ["water"], "communes": ["commune_iii"], "participants": participants});
    let (status, _, created) = read(app.post_json("/api/v1/projects", &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn line(app: &TestApp, project: &str, partner: &str, amount: &str, public: bool) -> String {
    let body = json!({"partner_id": partner, "kind": "commitment", "amount": amount, "transaction_date": "2026-03-01", "is_public": public});
    let (status, _, created) =
        read(app.post_json(&format!("/api/v1/projects/{project}/funding-lines"), &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn partner_get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let (status, _, body) = read(app.request_as(Some(token), Method::GET, path).send().await.unwrap()).await;
    (status, body)
}

pub(crate) fn fast_webhooks(settings: &mut api::config::Settings) {
    settings.partners.webhook_allow_private = true;
    settings.partners.webhook_poll_interval = Duration::from_millis(50);
    settings.partners.webhook_retry_base = Duration::from_millis(100);
}

pub(crate) async fn register(app: &TestApp, token: &str, url: &str, events: Value) -> (u16, Value) {
    let body = json!({"url": url, "events": events, "secret": "a-shared-secret-of-at-least-32-characters"});
    let (status, _, body) =
        read(app.request_as(Some(token), Method::POST, "/api/v1/webhooks").json(&body).send().await.unwrap()).await;
    (status, body)
}

pub(crate) async fn agreement_of(app: &TestApp, city: &str) -> String {
    let partner = app.seeded_partner(city).await;
    let (_, _, page) = read(app.get(&format!("/api/v1/agreements?partner={partner}")).await).await;
    page["items"][0]["id"].as_str().unwrap().to_owned()
}

pub(crate) fn first_error(problem: &Value) -> (Option<&str>, Option<&str>) {
    (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str())
}

pub(crate) async fn get_json(app: &TestApp, path: &str) -> Value {
    let (status, _, body) = read(app.get(path).await).await;
    assert_eq!(status, 200, "{}: {path}: {body}", app.backend);
    body
}

pub(crate) async fn add_line(app: &TestApp, project: &str, body: Value) -> (u16, Value) {
    let (status, _, body) =
        read(app.post_json(&format!("/api/v1/projects/{project}/funding-lines"), &body).await).await;
    (status, body)
}
