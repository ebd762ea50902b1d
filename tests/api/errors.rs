//! Malformed and hostile input of every kind gets a problem document with the right status and
//! changes nothing; slow or greedy clients are cut off.
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tests::{TestApp, backend_test, expect_problem, read};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn malformed_json_is_400(app: TestApp) {
    let response = app
        .request(Method::POST, "/api/v1/domains")
        .header("content-type", "application/json")
        .body("{\"code\": \"abc\", ")
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "malformed").await;
    assert_eq!(app.count_rows("domain_tag", "1 = 1").await, 10);
}
backend_test!(malformed_json_is_400);

async fn a_wrong_type_is_400_and_names_the_field(app: TestApp) {
    let body = json!({"code": "abc", "label_fr": 12, "label_en": "x"});
    let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 400, "wrong type").await;
    assert_eq!(problem["errors"][0]["field"], "label_fr");
    assert_eq!(problem["errors"][0]["code"], "type");
}
backend_test!(a_wrong_type_is_400_and_names_the_field);

async fn an_unknown_field_is_400_and_named(app: TestApp) {
    let body = json!({"code": "abc", "label_fr": "a", "label_en": "b", "created_at": "2020-01-01T00:00:00Z"});
    let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 400, "unknown field").await;
    assert_eq!(problem["errors"][0]["field"], "created_at");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    assert_eq!(app.count_rows("domain_tag", "code = 'abc'").await, 0);
}
backend_test!(an_unknown_field_is_400_and_named);

