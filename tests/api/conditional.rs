//! Conditional GET on staff reads (`http::conditional::conditional_get`): a record's ETag is its
//! version, a list's a weak hash of its body; `If-None-Match` naming it gets 304 with no body.
use reqwest::{Method, Response};
use serde_json::json;
use tests::{TestApp, backend_test, read};

fn etag(response: &Response) -> String {
    response.headers().get("etag").and_then(|v| v.to_str().ok()).expect("an ETag").to_owned()
}

async fn get_if_none_match(app: &TestApp, path: &str, tags: &str) -> Response {
    app.request(Method::GET, path).header("if-none-match", tags).send().await.expect("request sent")
}

/// Asserts a 304 with `tag` and no body.
async fn expect_not_modified(response: Response, tag: &str, context: &str) {
    assert_eq!(response.status().as_u16(), 304, "{context}");
    assert_eq!(etag(&response), tag, "{context}: the same ETag");
    assert_eq!(response.headers()["cache-control"], "private, no-cache", "{context}");
    assert!(response.headers().get("content-type").is_none(), "{context}");
    assert!(response.bytes().await.expect("a body").is_empty(), "{context}: no body");
}

async fn a_partner_read_answers_304_while_its_version_is_current(app: TestApp) {
    let id = app.create_partner("Ville de Ségou", "ML").await;
    let path = format!("/api/v1/partners/{id}");
    let response = app.get(&path).await;
    assert_eq!(response.status().as_u16(), 200);
    let tag = etag(&response);
    assert_eq!(tag, "\"1\"", "{}: a record's ETag is its version", app.backend);
    assert_eq!(response.headers()["cache-control"], "private, no-cache");
    expect_not_modified(get_if_none_match(&app, &path, &tag).await, &tag, "same version").await;
    expect_not_modified(get_if_none_match(&app, &path, "W/\"1\", \"7\"").await, &tag, "weak comparison, a list").await;
    // Another version, or a change since: the whole answer.
    let (status, _, body) = read(get_if_none_match(&app, &path, "\"7\"").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], id);
    let response = app.patch_json(&path, Some(&tag), &json!({"locality": "Ségou"})).await;
    assert_eq!(response.status().as_u16(), 200, "{}", app.backend);
    let response = get_if_none_match(&app, &path, &tag).await;
    assert_eq!(response.status().as_u16(), 200, "{}: changed since", app.backend);
    assert_eq!(etag(&response), "\"2\"");
    let (_, _, body) = read(response).await;
    assert_eq!(body["locality"], "Ségou");
    assert_eq!(app.count_rows("partner", "name = 'Ville de Ségou' AND version = 2").await, 1);
    // Without a token it is still 401, If-None-Match or not.
    let response = app.request_as(None, Method::GET, &path).header("if-none-match", "\"2\"").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
}
backend_test!(a_partner_read_answers_304_while_its_version_is_current);

async fn a_project_read_answers_304_with_its_etag(app: TestApp) {
    let bordeaux = app.seeded_partner("Bordeaux").await;
    let body = json!({
        "title": "Adduction d'eau potable à Sabalibougou", "division": "decentralized_cooperation",
        "domains": ["water"], "communes": ["commune_v"],
        "participants": [{"partner_id": bordeaux, "roles": ["funding"]}]
    });
    let (status, _, created) = read(app.post_json("/api/v1/projects", &body).await).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("an id").to_owned();
    let path = format!("/api/v1/projects/{id}");
    let response = app.get(&path).await;
    assert_eq!(response.status().as_u16(), 200);
    let tag = etag(&response);
    assert!(!tag.starts_with("W/"), "{}: a project's ETag is its version: {tag}", app.backend);
    expect_not_modified(get_if_none_match(&app, &path, &tag).await, &tag, "project").await;
    // An agent reads it too, with the same answer.
    let agent = app.token_for("agent", Some("decentralized_cooperation")).await;
    let response = app.request_as(Some(&agent), Method::GET, &path).header("if-none-match", &tag).send().await.unwrap();
    expect_not_modified(response, &tag, "project read by an agent").await;
}
backend_test!(a_project_read_answers_304_with_its_etag);

