//! `/audit-events`: every change is listed, with the server's request id and the client's, for
//! the director and division heads, each seeing what it may read.
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

async fn the_audit_trail_lists_every_change_for_the_director_and_division_heads_only(app: TestApp) {
    let id = app.create_partner("Kidal", "ML").await;
    let (status, _, page) =
        read(app.get(&format!("/api/v1/audit-events?entity_type=partner&entity_id={id}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["after"]["name"], "Kidal");
    let (_, _, all) = read(app.get("/api/v1/audit-events?limit=200").await).await;
    assert!(all["items"].as_array().unwrap().len() >= 70, "the seed's creations are audited too");
    let agent = app.token_for("agent", Some("twinning")).await;
    let response = app.request_as(Some(&agent), Method::GET, "/api/v1/audit-events").send().await.unwrap();
    expect_problem(response, 403, "agents do not read the audit trail").await;
}
backend_test!(the_audit_trail_lists_every_change_for_the_director_and_division_heads_only);

async fn the_audit_keeps_the_servers_own_request_id_and_the_clients_beside_it(app: TestApp) {
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
backend_test!(the_audit_keeps_the_servers_own_request_id_and_the_clients_beside_it);

async fn division_heads_read_the_audit_of_what_they_may_read_only(app: TestApp) {
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
backend_test!(division_heads_read_the_audit_of_what_they_may_read_only, |settings| settings
    .partners
    .webhook_allow_private = true);

async fn the_audit_trail_is_sorted_searched_and_counted(app: TestApp) {
    let id = app.create_partner("Ville de Kayes", "ML").await;
    let (_, _, newest) = read(app.get(&format!("/api/v1/audit-events?entity_id={id}&include_total=true")).await).await;
    assert_eq!(
        (newest["total"].as_u64(), newest["items"][0]["action"].as_str()),
        (Some(1), Some("create")),
        "{newest}"
    );
    let (status, _, oldest) = read(app.get("/api/v1/audit-events?sort=occurred_at&limit=1").await).await;
    assert_eq!(status, 200, "{oldest}");
    let (_, _, newest) = read(app.get("/api/v1/audit-events?limit=1").await).await;
    assert!(oldest["items"][0]["occurred_at"].as_str() <= newest["items"][0]["occurred_at"].as_str());
    let (_, _, found) = read(app.get("/api/v1/audit-events?q=CREATE&entity_type=partner&limit=200").await).await;
    assert!(found["items"].as_array().unwrap().iter().all(|e| e["action"] == "create"), "{found}");
    let cursor = oldest["next_cursor"].as_str().unwrap().to_owned();
    let problem =
        expect_problem(app.get(&format!("/api/v1/audit-events?limit=1&cursor={cursor}")).await, 422, "another sort")
            .await;
    assert_eq!(problem["errors"][0]["code"], "cursor_mismatch", "{problem}");
}
backend_test!(the_audit_trail_is_sorted_searched_and_counted);
