//! Agreements and partners on the unit of work: every write is audited once, and a retried move
//! with the same `Idempotency-Key` replays the first answer without moving twice.
use reqwest::{Method, header};
use serde_json::json;
use tests::{TestApp, read, spawn_apps};

#[tokio::test]
async fn every_write_of_an_agreement_leaves_exactly_one_audit_entry_in_order() {
    for app in spawn_apps().await {
        every_write_is_audited_once_in_order(app).await;
    }
}

#[tokio::test]
async fn a_retried_status_move_with_the_same_key_replays_the_answer_and_moves_once() {
    for app in spawn_apps().await {
        a_replayed_move_moves_once(app).await;
    }
}

async fn every_write_is_audited_once_in_order(app: TestApp) {
    let partner = app.seeded_partner("Dakar").await;
    let (status, _, created) = read(
        app.post_json(
            "/api/v1/agreements",
            &json!({"kind": "twinning", "title": "Jumelage audité", "parties": [partner]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/v1/agreements/{}", created["id"].as_str().unwrap());
    let etag = |response: &reqwest::Response| response.headers()[header::ETAG].to_str().unwrap().to_owned();
    let read_back = app.get(&path).await;
    let changed = app.patch_json(&path, Some(&etag(&read_back)), &json!({"summary": "Échanges scolaires."})).await;
    assert_eq!(changed.status(), 200);
    let moved = app
        .request(Method::POST, &format!("{path}/status-changes"))
        .json(&json!({"to": "active", "reason": "Signé."}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 201);
    assert_eq!(app.delete(&path, Some(&etag(&moved))).await.status(), 204);
    assert_eq!(app.request(Method::POST, &format!("{path}/restore")).send().await.unwrap().status(), 200);
    let (_, _, history) = read(app.get(&format!("{path}/history")).await).await;
    let actions: Vec<&str> =
        history["items"].as_array().unwrap().iter().map(|item| item["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["restore", "archive", "status_change", "update", "create"], "{}", app.backend);
}

async fn a_replayed_move_moves_once(app: TestApp) {
    let partner = app.seeded_partner("Dakar").await;
    let (_, _, created) = read(
        app.post_json(
            "/api/v1/agreements",
            &json!({"kind": "twinning", "title": "Jumelage rejoué", "parties": [partner]}),
        )
        .await,
    )
    .await;
    let path = format!("/api/v1/agreements/{}/status-changes", created["id"].as_str().unwrap());
    let send = || {
        app.request(Method::POST, &path)
            .header("idempotency-key", "sign-once")
            .json(&json!({"to": "active", "reason": "Signé."}))
            .send()
    };
    let first = send().await.unwrap();
    let first_etag = first.headers()[header::ETAG].clone();
    let (status, _, moved) = read(first).await;
    assert_eq!((status, moved["status"].as_str()), (201, Some("active")), "{moved}");
    let replay = send().await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.headers()[header::ETAG], first_etag);
    let (status, _, replayed) = read(replay).await;
    assert_eq!((status, replayed), (201, moved), "{}", app.backend);
    let (_, _, moves) = read(app.get(&path).await).await;
    assert_eq!(moves["items"].as_array().unwrap().len(), 1, "{moves}");
}