async fn a_wrong_content_type_is_415(app: TestApp) {
    let response = app
        .request(Method::POST, "/api/v1/domains")
        .header("content-type", "text/plain")
        .body(r#"{"code": "abc", "label_fr": "a", "label_en": "b"}"#)
        .send()
        .await
        .unwrap();
    expect_problem(response, 415, "text/plain").await;
    let response = app.request(Method::POST, "/api/v1/domains").send().await.unwrap();
    expect_problem(response, 415, "no content type").await;
    assert_eq!(app.count_rows("domain_tag", "code = 'abc'").await, 0);
}
backend_test!(a_wrong_content_type_is_415);

async fn an_oversized_body_is_413(app: TestApp) {
    let body = json!({"code": "abc", "label_fr": "a".repeat(5000), "label_en": "b"});
    expect_problem(app.post_json("/api/v1/domains", &body).await, 413, "oversized").await;
    assert_eq!(app.count_rows("domain_tag", "code = 'abc'").await, 0);
}
backend_test!(an_oversized_body_is_413, |settings| settings.body_limit_bytes = 1024);

async fn a_bad_query_parameter_is_400(app: TestApp) {
    expect_problem(app.get("/api/v1/domains?include_archived=maybe").await, 400, "bad bool").await;
    expect_problem(app.get("/api/v1/domains?colour=red").await, 400, "unknown parameter").await;
}
backend_test!(a_bad_query_parameter_is_400);

async fn an_unknown_route_is_404_and_an_unknown_method_never_plain_text(app: TestApp) {
    expect_problem(app.get("/api/v1/nothing-here").await, 404, "unknown route").await;
    expect_problem(app.get("/nowhere").await, 404, "outside the API").await;
    let response = app.request(Method::PUT, "/api/v1/domains").send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    expect_problem(response, 405, "unknown method").await;
    let response = app.request(Method::TRACE, "/api/v1/domains/water").send().await.unwrap();
    assert_eq!(response.headers()["allow"], "DELETE, GET, PATCH");
    expect_problem(response, 405, "TRACE").await;
    // A literal path is its own: `/evaluations/due` is not an evaluation called "due".
    let response = app.request(Method::PATCH, "/api/v1/evaluations/due").send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    expect_problem(response, 405, "PATCH on a literal path that a template also matches").await;
}
backend_test!(an_unknown_route_is_404_and_an_unknown_method_never_plain_text);

async fn errors_speak_french_by_default_and_english_on_request(app: TestApp) {
    let french = expect_problem(app.get("/api/v1/domains/astronomy").await, 404, "fr").await;
    assert_eq!(french["title"], "Ressource introuvable");
    let response = app
        .request(Method::GET, "/api/v1/domains/astronomy")
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-language"], "en");
    let english = expect_problem(response, 404, "en").await;
    assert_eq!(english["title"], "Not found");
    assert_eq!(english["instance"], "/api/v1/domains/astronomy");
    assert!(english["request_id"].is_string());
}
backend_test!(errors_speak_french_by_default_and_english_on_request);

async fn malformed_bodies_are_refused_with_4xx(app: TestApp) {
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let huge = format!(r#"{{"name": "{}", "kind": "city", "country": "ML"}}"#, "a".repeat(10 * 1024 * 1024));
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("deeply nested JSON", nested.into_bytes(), 400),
        ("10 MB string", huge.into_bytes(), 413),
        ("invalid UTF-8", b"{\"name\": \"\xff\xfe\", \"kind\": \"city\", \"country\": \"ML\"}".to_vec(), 400),
        ("NUL byte in a value", b"{\"name\": \"a\\u0000b\", \"kind\": \"city\", \"country\": \"ML\"}".to_vec(), 422),
        ("raw NUL byte", b"{\"name\": \"a\x00b\"}".to_vec(), 400),
        ("not JSON at all", b"<xml/>".to_vec(), 400),
    ];
    for (name, body, status) in cases {
        let response = app
            .request(Method::POST, "/api/v1/partners")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        expect_problem(response, status, &format!("{}: {name}", app.backend)).await;
    }
    assert_eq!(app.count_rows("partner", "1 = 1").await, 35, "nothing written");
}
backend_test!(malformed_bodies_are_refused_with_4xx);

async fn hostile_query_parameters_are_refused_or_harmless(app: TestApp) {
    for query in [
        "q=%27%3B%20DROP%20TABLE%20partner%3B--",
        "q=..%2F..%2Fetc%2Fpasswd",
        "country=%27%20OR%201%3D1--",
        "kind=city%27%20OR%20%271%27%3D%271",
        "domain=%27%20OR%201%3D1--",
        "sort=name%3B%20DROP%20TABLE%20partner",
        "limit=-1",
        "limit=99999999999999999999",
        "limit=0",
        "cursor=%00%00",
        "cursor=..%2F..%2F",
        "include_archived=1%27",
    ] {
        let response = app.get(&format!("/api/v1/partners?{query}")).await;
        let status = response.status().as_u16();
        assert!((200..500).contains(&status) && status != 401 && status != 403, "{}: {query}: {status}", app.backend);
        if status >= 400 {
            expect_problem(response, status, query).await;
        }
    }
    for path in ["/api/v1/partners/..%2F..%2Fetc%2Fpasswd", "/api/v1/partners/%00", "/api/v1/domains/%27%20OR%201%3D1"]
    {
        let status = app.get(path).await.status().as_u16();
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    assert_eq!(app.count_rows("partner", "1 = 1").await, 35, "the table is still there");
}
backend_test!(hostile_query_parameters_are_refused_or_harmless);

async fn a_slow_client_is_cut_off_instead_of_holding_a_worker(app: TestApp) {
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    // Never finish the head: the server must answer 408 or close, within about the time-out.
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "{}: the server kept a half-sent request open", app.backend);
    let text = String::from_utf8_lossy(&buffer);
    assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
    // Meanwhile the server still serves everyone else.
    assert_eq!(app.get("/health/live").await.status().as_u16(), 200);
}
backend_test!(a_slow_client_is_cut_off_instead_of_holding_a_worker, |settings| settings.client_request_timeout =
    Duration::from_millis(300));

async fn a_slow_second_request_on_a_kept_alive_connection_is_cut_off_too(app: TestApp) {
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut first = [0u8; 1024];
    let n = slow.read(&mut first).await.unwrap();
    let answer = String::from_utf8_lossy(&first[..n]);
    assert!(answer.starts_with("HTTP/1.1 200"), "{}: the first request is answered: {answer}", app.backend);
    // Then the next head, a byte every 200 ms: actix-http times only a connection's first head,
    // the server's own watchdog must cut this one (keep-alive 5 s + time-out + 1 s tick).
    let started = std::time::Instant::now();
    slow.write_all(b"GET /health/live HTTP/1.1\r\n").await.unwrap();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(14) {
        let mut buffer = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(200), slow.read(&mut buffer)).await {
            Ok(_) => {
                closed = true;
                break;
            }
            Err(_) => {
                if slow.write_all(b"x").await.is_err() {
                    closed = true;
                    break;
                }
            }
        }
    }
    assert!(closed, "{}: a crawling second request held its connection for 14 s", app.backend);
    assert!(started.elapsed() < Duration::from_secs(10), "{}: cut after {:?}", app.backend, started.elapsed());
    assert_eq!(app.get("/health/live").await.status().as_u16(), 200);
}
backend_test!(a_slow_second_request_on_a_kept_alive_connection_is_cut_off_too, |settings| settings
    .client_request_timeout =
    Duration::from_secs(1));

