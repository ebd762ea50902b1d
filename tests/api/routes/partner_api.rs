//! `/partner`: what partner systems see, the change feed, conditional requests and rate limits;
//! another funder's private line never shows.
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tests::{Receiver, TestApp, backend_test, eventually, expect_problem, read};

use crate::fixtures::{fast_webhooks, fixture, line, partner_get, project, register};

async fn a_partner_sees_exactly_its_projects_and_their_public_fields(app: TestApp) {
    let f = fixture(&app).await;
    let angers = app.partner_token(&f.angers).await;
    let (status, page) = partner_get(&app, &angers, "/api/v1/partner/projects").await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}: only the shared project", app.backend);
    let shared = &items[0];
    assert_eq!(shared["id"], f.shared);
    assert!(shared.get("internal_notes").is_none() && !shared.to_string().contains("NE PAS DIVULGUER"), "{shared}");
    assert!(shared.get("participants").is_none());
    assert_eq!(shared["roles"], json!(["funding"]));
    let amounts: Vec<&str> =
        shared["funding_lines"].as_array().unwrap().iter().map(|l| l["amount"]["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, ["1000000", "500000"], "its own line and the public one, never Bordeaux's private line");
    assert_eq!(shared["totals_xof"]["committed"], "1500000", "the totals of the lines it sees");
    for path in
        [format!("/api/v1/partner/projects/{}", f.other), format!("/api/v1/partner/projects/{}", uuid::Uuid::now_v7())]
    {
        let response = app.request_as(Some(&angers), Method::GET, &path).send().await.unwrap();
        expect_problem(response, 404, "not its project").await;
    }
    let response = app
        .request_as(Some(&angers), Method::GET, &format!("/api/v1/partner/projects/{}/status-updates", f.other))
        .send()
        .await
        .unwrap();
    expect_problem(response, 404, "not its timeline").await;
    let (status, timeline) =
        partner_get(&app, &angers, &format!("/api/v1/partner/projects/{}/status-updates", f.shared)).await;
    assert_eq!((status, timeline["items"][0]["to_status"].as_str()), (200, Some("pipeline")));
    assert!(timeline["items"][0].get("author_id").is_none());
    // Archived: gone for the partner, whatever the route.
    let path = format!("/api/v1/projects/{}", f.shared);
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(app.delete(&path, Some(&etag)).await.status().as_u16(), 204);
    let response = app
        .request_as(Some(&angers), Method::GET, &format!("/api/v1/partner/projects/{}", f.shared))
        .send()
        .await
        .unwrap();
    expect_problem(response, 404, "archived").await;
    let (_, page) = partner_get(&app, &angers, "/api/v1/partner/projects").await;
    assert!(page["items"].as_array().unwrap().is_empty());
    // Staff cannot use the partner routes, partners cannot use the staff ones.
    let response = app.request(Method::GET, "/api/v1/partner/projects").send().await.unwrap();
    expect_problem(response, 403, "staff on partner routes").await;
    let _ = f.bordeaux;
}
backend_test!(a_partner_sees_exactly_its_projects_and_their_public_fields);

async fn updated_since_returns_only_what_changed_and_lists_answer_304_when_unchanged(app: TestApp) {
    let f = fixture(&app).await;
    let bordeaux = app.partner_token(&f.bordeaux).await;
    let response = app.request_as(Some(&bordeaux), Method::GET, "/api/v1/partner/projects").send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let last_modified = response.headers()["last-modified"].to_str().unwrap().to_owned();
    assert!(response.headers().contains_key("ratelimit-remaining"));
    let (_, _, page) = read(response).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let again = app
        .request_as(Some(&bordeaux), Method::GET, "/api/v1/partner/projects")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304, "{}", app.backend);
    assert!(again.text().await.unwrap().is_empty(), "no body");
    let again = app
        .request_as(Some(&bordeaux), Method::GET, "/api/v1/partner/projects")
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let update = json!({"status": "implementation", "progress": 20, "note": "Démarrage"});
    let (status, _, _) =
        read(app.post_json(&format!("/api/v1/projects/{}/status-updates", f.other), &update).await).await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/partner/projects?updated_since={}", since.replace('+', "%2B"));
    let (_, page) = partner_get(&app, &bordeaux, &path).await;
    let ids: Vec<&str> = page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [f.other.as_str()], "{}: only the changed project", app.backend);
    let changed = app
        .request_as(Some(&bordeaux), Method::GET, "/api/v1/partner/projects")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 200, "a change invalidates the ETag");
    let single = app
        .request_as(Some(&bordeaux), Method::GET, &format!("/api/v1/partner/projects/{}", f.other))
        .send()
        .await
        .unwrap();
    let single_etag = single.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .request_as(Some(&bordeaux), Method::GET, &format!("/api/v1/partner/projects/{}", f.other))
        .header("if-none-match", &single_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
}
backend_test!(updated_since_returns_only_what_changed_and_lists_answer_304_when_unchanged);

