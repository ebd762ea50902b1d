//! The unit of work seen from outside: each write is audited once, with the answer kept for its
//! `Idempotency-Key` (a retry replays it and changes nothing), and a lost update changes nothing.
use reqwest::{Method, header};
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

/// Posts `body` twice with one `Idempotency-Key`; returns the first answer's body after checking
/// that the second replays it.
async fn post_twice(app: &TestApp, path: &str, key: &str, body: &Value) -> Value {
    let send = || app.request(Method::POST, path).header("idempotency-key", key).json(body).send();
    let first = send().await.expect("request sent");
    let location = first.headers()[header::LOCATION].to_str().expect("a location").to_owned();
    let (status, _, created) = read(first).await;
    assert_eq!(status, 201, "{}: {created}", app.backend);
    let replay = send().await.expect("request sent");
    assert_eq!(replay.headers()["idempotent-replayed"], "true", "{}", app.backend);
    assert_eq!(replay.headers()[header::LOCATION].to_str().expect("a location"), location);
    let (status, _, replayed) = read(replay).await;
    assert_eq!((status, &replayed["id"]), (201, &created["id"]), "{}", app.backend);
    created
}

async fn audited(app: &TestApp, entity_type: &str, id: &Value) -> i64 {
    let id = id.as_str().expect("an id");
    app.count_rows("audit_event", &format!("entity_type = '{entity_type}' AND entity_id = '{id}'")).await
}

async fn an_evaluation_and_an_event_posted_twice_with_one_key_are_recorded_and_audited_once(app: TestApp) {
    let partner = app.seeded_partner("Leipzig").await;
    let (_, _, page) = read(app.get(&format!("/api/v1/agreements?partner={partner}")).await).await;
    let agreement = page["items"][0]["id"].as_str().expect("an agreement").to_owned();
    let evaluation = json!({"evaluated_on": "2026-11-20", "evaluators": ["Awa Traoré"], "vitality": "weak",
        "scores": {"activity": 2, "results": 2, "financing": 1, "responsiveness": 3}, "findings": "Une seule fois."});
    let path = format!("/api/v1/agreements/{agreement}/evaluations");
    let created = post_twice(&app, &path, "evaluation-once", &evaluation).await;
    assert_eq!(app.count_rows("evaluation", "findings = 'Une seule fois.'").await, 1, "{}", app.backend);
    assert_eq!(audited(&app, "evaluation", &created["id"]).await, 1, "{}", app.backend);

    let event = json!({"kind": "delegation_visit", "title": "Visite unique", "starts_on": "2027-04-02",
        "partners": [partner], "division": "twinning"});
    let created = post_twice(&app, "/api/v1/events", "event-once", &event).await;
    assert_eq!(app.count_rows("event", "title = 'Visite unique'").await, 1, "{}", app.backend);
    assert_eq!(audited(&app, "event", &created["id"]).await, 1, "{}", app.backend);
}
backend_test!(an_evaluation_and_an_event_posted_twice_with_one_key_are_recorded_and_audited_once);

async fn an_event_replaced_with_a_stale_version_keeps_its_content_and_links(app: TestApp) {
    let (angers, leipzig) = (app.seeded_partner("Angers").await, app.seeded_partner("Leipzig").await);
    let body = json!({"kind": "signing", "title": "Signature", "starts_on": "2027-05-10", "partners": [angers]});
    let response = app.post_json("/api/v1/events", &body).await;
    let stale = response.headers()[header::ETAG].to_str().expect("an etag").to_owned();
    let (_, _, created) = read(response).await;
    let path = format!("/api/v1/events/{}", created["id"].as_str().expect("an id"));
    let replace =
        |etag: &str, body: &Value| app.request(Method::PUT, &path).header(header::IF_MATCH, etag).json(body).send();
    let first = json!({"kind": "signing", "title": "Signature", "starts_on": "2027-05-10", "partners": [leipzig]});
    let (status, _, replaced) = read(replace(&stale, &first).await.expect("request sent")).await;
    assert_eq!(status, 200, "{replaced}");
    let second = json!({"kind": "other", "title": "Autre", "starts_on": "2027-05-11", "partners": [angers]});
    expect_problem(replace(&stale, &second).await.expect("request sent"), 412, "stale version").await;
    let (_, _, current) = read(app.get(&path).await).await;
    assert_eq!(
        (current["title"].as_str(), current["partners"][0]["id"].as_str()),
        (Some("Signature"), Some(leipzig.as_str()))
    );
    assert_eq!(audited(&app, "event", &created["id"]).await, 2, "created and replaced once: {}", app.backend);
}
backend_test!(an_event_replaced_with_a_stale_version_keeps_its_content_and_links);

