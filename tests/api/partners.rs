//! Partners: filters, accent-free search, keyset pages, concurrency, archive, audit.
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, expect_problem, read, spawn_apps};

async fn list(app: &TestApp, query: &str) -> Value {
    let (status, _, page) = read(app.get(&format!("/api/v1/partners?{query}")).await).await;
    assert_eq!(status, 200, "{query}: {page}");
    page
}

fn names(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn search_ignores_accents_and_case() {
    for app in spawn_apps().await {
        assert_eq!(names(&list(&app, "q=fes").await), ["Fès"], "{}", app.backend);
        assert_eq!(names(&list(&app, "q=MEKNES").await), ["Meknès"]);
        assert_eq!(names(&list(&app, "q=montréal").await), ["Montréal"]);
        assert_eq!(names(&list(&app, "q=sao%20paulo").await), ["São Paulo"]);
        assert!(names(&list(&app, "q=100%25_").await).is_empty(), "wildcards are literal");
    }
}

#[tokio::test]
async fn filters_combine() {
    for app in spawn_apps().await {
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
        expect_problem(app.get("/api/v1/partners?kind=planet").await, 400, "unknown kind").await;
    }
}

#[tokio::test]
async fn paging_through_hundreds_of_partners_skips_and_repeats_nothing() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn a_partner_is_unique_by_name_and_country_accents_and_case_ignored() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn invalid_partners_are_refused_field_by_field() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn updates_need_the_current_etag_and_are_audited_with_before_and_after() {
    for app in spawn_apps().await {
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
        let stale =
            expect_problem(app.patch_json(&path, Some(&etag), &json!({"locality": "x"})).await, 412, "stale").await;
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
}

#[tokio::test]
async fn archive_hides_and_the_director_restores() {
    for app in spawn_apps().await {
        let id = app.create_partner("Kita", "ML").await;
        let path = format!("/api/v1/partners/{id}");
        let head = app.token_for("division_head", Some("twinning")).await;
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let response =
            app.request_as(Some(&head), Method::DELETE, &path).header("if-match", &etag).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 204, "division heads write partners");
        assert!(names(&list(&app, "q=kita").await).is_empty());
        assert_eq!(names(&list(&app, "q=kita&include_archived=true").await), ["Kita"]);
        let (_, _, archived) = read(app.get(&path).await).await;
        assert_eq!(archived["archived"], true, "still readable");
        let response = app.request_as(Some(&head), Method::POST, &format!("{path}/restore")).send().await.unwrap();
        expect_problem(response, 403, "only the director restores").await;
        let (status, _, restored) =
            read(app.request(Method::POST, &format!("{path}/restore")).send().await.unwrap()).await;
        assert_eq!((status, restored["archived"].as_bool()), (200, Some(false)));
        assert_eq!(names(&list(&app, "q=kita").await), ["Kita"]);
        let (_, _, history) = read(app.get(&format!("{path}/history")).await).await;
        let actions: Vec<&str> =
            history["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["restore", "archive", "create"]);
        assert_eq!(app.count_rows("partner", "name = 'Kita'").await, 1, "never destroyed");
    }
}

#[tokio::test]
async fn agents_read_partners_but_do_not_write_them_and_partner_systems_see_nothing_internal() {
    for app in spawn_apps().await {
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
}
