//! What a browser needs: CORS (preflight, exposed headers, the allowed request headers setting)
//! and Swagger UI's configuration.
use reqwest::Method;
use serde_json::json;
use tests::{TestApp, backend_test, read};

const ORIGIN: &str = "https://djcd.example";

fn header_list(response: &reqwest::Response, name: &str) -> Vec<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .map(|item| item.trim().to_ascii_lowercase())
        .filter(|item| !item.is_empty())
        .collect()
}

async fn preflight(app: &TestApp, method: &str, path: &str, headers: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url(path))
        .header("origin", ORIGIN)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .send()
        .await
        .expect("request sent")
}

async fn a_browser_on_an_allowed_origin_may_send_and_read_every_useful_header(app: TestApp) {
    let response = preflight(
        &app,
        "PATCH",
        "/api/v1/partners/0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e",
        "authorization,content-type,accept-language,if-match,if-none-match,idempotency-key,traceparent,tracestate",
    )
    .await;
    assert_eq!(response.status().as_u16(), 200, "{}: preflight", app.backend);
    assert_eq!(response.headers()["access-control-allow-origin"], ORIGIN);
    let allowed = header_list(&response, "access-control-allow-headers");
    for name in [
        "authorization",
        "content-type",
        "accept-language",
        "if-match",
        "if-none-match",
        "idempotency-key",
        "traceparent",
        "tracestate",
    ] {
        assert!(allowed.contains(&name.to_owned()), "{name} not allowed: {allowed:?}");
    }
    assert!(header_list(&response, "access-control-allow-methods").contains(&"patch".to_owned()));
    // A header outside the list is refused at the preflight.
    let response = preflight(&app, "GET", "/api/v1/partners", "x-not-allowed").await;
    assert!(!response.status().is_success(), "{}: {}", app.backend, response.status());
    assert!(response.headers().get("access-control-allow-origin").is_none());
    // Another origin gets no CORS grant.
    let response = app
        .client
        .request(Method::OPTIONS, app.url("/api/v1/partners"))
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("access-control-allow-origin").is_none());

    // The actual requests: a creation with an idempotency key, then its replay and a read.
    let create = |key: &'static str| {
        app.request(Method::POST, "/api/v1/partners")
            .header("origin", ORIGIN)
            .header("idempotency-key", key)
            .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .json(&json!({"name": "Ville de Tombouctou CORS", "kind": "city", "country": "ML"}))
            .send()
    };
    let response = create("cors-key-1").await.unwrap();
    assert_eq!(response.status().as_u16(), 201, "{}", app.backend);
    assert_eq!(response.headers()["access-control-allow-origin"], ORIGIN);
    let exposed = header_list(&response, "access-control-expose-headers");
    for name in [
        "etag",
        "location",
        "retry-after",
        "x-request-id",
        "idempotent-replayed",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "last-modified",
    ] {
        assert!(exposed.contains(&name.to_owned()), "{name} not exposed: {exposed:?}");
    }
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let replay = create("cors-key-1").await.unwrap();
    assert_eq!(replay.status().as_u16(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.headers()["access-control-allow-origin"], ORIGIN);
    let read_back = app.request(Method::GET, &location).header("origin", ORIGIN).send().await.unwrap();
    assert_eq!(read_back.status().as_u16(), 200);
    assert_eq!(read_back.headers()["access-control-allow-origin"], ORIGIN);
    assert!(header_list(&read_back, "access-control-expose-headers").contains(&"etag".to_owned()));
    assert_eq!(app.count_rows("partner", "name = 'Ville de Tombouctou CORS'").await, 1);
}
backend_test!(a_browser_on_an_allowed_origin_may_send_and_read_every_useful_header, |settings| settings.cors_origins =
    vec![ORIGIN.into()]);

/// `CORS_ALLOWED_HEADERS` replaces the list of request headers a browser may send.
async fn the_allowed_request_headers_follow_the_setting(app: TestApp) {
    let response = preflight(&app, "GET", "/api/v1/partners", "authorization,x-custom").await;
    assert_eq!(response.status().as_u16(), 200, "{}", app.backend);
    let allowed = header_list(&response, "access-control-allow-headers");
    assert!(allowed.contains(&"x-custom".to_owned()), "{allowed:?}");
    let response = preflight(&app, "GET", "/api/v1/partners", "authorization,traceparent").await;
    assert!(!response.status().is_success(), "traceparent is not in the configured list");
}
backend_test!(the_allowed_request_headers_follow_the_setting, |settings| {
    settings.cors_origins = vec![ORIGIN.into()];
    settings.cors_allowed_headers = vec!["authorization".into(), "x-custom".into()];
});

/// Swagger UI keeps what was entered in *Authorize* (`persistAuthorization`), and the document
/// offers staff the password flow at the token endpoint besides the bearer scheme.
async fn swagger_ui_persists_authorization_and_offers_the_password_flow(app: TestApp) {
    let response = app.client.get(app.url("/swagger-ui/swagger-initializer.js")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{}", app.backend);
    let script: String = response.text().await.unwrap().split_whitespace().collect();
    assert!(script.contains("\"persistAuthorization\":true"), "{script}");
    let (status, _, document) = read(app.client.get(app.url("/api-docs/openapi.json")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["password"]["type"], "oauth2");
    assert_eq!(schemes["password"]["flows"]["password"]["tokenUrl"], "/api/v1/auth/token");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let security = &document["paths"]["/api/v1/partners"]["get"]["security"];
    assert!(security.as_array().unwrap().contains(&json!({"bearer": []})), "{security}");
    assert!(security.as_array().unwrap().contains(&json!({"password": []})), "{security}");
    let partner_only = &document["paths"]["/api/v1/partner/projects"]["get"]["security"];
    assert!(!partner_only.as_array().unwrap().contains(&json!({"password": []})), "{partner_only}");
}
backend_test!(swagger_ui_persists_authorization_and_offers_the_password_flow);
