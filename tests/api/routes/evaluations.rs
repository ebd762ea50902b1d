//! `/evaluations` and `/agreements/{id}/evaluations`: due dates, cadences and sign-off.
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

use crate::fixtures::agreement_of;

fn evaluation(on: &str) -> Value {
    json!({"evaluated_on": on, "evaluators": ["Awa Traoré"], "vitality": "weak",
        "scores": {"activity": 2, "results": 2, "financing": 1, "responsiveness": 3},
        "findings": "Peu d'activité.", "priority_actions": ["Mission en 2027"]})
}

async fn due_evaluations_list_the_never_evaluated_first_then_the_most_overdue_and_sign_off_locks(app: TestApp) {
    let leipzig = agreement_of(&app, "Leipzig").await;
    let dakar = agreement_of(&app, "Dakar").await;
    // Twinnings are evaluated every 24 months: Leipzig last in 2022-01 (due 2024-01), Dakar in 2023-06 (due 2025-06).
    for (id, on) in [(&leipzig, "2022-01-10"), (&dakar, "2023-06-01")] {
        let (status, _, created) =
            read(app.post_json(&format!("/api/v1/agreements/{id}/evaluations"), &evaluation(on)).await).await;
        assert_eq!(status, 201, "{created}");
    }
    let (status, _, due) = read(app.get("/api/v1/evaluations/due?as_of=2026-01-01&division=twinning").await).await;
    assert_eq!(status, 200);
    let items = due["items"].as_array().unwrap();
    assert_eq!(items.len(), 12, "{}: the 12 signed twinnings (in gestation ones are not evaluated)", app.backend);
    let never: Vec<&Value> = items.iter().take_while(|i| i["last_evaluated_on"].is_null()).collect();
    assert_eq!(never.len(), 10, "never-evaluated come first");
    assert_eq!(items[10]["agreement_id"], leipzig, "then the most overdue");
    assert_eq!(items[10]["days_overdue"], 722, "2024-01-10 to 2026-01-01");
    assert_eq!(items[11]["agreement_id"], dakar);
    assert_eq!(items[11]["next_due_on"], "2025-06-01");
    let (_, _, later) = read(app.get("/api/v1/evaluations/due?as_of=2025-05-31&division=twinning").await).await;
    assert!(later["items"].as_array().unwrap().iter().all(|i| i["agreement_id"] != dakar), "Dakar not yet due");

    let (_, _, created) =
        read(app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &evaluation("2026-11-20")).await)
            .await;
    let path = format!("/api/v1/evaluations/{}", created["id"].as_str().unwrap());
    let agent = app.token_for("agent", Some("twinning")).await;
    let response = app.request_as(Some(&agent), Method::POST, &format!("{path}/sign-off")).send().await.unwrap();
    expect_problem(response, 403, "agents do not sign off").await;
    let other_head = app.token_for("division_head", Some("decentralized_cooperation")).await;
    let response = app.request_as(Some(&other_head), Method::POST, &format!("{path}/sign-off")).send().await.unwrap();
    expect_problem(response, 403, "head of the other division").await;
    let head = app.token_for("division_head", Some("twinning")).await;
    let (status, _, signed) =
        read(app.request_as(Some(&head), Method::POST, &format!("{path}/sign-off")).send().await.unwrap()).await;
    assert_eq!((status, signed["signed_off_at"].is_string()), (200, true));
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let problem = expect_problem(
        app.request(Method::PATCH, &path)
            .header("if-match", &etag)
            .json(&evaluation("2026-11-21"))
            .send()
            .await
            .unwrap(),
        409,
        "read-only",
    )
    .await;
    assert_eq!(problem["code"], "signed_off");
    expect_problem(app.request(Method::POST, &format!("{path}/sign-off")).send().await.unwrap(), 409, "twice").await;
    let bad = json!({"evaluated_on": "2026-11-20", "evaluators": [], "vitality": "weak", "scores": {"activity": 6, "results": 0, "financing": 1, "responsiveness": 3}});
    let problem =
        expect_problem(app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &bad).await, 422, "rules")
            .await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["evaluators", "scores.activity", "scores.results"]);
    let blank = json!({"evaluated_on": "2026-11-20", "evaluators": ["Awa Traoré", " "], "vitality": "weak",
        "scores": {"activity": 2, "results": 2, "financing": 1, "responsiveness": 3}, "priority_actions": [""]});
    let problem = expect_problem(
        app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &blank).await,
        422,
        "blank names and actions",
    )
    .await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["evaluators[1]", "priority_actions[0]"]);
    // JSON has one number type: `3.0` is the whole number 3, as the document's `integer` says.
    let whole = json!({"evaluated_on": "2026-11-21", "evaluators": ["Awa Traoré"], "vitality": "steady",
        "scores": {"activity": 3.0, "results": 2, "financing": 1.0, "responsiveness": 3}});
    let response = app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &whole).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["scores"]["activity"], 3);
    assert_eq!(created["scores"]["financing"], 1);
    let half = json!({"evaluated_on": "2026-11-22", "evaluators": ["Awa Traoré"], "vitality": "steady",
        "scores": {"activity": 2.5, "results": 2, "financing": 1, "responsiveness": 3}});
    expect_problem(app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &half).await, 400, "2.5").await;
}
backend_test!(due_evaluations_list_the_never_evaluated_first_then_the_most_overdue_and_sign_off_locks);

async fn an_agreement_cadence_overrides_its_kinds_default(app: TestApp) {
    let leipzig = agreement_of(&app, "Leipzig").await;
    let (status, _, _) =
        read(app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &evaluation("2022-01-10")).await)
            .await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/agreements/{leipzig}");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let (status, _, updated) =
        read(app.patch_json(&path, Some(&etag), &json!({"evaluation_cadence_months": 60})).await).await;
    assert_eq!((status, updated["evaluation_cadence_months"].as_i64()), (200, Some(60)), "{updated}");
    let (_, _, due) = read(app.get("/api/v1/evaluations/due?as_of=2026-01-01&division=twinning").await).await;
    assert!(
        due["items"].as_array().unwrap().iter().all(|i| i["agreement_id"] != leipzig),
        "{}: due only in 2027",
        app.backend
    );
    let (_, _, due) = read(app.get("/api/v1/evaluations/due?as_of=2027-02-01&division=twinning").await).await;
    let row = due["items"].as_array().unwrap().iter().find(|i| i["agreement_id"] == leipzig).cloned().unwrap();
    assert_eq!((row["cadence_months"].as_i64(), row["next_due_on"].as_str()), (Some(60), Some("2027-01-10")));
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    expect_problem(
        app.patch_json(&path, Some(&etag), &json!({"evaluation_cadence_months": 0})).await,
        422,
        "cadence 0",
    )
    .await;
}
backend_test!(an_agreement_cadence_overrides_its_kinds_default);
