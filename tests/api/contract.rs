//! What the OpenAPI document declares, the server enforces, and what the server accepts, the
//! document allows: sort values, query parameter syntax, decimal syntax, list sizes counted as sent.
use serde_json::{Value, json};
use tests::{TestApp, expect_problem, read, spawn_apps};

/// Every `sort` value a list declares is accepted; anything else is a 400 from the query parser.
#[tokio::test]
async fn every_declared_sort_is_accepted_and_no_other() {
    for app in spawn_apps().await {
        let (_, _, document) = read(app.get("/api-docs/openapi.json").await).await;
        let mut lists = 0;
        for (path, item) in document["paths"].as_object().unwrap() {
            let Some(parameters) = item["get"]["parameters"].as_array() else { continue };
            let Some(sort) = parameters.iter().find(|p| p["name"] == "sort") else { continue };
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
}

#[tokio::test]
async fn query_parameters_are_checked_as_declared() {
    for app in spawn_apps().await {
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
        for bad in
            ["entity_type=Partner", "entity_type=", "entity_id=angers", &format!("entity_type={}", "a".repeat(41))]
        {
            expect_problem(app.get(&format!("/api/v1/audit-events?{bad}")).await, 400, bad).await;
        }
    }
}

async fn partner_status(app: &TestApp, body: Value) -> (u16, Value) {
    let (status, _, body) = read(app.post_json("/api/v1/partners", &body).await).await;
    (status, body)
}

/// Texts are measured as sent, optional texts are not empty, codes are not trimmed into shape.
#[tokio::test]
async fn texts_codes_and_lists_are_judged_as_sent() {
    for app in spawn_apps().await {
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
        let (status, _, created) = read(
            app.post_json("/api/v1/projects", &project(json!(vec!["district"; 7]), json!(vec![funder; 50]))).await,
        )
        .await;
        assert_eq!(status, 201, "7 communes and 50 participants, duplicates folded: {created}");
        assert_eq!(created["participants"].as_array().map(Vec::len), Some(1));
    }
}

#[tokio::test]
async fn exchange_rates_have_the_decimal_syntax_of_the_document() {
    for app in spawn_apps().await {
        for (rate, currency, ok) in [
            ("600.25", "USD", true),
            ("0.000000001", "KWD", true),
            ("999999999999999.5", "GNF", true),
            ("007", "CHF", false),
            ("0", "CHF", false),
            ("0.0000000001", "CHF", false),
            ("1e3", "CHF", false),
            ("+600", "CHF", false),
            ("600.", "CHF", false),
            ("1000000000000000", "CHF", false),
        ] {
            let body = json!({"currency": currency, "rate_to_xof": rate, "valid_from": "2026-01-01"});
            let (status, _, answer) = read(app.post_json("/api/v1/exchange-rates", &body).await).await;
            assert_eq!(status, if ok { 201 } else { 422 }, "{}: {rate}: {answer}", app.backend);
        }
    }
}