async fn the_change_feed_under_concurrent_writes_loses_and_repeats_nothing(app: TestApp) {
    let f = fixture(&app).await;
    let bordeaux = app.partner_token(&f.bordeaux).await;
    let mut projects = vec![f.shared.clone(), f.other.clone()];
    for i in 0..3 {
        projects.push(
            project(&app, &format!("Projet {i}"), json!([{"partner_id": f.bordeaux, "roles": ["funding"]}])).await,
        );
    }
    let writes = async {
        let requests = (0..40).map(|i| {
            let project = projects[i % projects.len()].clone();
            let body = json!({"progress": i % 100, "note": format!("rapport {i}")});
            let app = &app;
            async move {
                app.post_json(&format!("/api/v1/projects/{project}/status-updates"), &body).await.status().as_u16()
            }
        });
        futures_util::future::join_all(requests).await
    };
    let polling = async {
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..60 {
            let path = match &cursor {
                Some(cursor) => format!("/api/v1/partner/changes?limit=7&cursor={cursor}"),
                None => "/api/v1/partner/changes?limit=7".to_owned(),
            };
            let (status, feed) = partner_get(&app, &bordeaux, &path).await;
            assert_eq!(status, 200, "{feed}");
            seen.extend(feed["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
            cursor = Some(feed["next_cursor"].as_str().unwrap().to_owned());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (seen, cursor)
    };
    let (statuses, (mut seen, mut cursor)) = tokio::join!(writes, polling);
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    // Drain what is left after the writes.
    loop {
        let path = format!("/api/v1/partner/changes?limit=50&cursor={}", cursor.clone().unwrap_or_default());
        let (_, feed) = partner_get(&app, &bordeaux, &path).await;
        let items = feed["items"].as_array().unwrap();
        if items.is_empty() {
            let again = app
                .request_as(Some(&bordeaux), Method::GET, &path)
                .header("if-none-match", "\"x\"")
                .send()
                .await
                .unwrap();
            let etag = again.headers()["etag"].to_str().unwrap().to_owned();
            let unchanged = app
                .request_as(Some(&bordeaux), Method::GET, &path)
                .header("if-none-match", &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(unchanged.status().as_u16(), 304, "polling an unchanged feed costs a 304");
            break;
        }
        seen.extend(items.iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        cursor = Some(feed["next_cursor"].as_str().unwrap().to_owned());
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "{}: an event was repeated", app.backend);
    let expected = app
        .count_rows("change_event", &format!("project_id IN (SELECT project_id FROM project_participant WHERE partner_id = {id}) AND (kind <> 'project.funding_line_added' OR funding_line_id IN (SELECT id FROM funding_line WHERE partner_id = {id} OR is_public))", id = uuid_literal(&app, &f.bordeaux)))
        .await;
    assert_eq!(seen.len() as i64, expected, "{}: every event, once", app.backend);
    assert!(seen.len() >= 40 + 5 + 3, "the 40 reports, the 5 creations and the funding lines");
}
backend_test!(the_change_feed_under_concurrent_writes_loses_and_repeats_nothing);

/// A UUID as the database stores it in SQL literals (text on PostgreSQL, a hex blob on SQLite).
fn uuid_literal(app: &TestApp, id: &str) -> String {
    match app.backend {
        tests::Backend::Postgres => format!("'{id}'"),
        tests::Backend::Sqlite => format!("X'{}'", id.replace('-', "")),
    }
}

async fn each_partner_account_is_rate_limited_with_retry_after_and_ratelimit_headers(app: TestApp) {
    let partner = app.seeded_partner("Angers").await;
    let token = app.partner_token(&partner).await;
    for remaining in [2, 1, 0] {
        let response = app.request_as(Some(&token), Method::GET, "/api/v1/partner/projects").send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        assert_eq!(response.headers()["ratelimit-remaining"].to_str().unwrap(), remaining.to_string());
    }
    let response = app.request_as(Some(&token), Method::GET, "/api/v1/partner/projects").send().await.unwrap();
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after));
    assert_eq!(response.headers()["ratelimit-remaining"], "0");
    expect_problem(response, 429, "over the limit").await;
    let other = app.partner_token(&app.seeded_partner("Dakar").await).await;
    let response = app.request_as(Some(&other), Method::GET, "/api/v1/partner/projects").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "per account");
}
backend_test!(each_partner_account_is_rate_limited_with_retry_after_and_ratelimit_headers, |settings| settings
    .partners
    .requests_per_minute =
    3);

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

async fn another_funders_private_line_never_shows_in_a_partners_feed_webhooks_or_totals(app: TestApp) {
    let receiver = Receiver::start().await;
    let angers = app.seeded_partner("Angers").await;
    let bordeaux = app.seeded_partner("Bordeaux").await;
    let both = json!([{"partner_id": angers, "roles": ["funding"]}, {"partner_id": bordeaux, "roles": ["funding"]}]);
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
    let etag = app.get(&format!("/api/v1/funding-lines/{own}")).await.headers()["etag"].to_str().unwrap().to_owned();
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
        eventually(15, || receiver.received().iter().any(|r| r.body.contains("CONV-1") || r.body.contains(&own))).await,
        "{}: the webhook of its own line's change",
        app.backend
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    for received in receiver.received() {
        assert!(!received.body.contains(&hidden), "{}: webhook about the hidden line: {}", app.backend, received.body);
        let body: Value = serde_json::from_str(&received.body).unwrap();
        assert_eq!(body["project"]["totals_xof"]["committed"], "1000000", "{}", received.body);
    }
    receiver.stop().await;
}
backend_test!(another_funders_private_line_never_shows_in_a_partners_feed_webhooks_or_totals, fast_webhooks);
