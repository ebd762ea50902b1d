//! `/health` and `/metrics`: the probes, request ids, and the Prometheus metrics.
use tests::{TestApp, backend_test, expect_problem, read};

async fn liveness_answers_ok_and_every_response_carries_a_request_id_and_nosniff(app: TestApp) {
    let response = app.get("/health/live").await;
    assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{}", app.backend);
    assert!(response.headers().contains_key("x-request-id"), "{}", app.backend);
    let (status, _, body) = read(response).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")), "{}", app.backend);
}
backend_test!(liveness_answers_ok_and_every_response_carries_a_request_id_and_nosniff);

async fn a_sane_request_id_is_echoed_and_an_insane_one_replaced(app: TestApp) {
    let response = app.client.get(app.url("/health/live")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
    let response = app.client.get(app.url("/health/live")).header("x-request-id", "<script>").send().await.unwrap();
    assert_ne!(response.headers()["x-request-id"], "<script>");
}
backend_test!(a_sane_request_id_is_echoed_and_an_insane_one_replaced);

async fn readiness_turns_503_when_the_database_is_gone(app: TestApp) {
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
backend_test!(readiness_turns_503_when_the_database_is_gone);

async fn metrics_are_exposed_in_prometheus_format_with_route_patterns(app: TestApp) {
    app.get("/api/v1/domains/water").await;
    let (status, content_type, body) = read(app.get("/metrics").await).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = body.as_str().expect("text");
    assert!(text.contains("djcd_http_requests_total"), "{text}");
    assert!(text.contains("endpoint=\"/api/v1/domains/{code}\""), "{text}");
    assert!(text.contains("djcd_db_pool_connections{state=\"open\"}"), "{text}");
}
backend_test!(metrics_are_exposed_in_prometheus_format_with_route_patterns);

/// The series of `djcd_http_requests_total` in a metrics text.
fn request_series(text: &str) -> Vec<&str> {
    text.lines().filter(|line| line.starts_with("djcd_http_requests_total{")).collect()
}

async fn metrics_labels_stay_bounded_whatever_methods_and_paths_clients_send(app: TestApp) {
    let before = read(app.get("/metrics").await).await.2.as_str().map(request_series).map_or(0, |s| s.len());
    for i in 0..40 {
        let method = reqwest::Method::from_bytes(format!("FLOOD{i}{}", "X".repeat(200)).as_bytes()).unwrap();
        app.request(method, "/api/v1/domains").send().await.unwrap();
        app.get(&format!("/no-such-path-{i}-{}", uuid::Uuid::new_v4())).await;
    }
    let (_, _, body) = read(app.get("/metrics").await).await;
    let text = body.as_str().expect("text");
    let series = request_series(text);
    assert!(!text.contains("FLOOD"), "{}: a raw method became a label", app.backend);
    assert!(!text.contains("no-such-path"), "{}: a raw path became a label", app.backend);
    assert!(text.contains("method=\"OTHER\""), "{}: {text}", app.backend);
    assert!(text.contains("endpoint=\"other\""), "{}: {text}", app.backend);
    // 80 distinct requests added at most a handful of series (OTHER × 405, GET × 404, the scrape).
    assert!(series.len() <= before + 4, "{}: {} series after, {before} before", app.backend, series.len());
}
backend_test!(metrics_labels_stay_bounded_whatever_methods_and_paths_clients_send);

/// The scraper's token of the metrics listener below.
const METRICS_TOKEN: &str = "a-scraper-token-0123456789";

async fn metrics_can_be_served_on_their_own_loopback_listener_and_behind_a_token(app: TestApp) {
    let token = METRICS_TOKEN;
    let response = app.get("/metrics").await;
    assert_eq!(response.status().as_u16(), 404, "{}: not on the API's port", app.backend);
    let metrics = format!("{}/metrics", app.metrics_address.as_deref().expect("a metrics listener"));
    let response = app.client.get(&metrics).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401, "{}: no token", app.backend);
    let response = app.client.get(&metrics).bearer_auth("wrong-token-0123456789").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401, "{}: a wrong token", app.backend);
    let response = app.client.get(&metrics).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{}", app.backend);
    assert!(response.text().await.unwrap().contains("djcd_db_pool_connections"), "{}", app.backend);
}
backend_test!(metrics_can_be_served_on_their_own_loopback_listener_and_behind_a_token, |settings| {
    settings.guards.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    settings.guards.metrics_token = Some(METRICS_TOKEN.to_owned());
});
