//! `/partners`: filters, accent-free search, keyset pages, uniqueness, idempotent and concurrent
//! writes, archive, audit, and the seed loaded twice.
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

async fn list(app: &TestApp, query: &str) -> Value {
    let (status, _, page) = read(app.get(&format!("/api/v1/partners?{query}")).await).await;
    assert_eq!(status, 200, "{query}: {page}");
    page
}

fn names(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
}

async fn search_ignores_accents_and_case(app: TestApp) {
    assert_eq!(names(&list(&app, "q=fes").await), ["Fès"], "{}", app.backend);
    assert_eq!(names(&list(&app, "q=MEKNES").await), ["Meknès"]);
    assert_eq!(names(&list(&app, "q=montréal").await), ["Montréal"]);
    assert_eq!(names(&list(&app, "q=sao%20paulo").await), ["São Paulo"]);
    assert!(names(&list(&app, "q=100%25_").await).is_empty(), "wildcards are literal");
}
backend_test!(search_ignores_accents_and_case);

async fn filters_combine(app: TestApp) {
    let germany = names(&list(&app, "country=DE&sort=name").await);
    assert_eq!(germany, ["Bonn", "Leipzig", "Stuttgart"], "{}", app.backend);
    let networks = list(&app, "kind=local_government_network&include_total=true").await;
    assert_eq!(networks["total"], 8);
    let body = json!({"name": "Agence Française de Développement", "short_name": "AFD", "kind": "technical_financial_partner",
        "is_classic_ptf": true, "country": "FR", "domains": ["water", "sanitation"]});
    let (status, _, _) = read(app.post_json("/api/v1/partners", &body).await).await;
    assert_eq!(status, 201);
    assert_eq!(names(&list(&app, "domain=water").await), ["Agence Française de Développement"]);
    assert_eq!(names(&list(&app, "is_classic_ptf=true&country=FR").await), ["Agence Française de Développement"]);
    assert!(names(&list(&app, "domain=water&country=DE").await).is_empty());
    expect_problem(app.get("/api/v1/partners?sort=password").await, 400, "unknown sort").await;
    expect_problem(app.get("/api/v1/partners?limit=500").await, 400, "limit").await;
    let problem = expect_problem(app.get("/api/v1/partners?kind=planet").await, 422, "unknown kind").await;
    assert_eq!(problem["errors"][0]["field"], "kind", "{problem}");
}
backend_test!(filters_combine);

async fn paging_through_hundreds_of_partners_skips_and_repeats_nothing(app: TestApp) {
    for i in 0..220 {
        app.create_partner(&format!("Commune {i:03}"), if i % 2 == 0 { "ML" } else { "SN" }).await;
    }
    for sort in ["name", "-name", "created_at", "-updated_at", "country"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let query = match &cursor {
                Some(cursor) => format!("limit=37&sort={sort}&cursor={cursor}"),
                None => format!("limit=37&sort={sort}&include_total=true"),
            };
            let page = list(&app, &query).await;
            if cursor.is_none() {
                assert_eq!(page["total"], 255);
            }
            seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
            pages += 1;
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len(), pages), (255, 255, 7), "{}: sort {sort}", app.backend);
    }
    let ascending = names(&list(&app, "limit=3&sort=name&q=commune").await);
    assert_eq!(ascending, ["Commune 000", "Commune 001", "Commune 002"]);
    let descending = names(&list(&app, "limit=2&sort=-name&q=commune").await);
    assert_eq!(descending, ["Commune 219", "Commune 218"]);
}
backend_test!(paging_through_hundreds_of_partners_skips_and_repeats_nothing);

async fn a_partner_is_unique_by_name_and_country_accents_and_case_ignored(app: TestApp) {
    let body = json!({"name": "fès", "kind": "city", "country": "MA"});
    let problem = expect_problem(app.post_json("/api/v1/partners", &body).await, 409, "duplicate").await;
    assert_eq!(problem["code"], "partner_exists");
    assert!(problem["existing_id"].is_string());
    let elsewhere = json!({"name": "Fès", "kind": "city", "country": "FR"});
    assert_eq!(
        app.post_json("/api/v1/partners", &elsewhere).await.status().as_u16(),
        201,
        "another country is another partner"
    );
}
backend_test!(a_partner_is_unique_by_name_and_country_accents_and_case_ignored);

