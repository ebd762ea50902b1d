//! Accounts and domains on the unit of work: a retried creation replays its first answer, a write
//! that changes nothing is answered the same but not audited again, and lists page oldest first.
use reqwest::Method;
use serde_json::json;
use tests::{TestApp, read, spawn_apps};

async fn etag_of(app: &TestApp, path: &str) -> String {
    app.get(path).await.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_retried_user_creation_replays_its_first_answer_and_creates_one_account() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn deactivating_an_inactive_account_or_archiving_an_archived_domain_is_audited_once() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn accounts_are_listed_oldest_first_page_after_page() {
    for app in spawn_apps().await {
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
}
