//! The committed contract equals what the server serves.
use tests::{read, spawn_apps};

#[tokio::test]
async fn the_committed_openapi_document_equals_the_served_one() {
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).expect("openapi/openapi.json is JSON");
    for app in spawn_apps().await {
        let (status, _, served) = read(app.get("/api-docs/openapi.json").await).await;
        assert_eq!(status, 200);
        assert!(served == committed, "openapi/openapi.json is stale: run `cargo run -p openapi` and commit the result");
        assert_eq!(served["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
    }
}
