//! `/events`: the calendar, round-table pledges followed to commitment, and the division rule.
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

async fn event(app: &TestApp, kind: &str, title: &str, on: &str, partners: Value) -> String {
    let body = json!({"kind": kind, "title": title, "starts_on": on, "partners": partners});
    let (status, _, created) = read(app.post_json("/api/v1/events", &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn events_list_upcoming_first_filter_and_round_tables_take_pledges_followed_to_commitment(app: TestApp) {
    let angers = app.seeded_partner("Angers").await;
    let today = chrono::Utc::now().date_naive();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    event(&app, "delegation_visit", "Visite d'Angers (passée)", &day(-400), json!([angers])).await;
    event(&app, "general_assembly", "AG de l'AIMF (passée récente)", &day(-10), json!([])).await;
    let round_table = event(&app, "round_table", "Table ronde des PTF", &day(30), json!([angers])).await;
    event(&app, "youth_exchange", "Échange de jeunes", &day(5), json!([])).await;
    let (_, _, page) = read(app.get("/api/v1/events").await).await;
    let titles: Vec<&str> = page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Échange de jeunes", "Table ronde des PTF", "AG de l'AIMF (passée récente)", "Visite d'Angers (passée)"],
        "{}",
        app.backend
    );
    let (_, _, page) = read(app.get("/api/v1/events?limit=1").await).await;
    let cursor = page["next_cursor"].as_str().unwrap_or_else(|| panic!("{page}")).to_owned();
    let (_, _, next) = read(app.get(&format!("/api/v1/events?limit=3&cursor={cursor}")).await).await;
    assert_eq!(next["items"].as_array().unwrap().len(), 3, "the cursor walks past the boundary");
    let (_, _, filtered) = read(app.get(&format!("/api/v1/events?partner={angers}&kind=round_table")).await).await;
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    let (_, _, past) = read(app.get(&format!("/api/v1/events?to={}", day(-1))).await).await;
    assert_eq!(past["items"].as_array().unwrap().len(), 2);

    // A PTF pledges 10 M XOF at the round table, then commits 7.5 M and disburses 2 M.
    let ptf_body = json!({"name": "Banque Ouest-Africaine", "kind": "technical_financial_partner", "is_classic_ptf": true, "country": "TG"});
    let (_, _, ptf) = read(app.post_json("/api/v1/partners", &ptf_body).await).await;
    let ptf = ptf["id"].as_str().unwrap().to_owned();
    let project_body = json!({"title": "Collecte des déchets", "division": "decentralized_cooperation", "domains": ["solid_waste"], "communes": ["commune_ii"],
        "participants": [{"partner_id": ptf, "roles": ["funding"]}]});
    let (_, _, project) = read(app.post_json("/api/v1/projects", &project_body).await).await;
    let project = project["id"].as_str().unwrap().to_owned();
    let pledge = json!({"project_id": project, "partner_id": ptf, "amount": "10000000"});
    let (status, _, line) = read(app.post_json(&format!("/api/v1/events/{round_table}/pledges"), &pledge).await).await;
    assert_eq!((status, line["kind"].as_str()), (201, Some("pledge")), "{line}");
    let visit = event(&app, "delegation_visit", "Visite", &day(3), json!([])).await;
    expect_problem(app.post_json(&format!("/api/v1/events/{visit}/pledges"), &pledge).await, 422, "not a round table")
        .await;
    for (kind, amount) in [("commitment", "7500000"), ("disbursement", "2000000")] {
        let body = json!({"partner_id": ptf, "kind": kind, "amount": amount, "transaction_date": day(40)});
        let (status, _, _) =
            read(app.post_json(&format!("/api/v1/projects/{project}/funding-lines"), &body).await).await;
        assert_eq!(status, 201);
    }
    let (status, _, stats) = read(app.get("/api/v1/stats/pledges").await).await;
    assert_eq!(status, 200, "{stats}");
    let row = &stats["items"][0];
    assert_eq!(
        (
            row["pledged_xof"].as_str(),
            row["committed_xof"].as_str(),
            row["disbursed_xof"].as_str(),
            row["conversion_rate"].as_str()
        ),
        (Some("10000000"), Some("7500000"), Some("2000000"), Some("0.7500")),
        "{}",
        app.backend
    );
}
backend_test!(events_list_upcoming_first_filter_and_round_tables_take_pledges_followed_to_commitment);

async fn put_event(app: &TestApp, token: &str, id: &str, etag: &str, body: &Value) -> u16 {
    let response = app
        .request_as(Some(token), Method::PUT, &format!("/api/v1/events/{id}"))
        .header("if-match", etag)
        .json(body)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

async fn events_follow_the_division_rule_of_every_other_record(app: TestApp) {
    let round_table = json!({"kind": "round_table", "title": "Table ronde des jumelages", "starts_on": "2027-02-10", "division": "twinning"});
    let (status, _, created) = read(app.post_json("/api/v1/events", &round_table).await).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["division"], "twinning");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/events/{id}");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let other = app.token_for("agent", Some("decentralized_cooperation")).await;
    let own = app.token_for("agent", Some("twinning")).await;
    let edited = json!({"kind": "round_table", "title": "Table ronde (modifiée)", "starts_on": "2027-02-10"});
    assert_eq!(put_event(&app, &other, &id, &etag, &edited).await, 403, "{}: other division edits", app.backend);
    let response = app.request_as(Some(&other), Method::DELETE, &path).header("if-match", &etag).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 403, "{}: other division archives", app.backend);
    assert_eq!(app.count_rows("event", "title = 'Table ronde des jumelages' AND archived_at IS NULL").await, 1);
    // The twinning agent edits it (its division is kept when the body names none).
    assert_eq!(put_event(&app, &own, &id, &etag, &edited).await, 200, "{}: own division", app.backend);
    let (_, _, event) = read(app.get(&path).await).await;
    assert_eq!(
        (event["title"].clone(), event["division"].clone()),
        (json!("Table ronde (modifiée)"), json!("twinning"))
    );
    // Nobody moves an event into another division than their own, nor creates one there.
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let moved = json!({"kind": "round_table", "title": "x", "starts_on": "2027-02-10", "division": "decentralized_cooperation"});
    assert_eq!(put_event(&app, &own, &id, &etag, &moved).await, 403);
    let response =
        app.request_as(Some(&other), Method::POST, "/api/v1/events").json(&round_table).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 403, "{}: create in the other division", app.backend);
    // An agent's event without a division is its division's; the director's is the whole DJCD's.
    let visit = json!({"kind": "delegation_visit", "title": "Visite", "starts_on": "2027-03-01"});
    let response = app.request_as(Some(&other), Method::POST, "/api/v1/events").json(&visit).send().await.unwrap();
    let (status, _, created) = read(response).await;
    assert_eq!((status, created["division"].clone()), (201, json!("decentralized_cooperation")), "{created}");
    let (_, _, djcd) = read(app.post_json("/api/v1/events", &visit).await).await;
    assert_eq!(djcd["division"], Value::Null);
    let djcd_id = djcd["id"].as_str().unwrap();
    let etag = app.get(&format!("/api/v1/events/{djcd_id}")).await.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(put_event(&app, &own, djcd_id, &etag, &visit).await, 403, "{}: a DJCD-wide event", app.backend);
}
backend_test!(events_follow_the_division_rule_of_every_other_record);