async fn invalid_partners_are_refused_field_by_field(app: TestApp) {
    let body = json!({"name": " ", "kind": "city", "country": "france", "website": "ftp://x", "languages": ["FR"],
        "latitude": 100.0, "longitude": 0.0, "contacts": [{"name": "A", "email": "not-an-email"}], "domains": ["astrology"]});
    let problem = expect_problem(app.post_json("/api/v1/partners", &body).await, 422, "rules").await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for field in ["name", "country", "website", "languages[0]", "latitude", "contacts[0].email"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let unknown_domain = json!({"name": "Kayes", "kind": "city", "country": "ML", "domains": ["astrology"]});
    let problem = expect_problem(app.post_json("/api/v1/partners", &unknown_domain).await, 422, "domain").await;
    assert_eq!(problem["errors"][0]["code"], "unknown_domain");
    assert_eq!(app.count_rows("partner", "name = 'Kayes'").await, 0);
}
backend_test!(invalid_partners_are_refused_field_by_field);

async fn updates_need_the_current_etag_and_are_audited_with_before_and_after(app: TestApp) {
    let id = app.create_partner("Sikasso", "ML").await;
    let path = format!("/api/v1/partners/{id}");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let change = json!({"website": "https://sikasso.ml", "domains": ["health"]});
    expect_problem(app.patch_json(&path, None, &change).await, 428, "no If-Match").await;
    let response = app
        .request(Method::PATCH, &path)
        .header("if-match", &etag)
        .header("x-request-id", "req-sikasso-1")
        .json(&change)
        .send()
        .await
        .unwrap();
    let (status, _, updated) = read(response).await;
    assert_eq!((status, updated["domains"].clone()), (200, json!(["health"])));
    let stale = expect_problem(app.patch_json(&path, Some(&etag), &json!({"locality": "x"})).await, 412, "stale").await;
    assert_eq!(stale["current_etag"], "\"2\"");
    assert_eq!(
        app.count_rows("partner", "name = 'Sikasso' AND locality IS NULL").await,
        1,
        "the stale write did nothing"
    );

    let (_, _, history) = read(app.get(&format!("{path}/history")).await).await;
    let events = history["items"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{}: create and update", app.backend);
    assert_eq!(events[0]["action"], "update");
    // The client's id is kept beside the server's own, which is unique to the request (#14, item 20).
    assert_eq!(events[0]["client_request_id"], "req-sikasso-1");
    assert_ne!(events[0]["request_id"], "req-sikasso-1");
    assert!(events[0]["request_id"].as_str().is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()));
    assert_eq!(events[0]["before"]["website"], Value::Null);
    assert_eq!(events[0]["after"]["website"], "https://sikasso.ml");
    assert!(events[0]["actor_id"].is_string());
    assert_eq!(events[1]["action"], "create");
}
backend_test!(updates_need_the_current_etag_and_are_audited_with_before_and_after);

async fn archive_hides_and_the_director_restores(app: TestApp) {
    let id = app.create_partner("Kita", "ML").await;
    let path = format!("/api/v1/partners/{id}");
    let head = app.token_for("division_head", Some("twinning")).await;
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let response = app.request_as(Some(&head), Method::DELETE, &path).header("if-match", &etag).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 204, "division heads write partners");
    assert!(names(&list(&app, "q=kita").await).is_empty());
    assert_eq!(names(&list(&app, "q=kita&include_archived=true").await), ["Kita"]);
    let (_, _, archived) = read(app.get(&path).await).await;
    assert_eq!(archived["archived"], true, "still readable");
    let response = app.request_as(Some(&head), Method::POST, &format!("{path}/restore")).send().await.unwrap();
    expect_problem(response, 403, "only the director restores").await;
    let (status, _, restored) = read(app.request(Method::POST, &format!("{path}/restore")).send().await.unwrap()).await;
    assert_eq!((status, restored["archived"].as_bool()), (200, Some(false)));
    assert_eq!(names(&list(&app, "q=kita").await), ["Kita"]);
    let (_, _, history) = read(app.get(&format!("{path}/history")).await).await;
    let actions: Vec<&str> =
        history["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["restore", "archive", "create"]);
    assert_eq!(app.count_rows("partner", "name = 'Kita'").await, 1, "never destroyed");
}
backend_test!(archive_hides_and_the_director_restores);

async fn agents_read_partners_but_do_not_write_them_and_partner_systems_see_nothing_internal(app: TestApp) {
    let agent = app.token_for("agent", Some("twinning")).await;
    let (status, _, _) =
        read(app.request_as(Some(&agent), Method::GET, "/api/v1/partners").send().await.unwrap()).await;
    assert_eq!(status, 200);
    let body = json!({"name": "Ségou", "kind": "city", "country": "ML"});
    let response = app.request_as(Some(&agent), Method::POST, "/api/v1/partners").json(&body).send().await.unwrap();
    expect_problem(response, 403, "agent writes a partner").await;
    let machine = app.partner_token(&app.seeded_partner("Angers").await).await;
    let response = app.request_as(Some(&machine), Method::GET, "/api/v1/partners").send().await.unwrap();
    expect_problem(response, 403, "partner system lists partners").await;
    assert_eq!(app.count_rows("partner", "name = 'Ségou'").await, 0);
}
backend_test!(agents_read_partners_but_do_not_write_them_and_partner_systems_see_nothing_internal);

async fn the_same_idempotency_key_and_body_replays_the_first_response(app: TestApp) {
    let body = json!({"name": "Koulikoro", "kind": "city", "country": "ML"});
    let send = |body: serde_json::Value| {
        app.request(Method::POST, "/api/v1/partners").header("idempotency-key", "create-koulikoro-1").json(&body).send()
    };
    let first = send(body.clone()).await.unwrap();
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    let (status, _, created) = read(first).await;
    assert_eq!(status, 201);
    let replay = send(body.clone()).await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.headers()["location"].to_str().unwrap(), location);
    let (status, _, replayed) = read(replay).await;
    assert_eq!((status, replayed["id"].clone()), (201, created["id"].clone()), "{}", app.backend);
    assert_eq!(app.count_rows("partner", "name = 'Koulikoro'").await, 1);
    let other = expect_problem(
        send(json!({"name": "Kayes", "kind": "city", "country": "ML"})).await.unwrap(),
        422,
        "same key, other body",
    )
    .await;
    assert_eq!(other["errors"][0]["code"], "reused");
    assert_eq!(app.count_rows("partner", "name = 'Kayes'").await, 0);
    let bad =
        app.request(Method::POST, "/api/v1/partners").header("idempotency-key", "").json(&body).send().await.unwrap();
    expect_problem(bad, 400, "empty key").await;
}
backend_test!(the_same_idempotency_key_and_body_replays_the_first_response);