async fn a_list_gets_a_weak_etag_of_its_body_and_304_until_it_changes(app: TestApp) {
    let path = "/api/v1/partners?limit=50";
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200);
    let tag = etag(&response);
    assert!(tag.starts_with("W/\"") && tag.len() == 2 + 2 + 32, "{}: {tag}", app.backend);
    let again = app.get(path).await;
    assert_eq!(etag(&again), tag, "the same body, the same tag");
    expect_not_modified(get_if_none_match(&app, path, &tag).await, &tag, "list").await;
    // The strong form of the same tag matches too (weak comparison).
    let strong = tag.trim_start_matches("W/").to_owned();
    expect_not_modified(get_if_none_match(&app, path, &strong).await, &tag, "list, strong form").await;
    // Another page of the same list is another representation.
    let other = app.get("/api/v1/partners?limit=1").await;
    assert_ne!(etag(&other), tag);
    app.create_partner("Ville de Kayes", "ML").await;
    let response = get_if_none_match(&app, path, &tag).await;
    assert_eq!(response.status().as_u16(), 200, "{}: the list changed", app.backend);
    assert_ne!(etag(&response), tag);
    let (_, _, body) = read(response).await;
    assert!(body["items"].as_array().unwrap().iter().any(|p| p["name"] == "Ville de Kayes"));
    // Statistics are reads too.
    let response = app.get("/api/v1/stats/projects").await;
    assert_eq!(response.status().as_u16(), 200);
    let tag = etag(&response);
    expect_not_modified(get_if_none_match(&app, "/api/v1/stats/projects", &tag).await, &tag, "stats").await;
    // A CSV export is streamed: no ETag is made up for it.
    let response = app.request(Method::GET, "/api/v1/partners").header("accept", "text/csv").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().get("etag").is_none(), "{}", app.backend);
    // Writes are never turned into 304.
    let response = app
        .request(Method::POST, "/api/v1/partners")
        .header("if-none-match", "*")
        .json(&json!({"name": "Ville de Mopti", "kind": "city", "country": "ML"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
}
backend_test!(a_list_gets_a_weak_etag_of_its_body_and_304_until_it_changes);

/// The contract says it: every staff read takes `If-None-Match`, and may answer 304 with its ETag.
async fn the_document_declares_conditional_get_on_every_read(app: TestApp) {
    let (status, _, document) = read(app.client.get(app.url("/api-docs/openapi.json")).send().await.unwrap()).await;
    assert_eq!(status, 200, "{}", app.backend);
    let mut reads = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let Some(get) = item.get("get").filter(|_| path.starts_with("/api/v1/")) else { continue };
        reads += 1;
        let parameters = get["parameters"].as_array().unwrap();
        assert!(parameters.iter().any(|p| p["name"] == "If-None-Match" && p["in"] == "header"), "GET {path}");
        assert!(get["responses"]["304"]["headers"]["ETag"].is_object(), "GET {path}: 304");
        assert!(get["responses"]["200"]["headers"]["ETag"].is_object(), "GET {path}: ETag on 200");
    }
    assert!(reads > 30, "{reads} reads");
}
backend_test!(the_document_declares_conditional_get_on_every_read);

async fn a_malformed_if_none_match_is_a_400_naming_the_header(app: TestApp) {
    for tags in ["x", "{}", "W/1", "\"1\","] {
        let (status, _, body) = read(get_if_none_match(&app, "/api/v1/partners", tags).await).await;
        assert_eq!(status, 400, "{}: {tags}", app.backend);
        assert_eq!(body["errors"][0]["field"], "If-None-Match", "{tags}: {body}");
    }
    let (status, _, _) = read(get_if_none_match(&app, "/api/v1/partners", "*").await).await;
    assert_eq!(status, 304, "`*` matches any current answer");
}
backend_test!(a_malformed_if_none_match_is_a_400_naming_the_header);
