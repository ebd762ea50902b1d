//! `/domains`: the ten seeded domains, their labels, and changes under ETags.
use serde_json::json;
use tests::{TestApp, backend_test, expect_problem, read};

const SEEDED: [(&str, &str, &str); 10] = [
    ("training", "Formation et renforcement des capacités", "Training and capacity building"),
    (
        "administration",
        "Organisation administrative et amélioration des services",
        "Administrative organisation and service improvement",
    ),
    ("health", "Santé", "Health"),
    ("education", "Éducation", "Education"),
    ("solid_waste", "Gestion des déchets solides", "Solid waste management"),
    ("sanitation", "Assainissement", "Sanitation"),
    ("water", "Hydraulique", "Water supply"),
    ("roads", "Voirie", "Roads"),
    ("sport_culture", "Sport et culture", "Sport and culture"),
    ("youth_exchange", "Échange de jeunes", "Youth exchanges"),
];

async fn etag_of(app: &TestApp, code: &str) -> String {
    let response = app.get(&format!("/api/v1/domains/{code}")).await;
    assert_eq!(response.status().as_u16(), 200);
    response.headers()["etag"].to_str().unwrap().to_owned()
}

async fn the_ten_seeded_domains_are_listed_in_order_with_both_labels(app: TestApp) {
    let (status, _, body) = read(app.get("/api/v1/domains").await).await;
    assert_eq!(status, 200, "{}", app.backend);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 10, "{}", app.backend);
    for (item, (code, fr, en)) in items.iter().zip(SEEDED) {
        assert_eq!(
            (item["code"].as_str(), item["label_fr"].as_str(), item["label_en"].as_str()),
            (Some(code), Some(fr), Some(en))
        );
        assert!(item["created_at"].as_str().is_some_and(|t| t.ends_with('Z')), "RFC 3339 UTC: {item}");
    }
}
backend_test!(the_ten_seeded_domains_are_listed_in_order_with_both_labels);

async fn a_domain_is_created_read_updated_and_archived(app: TestApp) {
    let body = json!({"code": "urban_planning", "label_fr": "Urbanisme", "label_en": "Urban planning"});
    let response = app.post_json("/api/v1/domains", &body).await;
    assert_eq!(response.headers()["location"], "/api/v1/domains/urban_planning");
    let (status, _, created) = read(response).await;
    assert_eq!(status, 201, "{}: {created}", app.backend);
    assert_eq!(created["position"], 11, "placed after the last one");
    assert_eq!(app.count_rows("domain_tag", "code = 'urban_planning'").await, 1);

    let etag = etag_of(&app, "urban_planning").await;
    let response =
        app.patch_json("/api/v1/domains/urban_planning", Some(&etag), &json!({"label_en": "Town planning"})).await;
    let new_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let (status, _, updated) = read(response).await;
    assert_eq!((status, updated["label_en"].as_str()), (200, Some("Town planning")), "{}", app.backend);
    assert_ne!(new_etag, etag);

    let response = app.delete("/api/v1/domains/urban_planning", Some(&new_etag)).await;
    assert_eq!(response.status().as_u16(), 204, "{}", app.backend);
    let (_, _, list) = read(app.get("/api/v1/domains").await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 10, "archived domains are hidden");
    let (_, _, list) = read(app.get("/api/v1/domains?include_archived=true").await).await;
    let archived = list["items"].as_array().unwrap().iter().find(|d| d["code"] == "urban_planning").cloned();
    assert_eq!(archived.map(|d| d["archived"].clone()), Some(json!(true)));
    assert_eq!(
        app.count_rows("domain_tag", "code = 'urban_planning' AND archived_at IS NOT NULL").await,
        1,
        "kept, not destroyed"
    );
}
backend_test!(a_domain_is_created_read_updated_and_archived);

async fn a_duplicate_code_is_a_conflict_and_writes_nothing(app: TestApp) {
    let body = json!({"code": "water", "label_fr": "Eau", "label_en": "Water"});
    let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 409, "duplicate").await;
    assert_eq!(problem["code"], "already_exists");
    assert_eq!(app.count_rows("domain_tag", "label_fr = 'Eau'").await, 0);
}
backend_test!(a_duplicate_code_is_a_conflict_and_writes_nothing);

async fn changes_need_the_current_etag(app: TestApp) {
    let body = json!({"label_en": "Water"});
    expect_problem(app.patch_json("/api/v1/domains/water", None, &body).await, 428, "no If-Match").await;
    let problem =
        expect_problem(app.patch_json("/api/v1/domains/water", Some("\"99\""), &body).await, 412, "stale").await;
    assert_eq!(problem["current_etag"], "\"1\"");
    expect_problem(app.delete("/api/v1/domains/water", None).await, 428, "delete without If-Match").await;
    assert_eq!(app.count_rows("domain_tag", "code = 'water' AND label_en = 'Water supply' AND version = 1").await, 1);
}
backend_test!(changes_need_the_current_etag);

async fn broken_rules_are_listed_field_by_field_in_one_422(app: TestApp) {
    let body = json!({"code": "Bad Code", "label_fr": "", "label_en": "x", "position": 0});
    let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 422, "rules").await;
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["code", "label_fr", "position"], "{}", app.backend);
    assert_eq!(app.count_rows("domain_tag", "1 = 1").await, 10);
}
backend_test!(broken_rules_are_listed_field_by_field_in_one_422);

async fn an_unknown_domain_is_404(app: TestApp) {
    expect_problem(app.get("/api/v1/domains/astronomy").await, 404, "unknown").await;
    let body = json!({"label_en": "x"});
    expect_problem(app.patch_json("/api/v1/domains/astronomy", Some("\"1\""), &body).await, 404, "unknown patch").await;
}
backend_test!(an_unknown_domain_is_404);
