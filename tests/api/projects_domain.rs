//! Projects on the unit of work: a retried timeline entry replays its first answer and acts once,
//! and each entry commits its audit entry and its feed event with the change.
use reqwest::Method;
use serde_json::json;
use tests::{TestApp, read, spawn_apps};

async fn new_project(app: &TestApp) -> String {
    let bordeaux = app.seeded_partner("Bordeaux").await;
    let body = json!({
        "title": "Éclairage public à Badalabougou", "division": "decentralized_cooperation",
        "domains": ["water"], "communes": ["commune_v"],
        "participants": [{"partner_id": bordeaux, "roles": ["funding"]}]
    });
    let (status, _, created) = read(app.post_json("/api/v1/projects", &body).await).await;
    assert_eq!(status, 201, "{}: {created}", app.backend);
    created["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_retried_status_move_replays_its_first_answer_and_moves_once() {
    for app in spawn_apps().await {
        let id = new_project(&app).await;
        let path = format!("/api/v1/projects/{id}/status-updates");
        let body = json!({"status": "implementation", "progress": 10, "note": "Travaux lancés."});
        let send = || app.request(Method::POST, &path).header("idempotency-key", "move-1").json(&body).send();
        let first = send().await.unwrap();
        let headers = (first.headers()["location"].clone(), first.headers()["etag"].clone());
        let (status, _, entry) = read(first).await;
        assert_eq!(status, 201, "{}: {entry}", app.backend);
        assert_eq!(
            (entry["from_status"].as_str(), entry["to_status"].as_str()),
            (Some("pipeline"), Some("implementation"))
        );
        assert_eq!(headers.0.to_str().unwrap(), path);
        let replay = send().await.unwrap();
        assert_eq!(replay.headers()["idempotent-replayed"], "true", "{}", app.backend);
        assert_eq!((replay.headers()["location"].clone(), replay.headers()["etag"].clone()), headers);
        let (status, _, replayed) = read(replay).await;
        assert_eq!((status, &replayed["id"]), (201, &entry["id"]), "{}", app.backend);

        let (_, _, timeline) = read(app.get(&path).await).await;
        assert_eq!(timeline["items"].as_array().map(Vec::len), Some(2), "{}: {timeline}", app.backend);
        let (_, _, project) = read(app.get(&format!("/api/v1/projects/{id}")).await).await;
        assert_eq!((project["status"].as_str(), project["progress"].as_i64()), (Some("implementation"), Some(10)));
        assert_eq!(app.count_rows("audit_event", "action = 'status_change'").await, 1, "{}", app.backend);
        assert_eq!(app.count_rows("change_event", "kind = 'project.status_changed'").await, 1, "{}", app.backend);
    }
}

#[tokio::test]
async fn a_progress_report_is_audited_and_fed_as_an_update_without_a_move() {
    for app in spawn_apps().await {
        let id = new_project(&app).await;
        let path = format!("/api/v1/projects/{id}/status-updates");
        let (status, _, entry) =
            read(app.post_json(&path, &json!({"progress": 35, "note": "Poteaux posés."})).await).await;
        assert_eq!(status, 201, "{}: {entry}", app.backend);
        assert_eq!((entry["from_status"].is_null(), entry["to_status"].is_null()), (true, true), "{entry}");
        let (_, _, history) = read(app.get(&format!("/api/v1/projects/{id}/history")).await).await;
        let actions: Vec<&str> =
            history["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, ["progress_report", "create"], "{}: {history}", app.backend);
        assert_eq!(app.count_rows("change_event", "kind = 'project.status_changed'").await, 0, "{}", app.backend);
        assert_eq!(app.count_rows("change_event", "kind = 'project.updated'").await, 1, "{}", app.backend);
    }
}
