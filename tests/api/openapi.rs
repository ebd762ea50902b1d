//! The contract: the committed OpenAPI document equals the served one, what it declares the
//! server enforces (sort values, query parameter syntax, texts and list sizes as sent), and the
//! documentation is served.
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

async fn the_committed_openapi_document_equals_the_served_one(app: TestApp) {
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).expect("openapi/openapi.json is JSON");
    let (status, _, served) = read(app.get("/api-docs/openapi.json").await).await;
    assert_eq!(status, 200);
    assert!(served == committed, "openapi/openapi.json is stale: run `cargo run -p openapi` and commit the result");
    assert_eq!(served["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
}
backend_test!(the_committed_openapi_document_equals_the_served_one);

/// Every `sort` value a list declares is accepted; anything else is a 400 from the query parser.
async fn every_declared_sort_is_accepted_and_no_other(app: TestApp) {
    let (_, _, document) = read(app.get("/api-docs/openapi.json").await).await;
    // The lists under a record (an agreement's moves and evaluations, a project's lines) are read
    // on a record that exists; a webhook's deliveries are left to `routes::webhooks`.
    let (_, _, agreements) = read(app.get("/api/v1/agreements?limit=1").await).await;
    let agreement = agreements["items"][0]["id"].as_str().expect("a seeded agreement").to_owned();
    let angers = app.seeded_partner("Angers").await;
    let project = crate::fixtures::project(&app, "Tri", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
    let mut lists = 0;
    for (template, item) in document["paths"].as_object().unwrap() {
        let Some(parameters) = item["get"]["parameters"].as_array() else { continue };
        let Some(sort) = parameters.iter().find(|p| p["name"] == "sort") else { continue };
        let path = template
            .replace("/agreements/{id}/", &format!("/agreements/{agreement}/"))
            .replace("/projects/{id}/", &format!("/projects/{project}/"));
        if path.contains('{') {
            continue;
        }
        let values = sort["schema"]["enum"].as_array().unwrap_or_else(|| panic!("{path}: sort is not an enum"));
        for value in values {
            let value = value.as_str().unwrap();
            let (status, _, page) = read(app.get(&format!("{path}?sort={value}&limit=2")).await).await;
            assert_eq!(status, 200, "{}: {path}?sort={value}: {page}", app.backend);
            if let Some(cursor) = page["next_cursor"].as_str() {
                let query = format!("{path}?sort={value}&limit=2&cursor={cursor}");
                assert_eq!(read(app.get(&query).await).await.0, 200, "{query}");
            }
        }
        expect_problem(app.get(&format!("{path}?sort=password_hash")).await, 400, "unknown sort").await;
        expect_problem(app.get(&format!("{path}?sort=")).await, 400, "empty sort").await;
        lists += 1;
    }
    assert!(lists >= 3, "partners, agreements and projects sort");
}
backend_test!(every_declared_sort_is_accepted_and_no_other);

async fn query_parameters_are_checked_as_declared(app: TestApp) {
    for list in ["/api/v1/partners", "/api/v1/agreements", "/api/v1/projects"] {
        assert_eq!(read(app.get(&format!("{list}?domain=water&q=bamako")).await).await.0, 200);
        for bad in ["domain=Water", "domain=w", "domain=water%20supply", "q=a%00b", "q=a%0Ab"] {
            expect_problem(app.get(&format!("{list}?{bad}")).await, 400, &format!("{list}?{bad}")).await;
        }
        let long = "a".repeat(201);
        expect_problem(app.get(&format!("{list}?q={long}")).await, 400, "q of 201 characters").await;
        let longest = "é".repeat(200);
        assert_eq!(read(app.get(&format!("{list}?q={longest}")).await).await.0, 200, "200 characters");
    }
    let partner = app.seeded_partner("Angers").await;
    let (status, _, page) =
        read(app.get(&format!("/api/v1/audit-events?entity_type=partner&entity_id={partner}")).await).await;
    assert_eq!(status, 200, "{page}");
    assert!(!page["items"].as_array().unwrap().is_empty(), "the seed is audited");
    for bad in ["entity_type=Partner", "entity_type=", "entity_id=angers", &format!("entity_type={}", "a".repeat(41))] {
        expect_problem(app.get(&format!("/api/v1/audit-events?{bad}")).await, 400, bad).await;
    }
}
backend_test!(query_parameters_are_checked_as_declared);

async fn partner_status(app: &TestApp, body: Value) -> (u16, Value) {
    let (status, _, body) = read(app.post_json("/api/v1/partners", &body).await).await;
    (status, body)
}

/// Texts are measured as sent, optional texts are not empty, codes are not trimmed into shape.
async fn texts_codes_and_lists_are_judged_as_sent(app: TestApp) {
    let base = json!({"name": "Ville de Kayes", "kind": "city", "country": "ML"});
    for (field, value) in [
        ("short_name", json!("")),
        ("locality", json!("   ")),
        ("notes", json!("")),
        ("name", json!(format!("{} ", "a".repeat(200)))),
        ("country", json!(" ML")),
        ("website", json!("ftp://kayes.ml")),
        ("languages", json!(["fr", "FR"])),
        ("languages", json!(vec!["fr"; 21])),
        ("domains", json!(vec!["water"; 21])),
        ("contacts", json!([{"name": "Awa", "phone": "12"}])),
        ("contacts", json!([{"name": "Awa", "email": "awa@kayes"}])),
        ("latitude", json!(14.45)),
    ] {
        let mut body = base.clone();
        body[field] = value.clone();
        let (status, problem) = partner_status(&app, body).await;
        assert_eq!(status, 422, "{}: {field} = {value}: {problem}", app.backend);
    }
    let mut body = base.clone();
    body["name"] = json!(format!(" {} ", "Kayes"));
    body["domains"] = json!(vec!["water"; 20]);
    body["latitude"] = json!(14.45);
    body["longitude"] = json!(-11.44);
    let (status, created) = partner_status(&app, body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["name"].as_str(), created["domains"].as_array().map(Vec::len)), (Some("Kayes"), Some(1)));

    let angers = app.seeded_partner("Angers").await;
    let agreement = json!({"kind": "twinning", "title": "Jumelage", "parties": vec![angers.clone(); 21]});
    let (status, _, problem) = read(app.post_json("/api/v1/agreements", &agreement).await).await;
    assert_eq!(status, 422, "21 parties as sent: {problem}");

    let project = |communes: Value, participants: Value| {
        json!({"title": "Pavage", "division": "decentralized_cooperation", "domains": ["water"],
            "communes": communes, "participants": participants})
    };
    let funder = json!({"partner_id": angers, "roles": ["funding"]});
    for (communes, participants) in [
        (json!(vec!["district"; 8]), json!([funder])),
        (json!(["district"]), json!([funder, {"partner_id": angers, "roles": []}])),
        (json!(["district"]), json!([{"partner_id": angers, "roles": vec!["funding"; 5]}])),
        (json!(["district"]), json!(vec![funder.clone(); 51])),
    ] {
        let (status, _, problem) =
            read(app.post_json("/api/v1/projects", &project(communes.clone(), participants)).await).await;
        assert_eq!(status, 422, "{}: {communes}: {problem}", app.backend);
    }
    let (status, _, created) =
        read(app.post_json("/api/v1/projects", &project(json!(vec!["district"; 7]), json!(vec![funder; 50]))).await)
            .await;
    assert_eq!(status, 201, "7 communes and 50 participants, duplicates folded: {created}");
    assert_eq!(created["participants"].as_array().map(Vec::len), Some(1));
}
backend_test!(texts_codes_and_lists_are_judged_as_sent);

async fn responses_are_compressed_when_the_client_asks(app: TestApp) {
    let response =
        app.client.get(app.url("/api-docs/openapi.json")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip", "{}", app.backend);
}
backend_test!(responses_are_compressed_when_the_client_asks);

async fn swagger_ui_is_served_and_its_bare_path_redirects(app: TestApp) {
    let response = app.get("/swagger-ui").await;
    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(response.headers()["location"], "/swagger-ui/");
    let (status, content_type, body) = read(app.get("/swagger-ui/").await).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    assert!(body.as_str().unwrap_or("").contains("swagger"), "{body}");
}
backend_test!(swagger_ui_is_served_and_its_bare_path_redirects);