async fn nul_bytes_and_non_characters_are_refused_everywhere_before_the_database(app: TestApp) {
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
        ("/api/v1/domains", Some(&app.token), json!({"code": "wat\u{0}er", "label_fr": "Eau", "label_en": "Water"})),
    ];
    for (path, token, body) in bodies {
        let response = app.request_as(token.map(String::as_str), Method::POST, path).json(&body).send().await.unwrap();
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
    assert_eq!(problem["errors"][0]["field"], "code", "the path parameter's name: {problem}");
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
backend_test!(nul_bytes_and_non_characters_are_refused_everywhere_before_the_database);

async fn a_body_trickled_slowly_is_cut_at_its_deadline(app: TestApp) {
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
backend_test!(a_body_trickled_slowly_is_cut_at_its_deadline, |settings| settings.guards.client_body_timeout =
    Duration::from_millis(1500));

async fn one_address_cannot_hold_more_than_its_share_of_connections(app: TestApp) {
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
backend_test!(one_address_cannot_hold_more_than_its_share_of_connections, |settings| settings
    .guards
    .max_connections_per_address =
    4);

// Issue #16, errors a UI can map: one round of validation, fields named as sent, French parser
// messages, conflicts that name their fields, a code on every problem.

fn fields_and_codes(problem: &serde_json::Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| (e["field"].as_str().unwrap_or("").to_owned(), e["code"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    pairs
}

fn has(pairs: &[(String, String)], field: &str, code: &str) -> bool {
    pairs.iter().any(|(f, c)| f == field && c == code)
}

async fn a_patch_with_problems_of_every_kind_gets_them_all_in_one_422_and_changes_nothing(app: TestApp) {
    let partner = app.seeded_partner("Angers").await;
    let participants = json!([{"partner_id": partner, "roles": ["funding"]}]);
    let id = crate::fixtures::project(&app, "Forages à Banconi", participants).await;
    let response = app.get(&format!("/api/v1/projects/{id}")).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let ghost = uuid::Uuid::now_v7().to_string();
    let body = json!({
        "title": "",                                                         // format: length
        "planned_start": "2027-01-01", "planned_end": "2026-01-01",          // cross-field: order
        "budget": {"amount": "1500.5", "currency": "XOF"},                   // money: too_precise
        "domains": ["water", "astrology"],                                   // reference: unknown_domain
        "participants": [{"partner_id": partner, "roles": ["funding"]}, {"partner_id": ghost, "roles": ["funding"]}], // unknown_partner
        "agent_in_charge_id": ghost                                          // reference: unknown_account
    });
    let response = app.patch_json(&format!("/api/v1/projects/{id}"), Some(&etag), &body).await;
    let problem = expect_problem(response, 422, "one round").await;
    let pairs = fields_and_codes(&problem);
    assert_eq!(problem["code"], "validation_failed", "{problem}");
    for (field, code) in [
        ("title", "length"),
        ("planned_end", "order"),
        ("budget.amount", "too_precise"),
        ("domains", "unknown_domain"),
        ("participants[1].partner_id", "unknown_partner"),
        ("agent_in_charge_id", "unknown_account"),
    ] {
        assert!(has(&pairs, field, code), "{}: {field} {code} missing from {pairs:?}", app.backend);
    }
    assert!(!has(&pairs, "participants[0].partner_id", "unknown_partner"), "{pairs:?}");
    // Nothing changed: same title, same version (the ETag still works).
    assert_eq!(app.count_rows("project", "title = 'Forages à Banconi' AND version = 1").await, 1);
    let again = app.get(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag, "{}", app.backend);
}
backend_test!(a_patch_with_problems_of_every_kind_gets_them_all_in_one_422_and_changes_nothing);

async fn a_post_with_format_cross_field_and_reference_problems_gets_them_all_at_once(app: TestApp) {
    let before = app.count_rows("partner", "1 = 1").await;
    let body =
        json!({"name": " ", "kind": "city", "country": "France", "latitude": 12.6, "domains": ["water", "astrology"]});
    let problem = expect_problem(app.post_json("/api/v1/partners", &body).await, 422, "partner").await;
    let pairs = fields_and_codes(&problem);
    assert!(pairs.iter().any(|(f, _)| f == "name"), "{pairs:?}");
    assert!(pairs.iter().any(|(f, _)| f == "country"), "{pairs:?}");
    assert!(pairs.iter().any(|(f, c)| f.starts_with("l") && c == "pair"), "{pairs:?}");
    assert!(has(&pairs, "domains", "unknown_domain"), "{pairs:?}");
    assert_eq!(app.count_rows("partner", "1 = 1").await, before, "{}: nothing written", app.backend);
    // An agreement: unknown parties and domains, and an end before the start, together.
    let ghost = uuid::Uuid::now_v7().to_string();
    let body = json!({"kind": "twinning", "title": "Jumelage", "parties": [ghost], "domains": ["astrology"],
        "effective_on": "2020-01-01", "ends_on": "2019-01-01"});
    let response = app.post_json("/api/v1/agreements", &body).await;
    let problem = expect_problem(response, 422, "agreement").await;
    let pairs = fields_and_codes(&problem);
    for (field, code) in [("parties", "unknown_partner"), ("domains", "unknown_domain"), ("ends_on", "order")] {
        assert!(has(&pairs, field, code), "{}: {field} {code} missing from {pairs:?}", app.backend);
    }
}
backend_test!(a_post_with_format_cross_field_and_reference_problems_gets_them_all_at_once);

async fn errors_name_the_body_field_query_parameter_and_path_parameter_as_sent(app: TestApp) {
    // A body: the nested field, by its path.
    let body = json!({"title": "T", "division": "decentralized_cooperation", "domains": ["water"],
        "participants": [{"partner_id": 12, "roles": ["funding"]}]});
    let problem = expect_problem(app.post_json("/api/v1/projects", &body).await, 400, "body").await;
    assert_eq!(problem["errors"][0]["field"], "participants[0].partner_id", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "type", "{problem}");
    // A query parameter: its own name, wherever it stands.
    for query in ["limit=abc", "q=abc&limit=abc", "include_total=maybe", "q=x&domain=Not-A-Code"] {
        let problem = expect_problem(app.get(&format!("/api/v1/partners?{query}")).await, 400, query).await;
        let expected = query.rsplit('&').next().unwrap().split('=').next().unwrap();
        assert_eq!(problem["errors"][0]["field"], expected, "{query}: {problem}");
    }
    // A path parameter: its name.
    let problem = expect_problem(app.get("/api/v1/partners/not-a-uuid").await, 400, "path").await;
    assert_eq!(problem["errors"][0]["field"], "id", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "format", "{problem}");
    // A funding line's amount is `amount`, its currency `currency`.
    let angers = app.seeded_partner("Angers").await;
    let project = crate::fixtures::project(&app, "Voirie", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
    let line = json!({"partner_id": angers, "kind": "commitment", "amount": "10.5", "currency": "XOF", "transaction_date": "2026-03-01"});
    let (status, problem) = crate::fixtures::add_line(&app, &project, line).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("amount"), Some("too_precise"))
    );
    let line = json!({"partner_id": angers, "kind": "commitment", "amount": "10", "currency": "ZZZ", "transaction_date": "2026-03-01"});
    let (status, problem) = crate::fixtures::add_line(&app, &project, line).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "currency", "{problem}");
}
backend_test!(errors_name_the_body_field_query_parameter_and_path_parameter_as_sent);

async fn parser_refusals_are_in_french_by_default_and_in_english_on_request(app: TestApp) {
    let body = json!({"code": "abc", "label_fr": 12, "label_en": "x"});
    let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 400, "type").await;
    assert_eq!(
        problem["errors"][0]["message"],
        "Type invalide : le nombre entier 12 a été reçu, il faut un texte entre guillemets.",
        "{problem}"
    );
    let response =
        app.request(Method::POST, "/api/v1/domains").header("accept-language", "en").json(&body).send().await.unwrap();
    let problem = expect_problem(response, 400, "type, English").await;
    assert_eq!(problem["errors"][0]["message"], "invalid type: integer `12`, expected a string", "{problem}");
    // An unknown code: the accepted ones with their labels.
    let body = json!({"name": "Kayes", "kind": "town", "country": "ML"});
    let problem = expect_problem(app.post_json("/api/v1/partners", &body).await, 400, "variant").await;
    let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Code inconnu : « town ». Codes acceptés : "), "{problem}");
    assert!(message.contains("city (Collectivité territoriale (ville))"), "{problem}");
    assert_eq!(problem["errors"][0]["field"], "kind");
    // Malformed JSON, a missing field, a path and a query parameter.
    let response = app
        .request(Method::POST, "/api/v1/domains")
        .header("content-type", "application/json")
        .body("{\"code\": \"abc\", ")
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 400, "syntax").await;
    assert!(
        problem["detail"].as_str().unwrap_or_default().starts_with("JSON mal formé (ligne 1, colonne"),
        "{problem}"
    );
    let problem = expect_problem(app.post_json("/api/v1/domains", &json!({"code": "abc"})).await, 400, "missing").await;
    assert_eq!(problem["errors"][0]["message"], "Le champ « label_fr » est obligatoire.", "{problem}");
    let problem = expect_problem(app.get("/api/v1/partners/not-a-uuid").await, 400, "path").await;
    assert!(
        problem["errors"][0]["message"].as_str().unwrap_or_default().starts_with("Un identifiant UUID est attendu"),
        "{problem}"
    );
    let problem = expect_problem(app.get("/api/v1/partners?limit=abc").await, 400, "query").await;
    assert_eq!(problem["errors"][0]["message"], "Un nombre entier est attendu.", "{problem}");
    let text = problem.to_string();
    assert!(!text.contains("deserialize") && !text.contains("invalid digit"), "English left in {text}");
}
backend_test!(parser_refusals_are_in_french_by_default_and_in_english_on_request);

async fn a_conflict_names_its_fields_and_every_problem_has_a_code(app: TestApp) {
    app.create_partner("Ségou", "ML").await;
    let body = json!({"name": "SEGOU", "kind": "city", "country": "ML"});
    let problem = expect_problem(app.post_json("/api/v1/partners", &body).await, 409, "partner").await;
    assert_eq!(problem["code"], "partner_exists");
    assert!(problem["existing_id"].is_string(), "{problem}");
    assert_eq!(
        fields_and_codes(&problem),
        [("country".into(), "partner_exists".into()), ("name".into(), "partner_exists".into())]
    );
    app.create_user("taken@djcd.test", "agent", Some("twinning")).await;
    let body = json!({"email": "taken@djcd.test", "full_name": "X", "role": "agent", "division": "twinning", "password": "Bamako-Leipzig-1966!"});
    let problem = expect_problem(app.post_json("/api/v1/users", &body).await, 409, "email").await;
    assert_eq!(
        (problem["code"].as_str(), problem["errors"][0]["field"].as_str()),
        (Some("email_taken"), Some("email"))
    );
    assert_eq!(app.count_rows("account", "email = 'taken@djcd.test'").await, 1);
    let body = json!({"code": "water", "label_fr": "Eau", "label_en": "Water"});
    let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 409, "domain").await;
    assert_eq!(problem["errors"][0]["field"], "code", "{problem}");
    // Every problem has a code.
    let problem = expect_problem(app.get("/api/v1/nowhere").await, 404, "route").await;
    assert_eq!(problem["code"], "not_found");
    let problem =
        expect_problem(app.request_as(None, Method::GET, "/api/v1/partners").send().await.unwrap(), 401, "anonymous")
            .await;
    assert_eq!(problem["code"], "unauthorized");
}
backend_test!(a_conflict_names_its_fields_and_every_problem_has_a_code);