async fn twenty_concurrent_requests_with_one_key_create_exactly_one_record(app: TestApp) {
    let body = json!({"name": "Mopti", "kind": "city", "country": "ML"});
    let requests = (0..20).map(|_| {
        app.request(Method::POST, "/api/v1/partners").header("idempotency-key", "mopti-race").json(&body).send()
    });
    let statuses: Vec<u16> =
        futures_util::future::join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{}: {statuses:?}", app.backend);
    assert!(statuses.contains(&201));
    assert_eq!(app.count_rows("partner", "name = 'Mopti'").await, 1, "{}", app.backend);
}
backend_test!(twenty_concurrent_requests_with_one_key_create_exactly_one_record);

async fn twenty_concurrent_creations_of_the_same_partner_create_exactly_one(app: TestApp) {
    let body = json!({"name": "Tombouctou", "kind": "city", "country": "ML"});
    let requests = (0..20).map(|_| app.request(Method::POST, "/api/v1/partners").json(&body).send());
    let statuses: Vec<u16> =
        futures_util::future::join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{}: {statuses:?}", app.backend);
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    assert_eq!(app.count_rows("partner", "name = 'Tombouctou'").await, 1);
}
backend_test!(twenty_concurrent_creations_of_the_same_partner_create_exactly_one);

async fn a_hundred_pairs_of_racing_patches_with_the_same_etag_let_exactly_one_of_each_win(app: TestApp) {
    let id = app.create_partner("Gao", "ML").await;
    let path = format!("/api/v1/partners/{id}");
    for round in 0..100 {
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let (body_a, body_b) = (json!({"locality": format!("A{round}")}), json!({"locality": format!("B{round}")}));
        let a = app.patch_json(&path, Some(&etag), &body_a);
        let b = app.patch_json(&path, Some(&etag), &body_b);
        let (a, b) = tokio::join!(a, b);
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "{}: round {round}", app.backend);
    }
    let (_, _, history) = read(app.get(&format!("{path}/history?limit=200")).await).await;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 101, "one entry per winning write, plus the creation");
    let response = app.get(&path).await;
    assert_eq!(response.headers()["etag"], "\"101\"", "{}: one version per winning write", app.backend);
    let (_, _, current) = read(response).await;
    assert_eq!(items[0]["after"]["locality"], current["locality"], "the history and the record agree");
    // Each winner's entry follows the previous one: no write was applied over a stale version.
    for pair in items.windows(2) {
        assert_eq!(pair[0]["before"], pair[1]["after"], "{}: the history is a chain", app.backend);
    }
}
backend_test!(a_hundred_pairs_of_racing_patches_with_the_same_etag_let_exactly_one_of_each_win);

async fn loading_the_portfolio_twice_changes_nothing_and_keeps_edits(app: TestApp) {
    let id = app.seeded_partner("Rochester").await;
    let path = format!("/api/v1/partners/{id}");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let (status, _, _) = read(app.patch_json(&path, Some(&etag), &json!({"locality": "New York"})).await).await;
    assert_eq!(status, 200);
    let before = counts(&app).await;
    assert_eq!((before.0, before.1), (35, 34), "{}: partners and agreements of the seed", app.backend);
    let loaded = api::seed::load_portfolio(&app.db).await.expect("loads");
    assert!(!loaded, "already loaded");
    assert_eq!(counts(&app).await, before, "{}: nothing changed", app.backend);
    let (_, _, rochester) = read(app.get(&path).await).await;
    assert_eq!(rochester["locality"], "New York", "the edit survives");
}
backend_test!(loading_the_portfolio_twice_changes_nothing_and_keeps_edits);

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.count_rows("partner", "1 = 1").await,
        app.count_rows("agreement", "1 = 1").await,
        app.count_rows("agreement_status_change", "1 = 1").await,
        app.count_rows("audit_event", "1 = 1").await,
    )
}
