//! One visibility rule for everything a partner system reads: the change feed, webhooks, the JSON
//! view, its totals and the IATI file show only the partner's own lines and the public ones.
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tests::{Receiver, TestApp, eventually, expect_problem, read, spawn_apps, spawn_apps_with};

use crate::partner_systems::{fast_webhooks, line, partner_get, project, register};

/// Changes the line `id` as the director: a new amount, then its archive.
async fn change_then_archive(app: &TestApp, id: &str) {
    let path = format!("/api/v1/funding-lines/{id}");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let (status, headers, body) = {
        let response = app.patch_json(&path, Some(&etag), &json!({"amount": "7777777"})).await;
        let headers = response.headers().clone();
        let (status, _, body) = read(response).await;
        (status, headers, body)
    };
    assert_eq!(status, 200, "{body}");
    let etag = headers["etag"].to_str().unwrap();
    assert_eq!(app.delete(&path, Some(etag)).await.status().as_u16(), 204);
}

/// The partner's feed once it holds `count` events about `line` (on PostgreSQL an event shows
/// once every older transaction of the cluster has ended, so it may take a moment).
async fn feed(app: &TestApp, token: &str, line: &str, count: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (status, page) = partner_get(app, token, "/api/v1/partner/changes?limit=200").await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap().clone();
        let about = items.iter().filter(|e| e["funding_line_id"] == line).count();
        if about >= count || std::time::Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn another_funders_private_line_never_shows_in_a_partners_feed_webhooks_or_totals() {
    for app in spawn_apps_with(fast_webhooks).await {
        let receiver = Receiver::start().await;
        let angers = app.seeded_partner("Angers").await;
        let bordeaux = app.seeded_partner("Bordeaux").await;
        let both =
            json!([{"partner_id": angers, "roles": ["funding"]}, {"partner_id": bordeaux, "roles": ["funding"]}]);
        let shared = project(&app, "Forages à Banconi", both).await;
        let own = line(&app, &shared, &angers, "1000000", false).await;
        let angers_token = app.partner_token(&angers).await;
        let bordeaux_token = app.partner_token(&bordeaux).await;
        let events = json!(["project.updated", "project.funding_line_added"]);
        let (status, created) = register(&app, &angers_token, &receiver.url, events).await;
        assert_eq!(status, 201, "{created}");
        let path = format!("/api/v1/partner/projects/{shared}");
        let (_, before) = partner_get(&app, &angers_token, &path).await;

        let hidden = line(&app, &shared, &bordeaux, "2000000", false).await;
        change_then_archive(&app, &hidden).await;
        // Then a change Angers may hear of, to know its webhooks have caught up.
        let etag =
            app.get(&format!("/api/v1/funding-lines/{own}")).await.headers()["etag"].to_str().unwrap().to_owned();
        let response =
            app.patch_json(&format!("/api/v1/funding-lines/{own}"), Some(&etag), &json!({"reference": "CONV-1"})).await;
        assert_eq!(response.status().as_u16(), 200);

        // Its own line: added, then changed.
        let seen = feed(&app, &angers_token, &own, 2).await;
        assert!(
            seen.iter().all(|e| e["funding_line_id"] != hidden.as_str()),
            "{}: no event about Bordeaux's private line: {seen:?}",
            app.backend
        );
        assert_eq!(seen.iter().filter(|e| e["funding_line_id"] == own.as_str()).count(), 2, "its own line's events");
        let mine = feed(&app, &bordeaux_token, &hidden, 3).await;
        let about_hidden = mine.iter().filter(|e| e["funding_line_id"] == hidden.as_str()).count();
        assert_eq!(about_hidden, 3, "{}: Bordeaux sees its line added, changed, archived: {mine:?}", app.backend);

        let (_, after) = partner_get(&app, &angers_token, &path).await;
        assert_eq!(after["totals_xof"], before["totals_xof"], "totals count only the lines Angers may see");
        assert_eq!(after["totals_xof"]["committed"], "1000000");

        assert!(
            eventually(15, || receiver.received().iter().any(|r| r.body.contains("CONV-1") || r.body.contains(&own)))
                .await,
            "{}: the webhook of its own line's change",
            app.backend
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        for received in receiver.received() {
            assert!(
                !received.body.contains(&hidden),
                "{}: webhook about the hidden line: {}",
                app.backend,
                received.body
            );
            let body: Value = serde_json::from_str(&received.body).unwrap();
            assert_eq!(body["project"]["totals_xof"]["committed"], "1000000", "{}", received.body);
        }
        receiver.stop().await;
    }
}

#[tokio::test]
async fn a_partners_iati_file_shows_no_more_than_its_json_view() {
    for app in spawn_apps().await {
        let angers = app.seeded_partner("Angers").await;
        let dakar = app.seeded_partner("Dakar").await;
        let body = json!({"title": "Assainissement à Niarela", "division": "decentralized_cooperation", "domains": ["sanitation"],
            "communes": ["commune_ii"], "budget": {"amount": "424242420", "currency": "XOF"},
            "participants": [{"partner_id": angers, "roles": ["funding"]}, {"partner_id": dakar, "roles": ["funding", "implementing"]}]});
        let (status, _, created) = read(app.post_json("/api/v1/projects", &body).await).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        line(&app, &id, &angers, "1000000", false).await;
        line(&app, &id, &dakar, "3131313", false).await;
        let token = app.partner_token(&angers).await;
        let (status, view) = partner_get(&app, &token, &format!("/api/v1/partner/projects/{id}")).await;
        assert_eq!(status, 200);
        assert!(!view.to_string().contains("Dakar") && !view.to_string().contains("424242420"), "{view}");
        for path in ["/api/v1/iati/activities.xml".to_owned(), format!("/api/v1/iati/projects/{id}/activity.xml")] {
            let response = app.request_as(Some(&token), Method::GET, &path).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200);
            let xml = response.text().await.unwrap();
            assert!(xml.contains(">1000000<"), "{}: its own line: {xml}", app.backend);
            for hidden in ["Dakar", "424242420", "3131313", "<budget"] {
                assert!(
                    !xml.contains(hidden),
                    "{}: {path} shows {hidden}, which its JSON view hides: {xml}",
                    app.backend
                );
            }
        }
        // Staff see it all.
        let xml = app.get(&format!("/api/v1/iati/projects/{id}/activity.xml")).await.text().await.unwrap();
        for shown in ["Dakar", "424242420", "3131313"] {
            assert!(xml.contains(shown), "{xml}");
        }
    }
}

#[tokio::test]
async fn iati_routes_count_against_the_partner_rate_limit_and_say_so() {
    for app in spawn_apps_with(|settings| settings.partners.requests_per_minute = 3).await {
        let token = app.partner_token(&app.seeded_partner("Angers").await).await;
        for remaining in [2, 1] {
            let response =
                app.request_as(Some(&token), Method::GET, "/api/v1/iati/activities.xml").send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200, "{}", app.backend);
            assert_eq!(response.headers()["ratelimit-limit"], "3");
            assert_eq!(response.headers()["ratelimit-remaining"].to_str().unwrap(), remaining.to_string());
            assert!(response.headers().contains_key("ratelimit-reset"));
        }
        let response = app.request_as(Some(&token), Method::GET, "/api/v1/partner/projects").send().await.unwrap();
        assert_eq!(response.headers()["ratelimit-remaining"], "0", "one allowance for both");
        let path = format!("/api/v1/iati/projects/{}/activity.xml", uuid::Uuid::now_v7());
        let response = app.request_as(Some(&token), Method::GET, &path).send().await.unwrap();
        let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=20).contains(&retry_after));
        assert_eq!(response.headers()["ratelimit-remaining"], "0");
        expect_problem(response, 429, "over the limit").await;
        // Staff are not machine accounts: no partner limit.
        for _ in 0..5 {
            let response = app.get("/api/v1/iati/activities.xml").await;
            assert_eq!(response.status().as_u16(), 200);
            assert!(!response.headers().contains_key("ratelimit-limit"));
        }
    }
}
