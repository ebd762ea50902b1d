use tests::{expect_problem, read, spawn_apps};

#[tokio::test]
async fn liveness_answers_ok_and_every_response_carries_a_request_id_and_nosniff() {
    for app in spawn_apps().await {
        let response = app.get("/health/live").await;
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{}", app.backend);
        assert!(response.headers().contains_key("x-request-id"), "{}", app.backend);
        let (status, _, body) = read(response).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("ok")), "{}", app.backend);
    }
}

#[tokio::test]
async fn a_sane_request_id_is_echoed_and_an_insane_one_replaced() {
    for app in spawn_apps().await {
        let response = app.client.get(app.url("/health/live")).header("x-request-id", "abc-123").send().await.unwrap();
        assert_eq!(response.headers()["x-request-id"], "abc-123");
        let response = app.client.get(app.url("/health/live")).header("x-request-id", "<script>").send().await.unwrap();
        assert_ne!(response.headers()["x-request-id"], "<script>");
    }
}

#[tokio::test]
async fn readiness_turns_503_when_the_database_is_gone() {
    for app in spawn_apps().await {
        let (status, _, _) = read(app.get("/health/ready").await).await;
        assert_eq!(status, 200, "{}: ready at first", app.backend);
        // The test's connection shares the server's pool: closing it takes the database away.
        app.db.clone().close().await.expect("pool closed");
        let started = std::time::Instant::now();
        let response = app.get("/health/ready").await;
        assert!(response.headers().contains_key("retry-after"), "{}: Retry-After", app.backend);
        expect_problem(response, 503, &format!("{}: readiness", app.backend)).await;
        assert!(started.elapsed().as_secs() < 3, "{}: answered quickly", app.backend);
        let response = app.get("/api/v1/domains").await;
        expect_problem(response, 503, &format!("{}: a read", app.backend)).await;
    }
}

#[tokio::test]
async fn metrics_are_exposed_in_prometheus_format_with_route_patterns() {
    for app in spawn_apps().await {
        app.get("/api/v1/domains/water").await;
        let (status, content_type, body) = read(app.get("/metrics").await).await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        let text = body.as_str().expect("text");
        assert!(text.contains("djcd_http_requests_total"), "{text}");
        assert!(text.contains("endpoint=\"/api/v1/domains/{code}\""), "{text}");
        assert!(text.contains("djcd_db_pool_connections{state=\"open\"}"), "{text}");
    }
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_asks() {
    for app in spawn_apps().await {
        let response =
            app.client.get(app.url("/api-docs/openapi.json")).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(response.headers()["content-encoding"], "gzip", "{}", app.backend);
    }
}

#[tokio::test]
async fn swagger_ui_is_served_and_its_bare_path_redirects() {
    for app in spawn_apps().await {
        let response = app.get("/swagger-ui").await;
        assert_eq!(response.status().as_u16(), 308);
        assert_eq!(response.headers()["location"], "/swagger-ui/");
        let (status, content_type, body) = read(app.get("/swagger-ui/").await).await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("text/html"));
        assert!(body.as_str().unwrap_or("").contains("swagger"), "{body}");
    }
}
