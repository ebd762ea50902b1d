//! `/webhooks`: signed deliveries, retries and restarts, and webhooks under abuse: a stalled
//! partner system, too many endpoints, redelivery floods, an endpoint that keeps failing, and URLs
//! or secrets that must never reach the database.
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use tests::{Receiver, TestApp, backend_test, eventually, expect_problem, read, silent_receiver};

use crate::fixtures::{fast_webhooks, fixture, partner_get, project, register};

fn verify(secret: &str, received: &tests::Received) -> bool {
    let Some((t, v1)) = received.signature.strip_prefix("t=").and_then(|rest| rest.split_once(",v1=")) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", received.body).as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    expected == v1
}

async fn a_webhook_is_delivered_signed_and_a_failing_one_is_retried_until_it_succeeds(app: TestApp) {
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
backend_test!(a_webhook_is_delivered_signed_and_a_failing_one_is_retried_until_it_succeeds, fast_webhooks);

async fn a_pending_delivery_survives_a_restart_of_the_server(app: TestApp) {
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
backend_test!(a_pending_delivery_survives_a_restart_of_the_server, fast_webhooks);

async fn webhook_urls_on_private_or_link_local_addresses_are_refused(app: TestApp) {
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
backend_test!(webhook_urls_on_private_or_link_local_addresses_are_refused);

const ALL_EVENTS: [&str; 4] =
    ["project.created", "project.updated", "project.status_changed", "project.funding_line_added"];

async fn progress(app: &TestApp, project: &str, progress: i64) {
    let update = json!({"progress": progress, "note": "Avancement"});
    let (status, _, body) =
        read(app.post_json(&format!("/api/v1/projects/{project}/status-updates"), &update).await).await;
    assert_eq!(status, 201, "{body}");
}

async fn webhook_status(app: &TestApp, token: &str, id: &str) -> String {
    let (status, _, body) =
        read(app.request_as(Some(token), Method::GET, &format!("/api/v1/webhooks/{id}")).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    body["status"].as_str().unwrap_or_default().to_owned()
}

async fn wait_for_status(app: &TestApp, token: &str, id: &str, wanted: &str, seconds: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if webhook_status(app, token, id).await == wanted {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

async fn a_partner_whose_endpoints_never_answer_does_not_delay_another_partners_events(app: TestApp) {
    let stalled = app.seeded_partner("Angers").await;
    let waiting = app.seeded_partner("Dakar").await;
    let stalled_token = app.partner_token(&stalled).await;
    let silent = silent_receiver().await;
    for _ in 0..10 {
        let (status, body) = register(&app, &stalled_token, &silent, json!(ALL_EVENTS)).await;
        assert_eq!(status, 201, "{body}");
    }
    let theirs = project(&app, "Forages à Banconi", json!([{"partner_id": stalled, "roles": ["funding"]}])).await;
    for step in 1..=4 {
        progress(&app, &theirs, step * 10).await;
    }
    let queued = app.count_rows_until("webhook_delivery", "1 = 1", 5, |n| n >= 40).await;
    assert!(queued >= 40, "{}: the stalled partner's deliveries are queued ({queued})", app.backend);
    let receiver = Receiver::start().await;
    let (status, body) = register(&app, &app.partner_token(&waiting).await, &receiver.url, json!(ALL_EVENTS)).await;
    assert_eq!(status, 201, "{body}");
    let started = Instant::now();
    project(&app, "Éclairage public", json!([{"partner_id": waiting, "roles": ["funding"]}])).await;
    assert!(
        eventually(3, || !receiver.received().is_empty()).await,
        "{}: the other partner's event arrives within 3 × the time-out",
        app.backend
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    receiver.stop().await;
}
backend_test!(
    a_partner_whose_endpoints_never_answer_does_not_delay_another_partners_events,
    |s: &mut api::config::Settings| {
        fast_webhooks(s);
        s.partners.webhook_timeout = Duration::from_secs(1);
        // Fewer slots than the stalled partner's endpoints: fairness, not only concurrency, is tested.
        s.partners.webhook_concurrency = 4;
        s.partners.webhook_pause_after_failures = 1000;
    }
);

async fn two_instances_on_one_database_send_each_delivery_once(app: TestApp) {
    let second = app.another_instance().await;
    let receiver = Receiver::start().await;
    let partner = app.seeded_partner("Angers").await;
    let (status, body) = register(&app, &app.partner_token(&partner).await, &receiver.url, json!(ALL_EVENTS)).await;
    assert_eq!(status, 201, "{body}");
    let theirs = project(&app, "Forages à Banconi", json!([{"partner_id": partner, "roles": ["funding"]}])).await;
    for step in 1..=10 {
        progress(if step % 2 == 0 { &app } else { &second }, &theirs, step * 5).await;
    }
    // Every change is in the feed once its request is answered; wait until each one is delivered
    // (not merely until nothing is pending: the fan-out may not have queued the last ones yet).
    let events = app.count_rows("change_event", "1 = 1").await;
    assert!(events >= 11, "{}: {events} feed events", app.backend);
    let delivered = app.count_rows_until("webhook_delivery", "status = 'delivered'", 20, |n| n >= events).await;
    assert_eq!(delivered, events, "{}", app.backend);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = receiver.received();
    let events_queued = app.count_rows("(SELECT DISTINCT event_id FROM webhook_delivery) AS d", "1 = 1").await;
    let deliveries = app.count_rows("webhook_delivery", "1 = 1").await;
    assert_eq!(deliveries, events_queued, "{}: one delivery per event, not one per instance", app.backend);
    let mut events: Vec<&str> = received.iter().map(|r| r.event_id.as_str()).collect();
    events.sort_unstable();
    events.dedup();
    assert_eq!(received.len(), events.len(), "{}: no event sent twice", app.backend);
    assert_eq!(received.len() as i64, deliveries);
    second.stopper.stop().await;
    receiver.stop().await;
}
backend_test!(two_instances_on_one_database_send_each_delivery_once, fast_webhooks);

async fn a_partner_may_register_only_the_configured_number_of_endpoints(app: TestApp) {
    let partner = app.seeded_partner("Angers").await;
    let token = app.partner_token(&partner).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (status, body) = register(&app, &token, "http://127.0.0.1:9/hook", json!(["project.updated"])).await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["webhook"]["id"].as_str().unwrap().to_owned());
    }
    let body = json!({"url": "http://127.0.0.1:9/hook", "events": ["project.updated"]});
    let response = app.request_as(Some(&token), Method::POST, "/api/v1/webhooks").json(&body).send().await.unwrap();
    let problem = expect_problem(response, 409, "over the cap").await;
    assert_eq!(problem["code"], "too_many_endpoints", "{problem}");
    assert_eq!(app.count_rows("webhook_endpoint", "1 = 1").await, 2, "{}", app.backend);
    // The director is held to the same cap; another partner is not affected.
    let body = json!({"partner_id": partner, "url": "http://127.0.0.1:9/hook", "events": ["project.updated"]});
    expect_problem(app.post_json("/api/v1/webhooks", &body).await, 409, "the director too").await;
    let other = app.seeded_partner("Dakar").await;
    let body = json!({"partner_id": other, "url": "http://127.0.0.1:9/hook", "events": ["project.updated"]});
    assert_eq!(app.post_json("/api/v1/webhooks", &body).await.status().as_u16(), 201);
    // A removed endpoint frees its place.
    let path = format!("/api/v1/webhooks/{}", ids[0]);
    let response = app.request_as(Some(&token), Method::DELETE, &path).header("if-match", "\"1\"").send().await;
    assert_eq!(response.unwrap().status().as_u16(), 204);
    let (status, body) = register(&app, &token, "http://127.0.0.1:9/hook", json!(["project.updated"])).await;
    assert_eq!(status, 201, "{body}");
}
backend_test!(a_partner_may_register_only_the_configured_number_of_endpoints, |s: &mut api::config::Settings| {
    s.partners.webhook_allow_private = true;
    s.partners.webhook_max_endpoints_per_partner = 2;
});

async fn redeliveries_are_rate_limited_per_endpoint_with_retry_after(app: TestApp) {
    let receiver = Receiver::start().await;
    let partner = app.seeded_partner("Angers").await;
    let token = app.partner_token(&partner).await;
    let (status, created) = register(&app, &token, &receiver.url, json!(ALL_EVENTS)).await;
    assert_eq!(status, 201, "{created}");
    let webhook = created["webhook"]["id"].as_str().unwrap().to_owned();
    project(&app, "Forages à Banconi", json!([{"partner_id": partner, "roles": ["funding"]}])).await;
    assert!(eventually(10, || !receiver.received().is_empty()).await);
    let (_, _, log) = read(
        app.request_as(Some(&token), Method::GET, &format!("/api/v1/webhooks/{webhook}/deliveries"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let delivery = log["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver");
    for _ in 0..2 {
        let response = app.request_as(Some(&token), Method::POST, &path).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 202);
    }
    let response = app.request_as(Some(&token), Method::POST, &path).send().await.unwrap();
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    expect_problem(response, 429, "a third redelivery within the minute").await;
    assert_eq!(app.count_rows("webhook_delivery", "1 = 1").await, 3, "{}: nothing queued", app.backend);
    receiver.stop().await;
}
backend_test!(redeliveries_are_rate_limited_per_endpoint_with_retry_after, |s: &mut api::config::Settings| {
    fast_webhooks(s);
    s.partners.webhook_redeliveries_per_minute = 2;
});

async fn an_endpoint_that_keeps_failing_is_paused_then_probed_and_its_queued_deliveries_arrive(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.replies.lock().unwrap().extend([500, 502, 503]);
    let partner = app.seeded_partner("Angers").await;
    let token = app.partner_token(&partner).await;
    let (status, created) = register(&app, &token, &receiver.url, json!(ALL_EVENTS)).await;
    assert_eq!(status, 201, "{created}");
    let webhook = created["webhook"]["id"].as_str().unwrap().to_owned();
    let theirs = project(&app, "Forages à Banconi", json!([{"partner_id": partner, "roles": ["funding"]}])).await;
    progress(&app, &theirs, 10).await;
    assert!(wait_for_status(&app, &token, &webhook, "paused", 10).await, "{}: paused", app.backend);
    let (_, _, list) = read(app.request_as(Some(&token), Method::GET, "/api/v1/webhooks").send().await.unwrap()).await;
    assert_eq!(list["items"][0]["status"], "paused", "{list}");
    assert_eq!(receiver.received().len(), 3, "three failed attempts");
    let queued = app.count_rows("webhook_delivery", "status = 'pending'").await;
    assert!(queued >= 2, "{}: the deliveries wait ({queued})", app.backend);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 3, "nothing is sent while paused");
    // After the cool-down, one probe; it succeeds, the endpoint resumes and the queue drains.
    assert!(wait_for_status(&app, &token, &webhook, "active", 10).await, "{}: resumed", app.backend);
    let pending = app.count_rows_until("webhook_delivery", "status <> 'delivered'", 10, |n| n == 0).await;
    assert_eq!(pending, 0, "{}: every queued delivery arrives", app.backend);
    let deliveries = app.count_rows("webhook_delivery", "1 = 1").await;
    assert_eq!(receiver.received().len() as i64, 3 + deliveries, "three failures, then each delivery once");
    receiver.stop().await;
}
backend_test!(
    an_endpoint_that_keeps_failing_is_paused_then_probed_and_its_queued_deliveries_arrive,
    |s: &mut api::config::Settings| {
        fast_webhooks(s);
        s.partners.webhook_pause_after_failures = 3;
        s.partners.webhook_pause_cooldown = Duration::from_secs(3);
    }
);

async fn webhook_urls_on_translated_reserved_or_documentation_addresses_are_refused(app: TestApp) {
    let token = app.partner_token(&app.seeded_partner("Angers").await).await;
    for url in [
        "http://[2002:7f00:1::]/hook",
        "http://[64:ff9b::7f00:1]/",
        "http://[64:ff9b:1::a00:1]/",
        "http://[::127.0.0.1]/hook",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        "http://[fec0::1]/",
        "http://[2001:db8::1]/",
        "http://[100::1]/",
        "http://198.18.0.1/",
        "http://203.0.113.9/",
        "http://100.64.0.1/",
        "http://240.0.0.1/",
        "http://224.0.0.1/",
    ] {
        let (status, problem) = register(&app, &token, url, json!(["project.updated"])).await;
        assert_eq!(status, 422, "{url}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
    }
    assert_eq!(app.count_rows("webhook_endpoint", "1 = 1").await, 0);
}
backend_test!(webhook_urls_on_translated_reserved_or_documentation_addresses_are_refused);

async fn webhook_urls_and_secrets_with_control_characters_are_refused_before_the_database(app: TestApp) {
    let token = app.partner_token(&app.seeded_partner("Angers").await).await;
    let secret = "a-shared-secret-of-at-least-32-characters";
    for (field, body) in [
        ("url", json!({"url": "http://127.0.0.1:9/ho\u{0}ok", "events": ["project.updated"], "secret": secret})),
        ("url", json!({"url": "http://127.0.0.1:9/\u{1b}hook", "events": ["project.updated"]})),
        ("url", json!({"url": "http://127.0.0.1:9/a\nb", "events": ["project.updated"]})),
        (
            "secret",
            json!({"url": "http://127.0.0.1:9/hook", "events": ["project.updated"], "secret": format!("{secret}\u{0}")}),
        ),
        (
            "secret",
            json!({"url": "http://127.0.0.1:9/hook", "events": ["project.updated"], "secret": format!("{secret}\u{7}")}),
        ),
    ] {
        let response = app.request_as(Some(&token), Method::POST, "/api/v1/webhooks").json(&body).send().await.unwrap();
        let problem = expect_problem(response, 422, &format!("{}: {body}", app.backend)).await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    assert_eq!(app.count_rows("webhook_endpoint", "1 = 1").await, 0, "{}", app.backend);
}
backend_test!(webhook_urls_and_secrets_with_control_characters_are_refused_before_the_database, |s| s
    .partners
    .webhook_allow_private =
    true);

// On the unit of work: an endpoint is audited without its secret and archived once.
async fn a_webhook_endpoint_is_audited_without_its_secret_and_archived_once(app: TestApp) {
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
backend_test!(a_webhook_endpoint_is_audited_without_its_secret_and_archived_once, |s: &mut api::config::Settings| s
    .partners
    .webhook_allow_private =
    true);
