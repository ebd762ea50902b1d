//! Malformed input of every kind gets a problem document with the right status, and changes nothing.
use reqwest::Method;
use serde_json::json;
use tests::{expect_problem, spawn_apps, spawn_apps_with};

#[tokio::test]
async fn malformed_json_is_400() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn a_wrong_type_is_400_and_names_the_field() {
    for app in spawn_apps().await {
        let body = json!({"code": "abc", "label_fr": 12, "label_en": "x"});
        let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 400, "wrong type").await;
        assert_eq!(problem["errors"][0]["field"], "label_fr");
        assert_eq!(problem["errors"][0]["code"], "type");
    }
}

#[tokio::test]
async fn an_unknown_field_is_400_and_named() {
    for app in spawn_apps().await {
        let body = json!({"code": "abc", "label_fr": "a", "label_en": "b", "created_at": "2020-01-01T00:00:00Z"});
        let problem = expect_problem(app.post_json("/api/v1/domains", &body).await, 400, "unknown field").await;
        assert_eq!(problem["errors"][0]["field"], "created_at");
        assert_eq!(problem["errors"][0]["code"], "unknown_field");
        assert_eq!(app.count_rows("domain_tag", "code = 'abc'").await, 0);
    }
}

#[tokio::test]
async fn a_wrong_content_type_is_415() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    for app in spawn_apps_with(|settings| settings.body_limit_bytes = 1024).await {
        let body = json!({"code": "abc", "label_fr": "a".repeat(5000), "label_en": "b"});
        expect_problem(app.post_json("/api/v1/domains", &body).await, 413, "oversized").await;
        assert_eq!(app.count_rows("domain_tag", "code = 'abc'").await, 0);
    }
}

#[tokio::test]
async fn a_bad_query_parameter_is_400() {
    for app in spawn_apps().await {
        expect_problem(app.get("/api/v1/domains?include_archived=maybe").await, 400, "bad bool").await;
        expect_problem(app.get("/api/v1/domains?colour=red").await, 400, "unknown parameter").await;
    }
}

#[tokio::test]
async fn an_unknown_route_is_404_and_an_unknown_method_never_plain_text() {
    for app in spawn_apps().await {
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
}

#[tokio::test]
async fn errors_speak_french_by_default_and_english_on_request() {
    for app in spawn_apps().await {
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
}