async fn events_are_sorted_searched_and_paged_with_several_kinds(app: TestApp) {
    for (kind, title, on) in [
        ("round_table", "Kappa table ronde", "2026-05-02"),
        ("signing", "Kappa signature", "2026-04-01"),
        ("youth_exchange", "Kappa exchange", "2026-03-01"),
    ] {
        event(&app, kind, title, on, json!([])).await;
    }
    let titles = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_owned()).collect()
    };
    let (status, _, page) = read(app.get("/api/v1/events?q=kappa&sort=title").await).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(titles(&page), ["Kappa exchange", "Kappa signature", "Kappa table ronde"], "{}", app.backend);
    let (_, _, page) =
        read(app.get("/api/v1/events?q=kappa&kind=round_table,signing&sort=-title&include_total=true").await).await;
    assert_eq!(
        (titles(&page), page["total"].as_u64()),
        (vec!["Kappa table ronde".to_owned(), "Kappa signature".to_owned()], Some(2))
    );
    // Paged by creation, one at a time: each once, in creation order.
    let mut seen = Vec::new();
    let mut path = "/api/v1/events?q=kappa&sort=created_at&limit=1".to_owned();
    loop {
        let (status, _, page) = read(app.get(&path).await).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(titles(&page));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/events?q=kappa&sort=created_at&limit=1&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ["Kappa table ronde", "Kappa signature", "Kappa exchange"]);
    let problem = expect_problem(app.get("/api/v1/events?kind=round_table,picnic").await, 422, "unknown kind").await;
    assert_eq!(problem["errors"][0]["field"], "kind", "{problem}");
    assert_eq!(app.count_rows("event", "title LIKE 'Kappa%'").await, 3);
}
backend_test!(events_are_sorted_searched_and_paged_with_several_kinds);