// Accounts and domains.
async fn etag_of(app: &TestApp, path: &str) -> String {
    app.get(path).await.headers()["etag"].to_str().unwrap().to_owned()
}

async fn a_retried_user_creation_replays_its_first_answer_and_creates_one_account(app: TestApp) {
    let body = json!({"email": "retry@djcd.test", "full_name": "Awa", "role": "agent", "division": "twinning"});
    let send = || app.request(Method::POST, "/api/v1/users").header("idempotency-key", "user-retry").json(&body);
    let response = send().send().await.unwrap();
    assert!(response.headers().contains_key("etag"), "{}: no ETag", app.backend);
    let (status, _, first) = read(response).await;
    assert_eq!(status, 201, "{first}");
    let (again, _, second) = read(send().send().await.unwrap()).await;
    assert_eq!(again, 201, "{}: {second}", app.backend);
    assert_eq!(first, second, "{}: the retry gets the first answer, its temporary password too", app.backend);
    assert!(first["temporary_password"].is_string(), "{first}");
    assert_eq!(app.count_rows("account", "email = 'retry@djcd.test'").await, 1);
}
backend_test!(a_retried_user_creation_replays_its_first_answer_and_creates_one_account);

async fn deactivating_an_inactive_account_or_archiving_an_archived_domain_is_audited_once(app: TestApp) {
    let user = app.create_user("twice@djcd.test", "agent", Some("twinning")).await;
    let path = format!("/api/v1/users/{user}");
    for _ in 0..2 {
        let etag = etag_of(&app, &path).await;
        assert_eq!(app.delete(&path, Some(&etag)).await.status().as_u16(), 204, "{}", app.backend);
    }
    let deactivations = format!("entity_type = 'user' AND action = 'deactivate' AND entity_id = '{user}'");
    assert_eq!(app.count_rows("audit_event", &deactivations).await, 1, "{}", app.backend);

    let domain = json!({"code": "archived_twice", "label_fr": "Deux fois", "label_en": "Twice"});
    assert_eq!(app.post_json("/api/v1/domains", &domain).await.status().as_u16(), 201);
    let path = "/api/v1/domains/archived_twice";
    for _ in 0..2 {
        let etag = etag_of(&app, path).await;
        assert_eq!(app.delete(path, Some(&etag)).await.status().as_u16(), 204, "{}", app.backend);
    }
    let archives = "entity_type = 'domain' AND action = 'archive' AND entity_id = 'archived_twice'";
    assert_eq!(app.count_rows("audit_event", archives).await, 1, "{}", app.backend);
}
backend_test!(deactivating_an_inactive_account_or_archiving_an_archived_domain_is_audited_once);

async fn accounts_are_listed_oldest_first_page_after_page(app: TestApp) {
    let mut created = Vec::new();
    for i in 0..3 {
        created.push(app.create_user(&format!("order{i}@djcd.test"), "agent", Some("twinning")).await);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?role=agent&limit=1".to_owned();
    loop {
        let (status, _, page) = read(app.get(&path).await).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(page["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/users?role=agent&limit=1&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, created, "{}", app.backend);
}
backend_test!(accounts_are_listed_oldest_first_page_after_page);
