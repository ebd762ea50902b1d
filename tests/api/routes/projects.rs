//! `/projects`: creation, the status timeline, financing to the last franc, funding lines at the
//! bounds of amounts and dates, and the division rules.
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

use crate::fixtures::{add_line, first_error, get_json, partner_get, project};

/// Creates a classic PTF and returns its id.
async fn ptf(app: &TestApp, name: &str) -> String {
    let body = json!({"name": name, "kind": "technical_financial_partner", "is_classic_ptf": true, "country": "FR"});
    let (status, _, created) = read(app.post_json("/api/v1/partners", &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn create_project(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    let response =
        app.request_as(token.or(Some(&app.token)), Method::POST, "/api/v1/projects").json(body).send().await.unwrap();
    let (status, _, body) = read(response).await;
    (status, body)
}

fn project_body(division: &str, participants: Value) -> Value {
    json!({
        "title": "Adduction d'eau potable à Sabalibougou", "summary": "Forages et bornes-fontaines.",
        "internal_notes": "Négociation en cours avec le maire de la Commune V.", "division": division,
        "domains": ["water", "sanitation"], "communes": ["commune_v", "district"],
        "planned_start": "2026-01-15", "planned_end": "2027-06-30", "budget": {"amount": "250000000", "currency": "XOF"},
        "participants": participants
    })
}

async fn new_project(app: &TestApp, funders: &[&str]) -> String {
    let participants: Vec<Value> = funders.iter().map(|id| json!({"partner_id": id, "roles": ["funding"]})).collect();
    let (status, created) =
        create_project(app, None, &project_body("decentralized_cooperation", json!(participants))).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn status_update(app: &TestApp, token: &str, id: &str, body: Value) -> (u16, Value) {
    let response = app
        .request_as(Some(token), Method::POST, &format!("/api/v1/projects/{id}/status-updates"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, _, body) = read(response).await;
    (status, body)
}

async fn a_project_is_created_with_participants_domains_and_communes(app: TestApp) {
    let bordeaux = app.seeded_partner("Bordeaux").await;
    let afd = ptf(&app, "Agence Française de Développement").await;
    let participants = json!([{"partner_id": bordeaux, "roles": ["funding", "implementing"]}, {"partner_id": afd, "roles": ["funding"]}]);
    let (status, created) = create_project(&app, None, &project_body("decentralized_cooperation", participants)).await;
    assert_eq!(status, 201, "{}: {created}", app.backend);
    assert_eq!(created["status"], "pipeline");
    assert_eq!(created["progress"], 0);
    assert_eq!(created["domains"], json!(["sanitation", "water"]));
    assert_eq!(created["communes"], json!(["commune_v", "district"]));
    assert_eq!(created["budget"], json!({"amount": "250000000", "currency": "XOF"}));
    let participants = created["participants"].as_array().unwrap();
    assert_eq!(participants.len(), 2);
    let bordeaux_roles = participants.iter().find(|p| p["partner"]["name"] == "Bordeaux").unwrap();
    assert_eq!(bordeaux_roles["roles"], json!(["funding", "implementing"]));
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.count_rows("project_participant", "project_id = (SELECT id FROM project WHERE title LIKE 'Adduction%')")
            .await,
        3
    );
    let (_, _, timeline) = read(app.get(&format!("/api/v1/projects/{id}/status-updates")).await).await;
    assert_eq!(timeline["items"][0]["to_status"], "pipeline", "the creation opens the timeline");
    let (_, _, listed) = read(app.get("/api/v1/projects?domain=water&commune=commune_v&status=pipeline").await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["participants"].as_array().unwrap().len(), 2, "lists carry participants");
    let (_, _, none) = read(app.get("/api/v1/projects?commune=commune_i").await).await;
    assert!(none["items"].as_array().unwrap().is_empty());
}
backend_test!(a_project_is_created_with_participants_domains_and_communes);

async fn every_status_move_is_allowed_or_refused_and_the_timeline_keeps_them_in_order(app: TestApp) {
    let funder = app.seeded_partner("Strasbourg").await;
    let statuses = ["pipeline", "implementation", "finalisation", "closed", "cancelled", "suspended"];
    let paths: [(&str, &[&str]); 6] = [
        ("pipeline", &[]),
        ("implementation", &["implementation"]),
        ("finalisation", &["implementation", "finalisation"]),
        ("closed", &["implementation", "finalisation", "closed"]),
        ("cancelled", &["cancelled"]),
        ("suspended", &["implementation", "suspended"]),
    ];
    let allowed = |from: &str, to: &str| {
        matches!(
            (from, to),
            ("pipeline", "implementation")
                | ("pipeline", "cancelled")
                | ("implementation", "finalisation")
                | ("implementation", "suspended")
                | ("implementation", "cancelled")
                | ("suspended", "implementation")
                | ("suspended", "cancelled")
                | ("finalisation", "closed")
        )
    };
    for (from, path) in paths {
        for to in statuses {
            if from == to {
                continue;
            }
            let id = new_project(&app, &[&funder]).await;
            for step in path {
                let (status, body) =
                    status_update(&app, &app.token, &id, json!({"status": step, "note": format!("vers {step}")})).await;
                assert_eq!(status, 201, "{body}");
            }
            let (status, body) = status_update(&app, &app.token, &id, json!({"status": to, "note": "essai"})).await;
            if allowed(from, to) {
                assert_eq!((status, body["to_status"].as_str()), (201, Some(to)), "{}: {from} -> {to}", app.backend);
            } else {
                assert_eq!(status, 409, "{}: {from} -> {to}: {body}", app.backend);
                assert_eq!(body["code"], "invalid_transition");
                let allowed_list: Vec<&str> =
                    body["allowed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                assert!(statuses.iter().filter(|s| allowed(from, s)).all(|s| allowed_list.contains(s)), "{body}");
            }
        }
    }
    // Order and immutability.
    let id = new_project(&app, &[&funder]).await;
    for (status, progress) in [(Some("implementation"), 10), (None, 35), (None, 30), (Some("suspended"), 30)] {
        let mut body = json!({"progress": progress, "note": format!("rapport {progress}")});
        if let Some(status) = status {
            body["status"] = json!(status);
        }
        assert_eq!(status_update(&app, &app.token, &id, body).await.0, 201);
    }
    let (_, _, timeline) = read(app.get(&format!("/api/v1/projects/{id}/status-updates")).await).await;
    let entries = timeline["items"].as_array().unwrap();
    let progress: Vec<Value> = entries.iter().map(|e| e["progress"].clone()).collect();
    assert_eq!(
        progress,
        [json!(0), json!(10), json!(35), json!(30), json!(30)],
        "{}: oldest first; 30 corrects 35",
        app.backend
    );
    assert_eq!(entries[4]["from_status"], "implementation");
    assert!(entries.iter().all(|e| e["author_id"].is_string()));
    let (_, _, project) = read(app.get(&format!("/api/v1/projects/{id}")).await).await;
    assert_eq!((project["status"].as_str(), project["progress"].as_i64()), (Some("suspended"), Some(30)));
    let entry = entries[1]["id"].as_str().unwrap();
    for method in [Method::PATCH, Method::DELETE, Method::PUT] {
        let response = app
            .request(method.clone(), &format!("/api/v1/projects/{id}/status-updates/{entry}"))
            .json(&json!({"note": "x"}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(status == 404 || status == 405, "{method} on an entry: {status}");
    }
    let (_, _, again) = read(app.get(&format!("/api/v1/projects/{id}/status-updates")).await).await;
    assert_eq!(again, timeline, "entries never change");
    let (status, body) = status_update(&app, &app.token, &id, json!({"progress": 101, "note": "x"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("progress")));
    let (status, _) = status_update(&app, &app.token, &id, json!({"note": ""})).await;
    assert_eq!(status, 422, "a note is required");
}
backend_test!(every_status_move_is_allowed_or_refused_and_the_timeline_keeps_them_in_order);

async fn financing_totals_mix_currencies_and_are_right_to_the_last_franc(app: TestApp) {
    let afd = ptf(&app, "Agence Française de Développement").await;
    let bordeaux = app.seeded_partner("Bordeaux").await;
    let usaid_body = json!({"name": "USAID", "kind": "technical_financial_partner", "country": "US"});
    let (_, _, usaid) = read(app.post_json("/api/v1/partners", &usaid_body).await).await;
    let usaid = usaid["id"].as_str().unwrap().to_owned();
    let project = new_project(&app, &[&afd, &bordeaux, &usaid]).await;
    let (status, _, rate) = read(
        app.post_json(
            "/api/v1/exchange-rates",
            &json!({"currency": "USD", "rate_to_xof": "600.25", "valid_from": "2026-01-01"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{rate}");
    let lines = [
        (afd.as_str(), "commitment", "12500000", "XOF"),
        (bordeaux.as_str(), "commitment", "1500.50", "EUR"),
        (usaid.as_str(), "commitment", "1000.00", "USD"),
        (afd.as_str(), "pledge", "100.00", "EUR"),
        (afd.as_str(), "disbursement", "5000000", "XOF"),
        (bordeaux.as_str(), "expenditure", "1234567", "XOF"),
    ];
    for (partner, kind, amount, currency) in lines {
        let (status, line) = add_line(&app, &project, json!({"partner_id": partner, "kind": kind, "amount": amount, "currency": currency, "transaction_date": "2026-03-01"})).await;
        assert_eq!(status, 201, "{line}");
        assert_eq!(
            line["amount"],
            json!({"amount": amount, "currency": currency}),
            "{}: exact round trip",
            app.backend
        );
    }
    let (status, _, financing) = read(app.get(&format!("/api/v1/projects/{project}/financing")).await).await;
    assert_eq!(status, 200, "{financing}");
    // 12 500 000 + 1 500.50 × 655.957 (984 263.4785 → 984 263) + 1 000 × 600.25 (600 250)
    assert_eq!(
        financing["xof"],
        json!({"pledged": "65596", "committed": "14084513", "disbursed": "5000000", "spent": "1234567"}),
        "{}",
        app.backend
    );
    assert_eq!(financing["classic_ptf_share"]["committed"], "0.8875");
    assert_eq!(financing["classic_ptf_share"]["pledged"], "1.0000");
    assert_eq!(financing["classic_ptf_share"]["spent"], "0.0000");
    assert_eq!(financing["budget_xof"], "250000000");
    let eur = financing["by_currency"].as_array().unwrap().iter().find(|c| c["currency"] == "EUR").unwrap();
    assert_eq!((eur["committed"].as_str(), eur["pledged"].as_str()), (Some("1500.50"), Some("100.00")));
    let bordeaux_row =
        financing["funders"].as_array().unwrap().iter().find(|f| f["partner"]["name"] == "Bordeaux").unwrap();
    assert_eq!(bordeaux_row["xof"]["committed"], "984263");
    assert_eq!(bordeaux_row["is_classic_ptf"], false);
    assert!(financing["unconverted_lines"].as_array().unwrap().is_empty());
    let stored = app.count_rows("funding_line", "currency = 'EUR' AND amount_minor = 150050").await;
    assert_eq!(stored, 1, "stored as exact minor units");
    // A currency without a rate is left out of the XOF totals and named.
    let (status, _) = add_line(&app, &project, json!({"partner_id": usaid, "kind": "commitment", "amount": "10", "currency": "GBP", "transaction_date": "2026-03-01"})).await;
    assert_eq!(status, 201);
    let (_, _, financing) = read(app.get(&format!("/api/v1/projects/{project}/financing")).await).await;
    assert_eq!(financing["unconverted_lines"].as_array().unwrap().len(), 1);
    assert_eq!(financing["xof"]["committed"], "14084513");
}
backend_test!(financing_totals_mix_currencies_and_are_right_to_the_last_franc);

async fn amounts_with_too_many_decimals_are_refused_not_rounded(app: TestApp) {
    let funder = app.seeded_partner("Bordeaux").await;
    let project = new_project(&app, &[&funder]).await;
    for (amount, currency, code) in [
        ("12500000.5", "XOF", "too_precise"),
        ("10.001", "EUR", "too_precise"),
        ("100.00", "XOF", "too_precise"),
        ("1e6", "XOF", "format"),
        ("007", "XOF", "format"),
        ("+5", "XOF", "format"),
        ("-5", "XOF", "not_positive"),
        ("0.00", "EUR", "not_positive"),
        ("1000000000000000", "XOF", "too_large"),
        ("10", "ZZZ", "unknown_currency"),
    ] {
        let (status, problem) = add_line(&app, &project, json!({"partner_id": funder, "kind": "pledge", "amount": amount, "currency": currency, "transaction_date": "2026-03-01"})).await;
        assert_eq!(
            (status, problem["errors"][0]["code"].as_str()),
            (422, Some(code)),
            "{amount} {currency}: {problem}"
        );
    }
    let (status, problem) = add_line(
        &app,
        &project,
        json!({"partner_id": funder, "kind": "pledge", "amount": 100, "transaction_date": "2026-03-01"}),
    )
    .await;
    assert_eq!(status, 400, "a number instead of a string: {problem}");
    let (status, line) = add_line(
        &app,
        &project,
        json!({"partner_id": funder, "kind": "pledge", "amount": "100", "transaction_date": "2026-03-01"}),
    )
    .await;
    assert_eq!((status, line["amount"]["currency"].as_str()), (201, Some("XOF")), "XOF by default");
    assert_eq!(app.count_rows("funding_line", "1 = 1").await, 1);
}
backend_test!(amounts_with_too_many_decimals_are_refused_not_rounded);

async fn the_rules_of_agreements_funders_and_finished_projects_are_enforced(app: TestApp) {
    let angers = app.seeded_partner("Angers").await;
    let bordeaux = app.seeded_partner("Bordeaux").await;
    let (_, _, agreements) = read(app.get(&format!("/api/v1/agreements?partner={angers}")).await).await;
    let agreement = agreements["items"][0]["id"].as_str().unwrap().to_owned();
    let mut body = project_body("twinning", json!([{"partner_id": bordeaux, "roles": ["funding"]}]));
    body["agreement_id"] = json!(agreement);
    let (status, problem) = create_project(&app, None, &body).await;
    assert_eq!((status, problem["errors"][0]["code"].as_str()), (422, Some("agreement_partner_required")), "{problem}");
    body["participants"] =
        json!([{"partner_id": bordeaux, "roles": ["funding"]}, {"partner_id": angers, "roles": ["accountable"]}]);
    let (status, created) = create_project(&app, None, &body).await;
    assert_eq!(status, 201, "{created}");
    let project = created["id"].as_str().unwrap();

    let (status, problem) = add_line(
        &app,
        project,
        json!({"partner_id": angers, "kind": "pledge", "amount": "1000", "transaction_date": "2026-03-01"}),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["code"].as_str()),
        (422, Some("funder_not_participant")),
        "Angers is not a funder"
    );

    for step in ["cancelled"] {
        assert_eq!(status_update(&app, &app.token, project, json!({"status": step, "note": "annulé"})).await.0, 201);
    }
    let (status, problem) = add_line(
        &app,
        project,
        json!({"partner_id": bordeaux, "kind": "pledge", "amount": "1000", "transaction_date": "2026-03-01"}),
    )
    .await;
    assert_eq!((status, problem["errors"][0]["code"].as_str()), (422, Some("project_closed")));
    assert_eq!(app.count_rows("funding_line", "1 = 1").await, 0, "nothing written");
    let (status, problem) = create_project(
        &app,
        None,
        &json!({"title": "x", "division": "twinning", "domains": [], "communes": [], "participants": []}),
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["domains", "communes", "participants"]);
}
backend_test!(the_rules_of_agreements_funders_and_finished_projects_are_enforced);

async fn agents_write_the_projects_of_their_division_only(app: TestApp) {
    let funder = app.seeded_partner("Bordeaux").await;
    let agent = app.token_for("agent", Some("twinning")).await;
    let participants = json!([{"partner_id": funder, "roles": ["funding"]}]);
    let (status, _) =
        create_project(&app, Some(&agent), &project_body("decentralized_cooperation", participants.clone())).await;
    assert_eq!(status, 403, "{}: another division", app.backend);
    let (status, created) = create_project(&app, Some(&agent), &project_body("twinning", participants.clone())).await;
    assert_eq!(status, 201, "{created}");
    let own = created["id"].as_str().unwrap().to_owned();
    let other = new_project(&app, &[&funder]).await;
    assert_eq!(status_update(&app, &agent, &own, json!({"status": "implementation", "note": "go"})).await.0, 201);
    assert_eq!(status_update(&app, &agent, &other, json!({"status": "implementation", "note": "go"})).await.0, 403);
    let line = json!({"partner_id": funder, "kind": "pledge", "amount": "1000", "transaction_date": "2026-03-01"});
    let response = app
        .request_as(Some(&agent), Method::POST, &format!("/api/v1/projects/{other}/funding-lines"))
        .json(&line)
        .send()
        .await
        .unwrap();
    expect_problem(response, 403, "funding line in another division").await;
    let response = app
        .request_as(Some(&agent), Method::POST, &format!("/api/v1/projects/{own}/funding-lines"))
        .json(&line)
        .send()
        .await
        .unwrap();
    let (status, _, created_line) = read(response).await;
    assert_eq!(status, 201);
    let mut public = line.clone();
    public["is_public"] = json!(true);
    let response = app
        .request_as(Some(&agent), Method::POST, &format!("/api/v1/projects/{own}/funding-lines"))
        .json(&public)
        .send()
        .await
        .unwrap();
    expect_problem(response, 403, "only the director publishes a line").await;
    let path = format!("/api/v1/funding-lines/{}", created_line["id"].as_str().unwrap());
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let (status, _, published) = read(app.patch_json(&path, Some(&etag), &json!({"is_public": true})).await).await;
    assert_eq!((status, published["is_public"].as_bool()), (200, Some(true)));
    let machine = app.partner_token(&funder).await;
    let response = app.request_as(Some(&machine), Method::GET, "/api/v1/projects").send().await.unwrap();
    expect_problem(response, 403, "partner systems use /partner routes").await;
    let head = app.token_for("division_head", Some("twinning")).await;
    let response = app
        .request_as(Some(&head), Method::POST, "/api/v1/exchange-rates")
        .json(&json!({"currency": "USD", "rate_to_xof": "600", "valid_from": "2026-01-01"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 403, "only the director maintains rates").await;
    let (status, _, _) = read(
        app.post_json(
            "/api/v1/exchange-rates",
            &json!({"currency": "EUR", "rate_to_xof": "600", "valid_from": "2026-01-01"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "EUR is fixed");
}
backend_test!(agents_write_the_projects_of_their_division_only);

async fn totals_and_stats_of_lines_at_the_largest_amount_are_exact_and_above_it_is_422(app: TestApp) {
    let angers = app.seeded_partner("Angers").await;
    let id = project(&app, "Grand programme", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
    let largest = json!({"partner_id": angers, "kind": "commitment", "amount": "9999999999999.99", "currency": "EUR",
        "transaction_date": "2026-03-01"});
    for _ in 0..15 {
        let (status, created) = add_line(&app, &id, largest.clone()).await;
        assert_eq!(status, 201, "{}: {created}", app.backend);
    }
    let mut above = largest.clone();
    above["amount"] = json!("10000000000000");
    let (status, problem) = add_line(&app, &id, above).await;
    assert_eq!((status, first_error(&problem).1), (422, Some("too_large")), "{problem}");
    assert_eq!(app.count_rows("funding_line", "1 = 1").await, 15);

    let check = |eur: &'static str, xof: &'static str, stats_xof: &'static str| {
        let app = &app;
        let id = id.clone();
        let angers = angers.clone();
        async move {
            let financing = get_json(app, &format!("/api/v1/projects/{id}/financing")).await;
            assert_eq!(financing["by_currency"][0]["committed"], eur, "{}: {financing}", app.backend);
            assert_eq!(financing["xof"]["committed"], xof, "{}: {financing}", app.backend);
            let stats = get_json(app, "/api/v1/stats/financing?year_from=2026&year_to=2026").await;
            assert_eq!(stats["total"]["committed"], stats_xof, "{}: {stats}", app.backend);
            assert_eq!(stats["by_year"][0]["xof"]["committed"], stats_xof);
            let token = app.partner_token(&angers).await;
            let (status, view) = partner_get(app, &token, &format!("/api/v1/partner/projects/{id}")).await;
            assert_eq!((status, view["totals_xof"]["committed"].as_str()), (200, Some(xof)), "{view}");
        }
    };
    // 15 × 9,999,999,999,999.99 EUR; × 655.957 rounded to the franc for each line (the
    // project), for the day's sum (the dashboard).
    check("149999999999999.85", "98393549999999895", "98393549999999902").await;
    // Lines recorded before the bound (the review's 999,999,999,999,999.99 EUR and more) still
    // add up exactly: no wrap, no SQL overflow.
    let sql = "UPDATE funding_line SET amount_minor = 999999999999999999";
    app.db.execute_unprepared(sql).await.unwrap();
    check("149999999999999999.85", "98393549999999999895", "98393549999999999902").await;
}
backend_test!(totals_and_stats_of_lines_at_the_largest_amount_are_exact_and_above_it_is_422);

async fn dates_outside_1900_through_2100_are_refused_with_the_field_named(app: TestApp) {
    let angers = app.seeded_partner("Angers").await;
    let id = project(&app, "Dates", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
    let projects_before = app.count_rows("project", "1 = 1").await;
    for date in ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"] {
        let body = json!({"partner_id": angers, "kind": "commitment", "amount": "1000", "transaction_date": date});
        let (status, problem) = add_line(&app, &id, body).await;
        assert_eq!(status, 422, "{}: {date}: {problem}", app.backend);
        assert_eq!(first_error(&problem), (Some("transaction_date"), Some("date_range")), "{problem}");
        let body = json!({"title": "Hors des dates", "division": "twinning", "domains": ["water"], "communes": ["commune_i"],
            "participants": [], "planned_start": date});
        let (status, _, problem) = read(app.post_json("/api/v1/projects", &body).await).await;
        assert_eq!(status, 422, "{}: {date}: {problem}", app.backend);
        assert_eq!(first_error(&problem), (Some("planned_start"), Some("date_range")), "{problem}");
        let path = format!("/api/v1/projects/{id}");
        let tag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let (status, _, problem) = read(app.patch_json(&path, Some(&tag), &json!({"actual_end": date})).await).await;
        assert_eq!((status, first_error(&problem)), (422, (Some("actual_end"), Some("date_range"))), "{problem}");
        let (status, _, _) = read(app.get(&format!("/api/v1/funding-lines?from={date}")).await).await;
        assert_eq!(status, 400, "{date} as a query filter");
    }
    assert_eq!(app.count_rows("funding_line", "1 = 1").await, 0);
    assert_eq!(app.count_rows("project", "1 = 1").await, projects_before);
    for date in ["1900-01-01", "2100-12-31"] {
        let body = json!({"partner_id": angers, "kind": "commitment", "amount": "1000", "transaction_date": date});
        assert_eq!(add_line(&app, &id, body).await.0, 201, "{date} is within the range");
    }
}
backend_test!(dates_outside_1900_through_2100_are_refused_with_the_field_named);

async fn the_agent_in_charge_belongs_to_the_records_division(app: TestApp) {
    let other = app.create_user("agent-dc@djcd.test", "agent", Some("decentralized_cooperation")).await;
    let own = app.create_user("agent-jum@djcd.test", "agent", Some("twinning")).await;
    let angers = app.seeded_partner("Angers").await;
    let body = |agent: &str| {
        json!({"title": "Échange scolaire Bamako-Angers", "division": "twinning", "domains": ["education"],
               "communes": ["commune_iii"], "participants": [{"partner_id": angers, "roles": ["funding"]}],
               "agent_in_charge_id": agent})
    };
    let problem = expect_problem(app.post_json("/api/v1/projects", &body(&other)).await, 422, "other").await;
    assert_eq!(problem["errors"][0]["field"], "agent_in_charge_id", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "other_division", "{problem}");
    let (status, _, created) = read(app.post_json("/api/v1/projects", &body(&own)).await).await;
    assert_eq!(status, 201, "{}: {created}", app.backend);
    // Nor can an update put the other division's agent in charge.
    let path = format!("/api/v1/projects/{}", created["id"].as_str().unwrap());
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let response = app.patch_json(&path, Some(&etag), &json!({"agent_in_charge_id": other})).await;
    expect_problem(response, 422, "update").await;
    let (_, _, project) = read(app.get(&path).await).await;
    assert_eq!(project["agent_in_charge_id"], json!(own), "{}: unchanged", app.backend);
}
backend_test!(the_agent_in_charge_belongs_to_the_records_division);

// On the unit of work: a retried move replays its first answer; a progress report is audited and fed once.
async fn new_plain_project(app: &TestApp) -> String {
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

async fn a_retried_status_move_replays_its_first_answer_and_moves_once(app: TestApp) {
    let id = new_plain_project(&app).await;
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
backend_test!(a_retried_status_move_replays_its_first_answer_and_moves_once);

async fn a_progress_report_is_audited_and_fed_as_an_update_without_a_move(app: TestApp) {
    let id = new_plain_project(&app).await;
    let path = format!("/api/v1/projects/{id}/status-updates");
    let (status, _, entry) = read(app.post_json(&path, &json!({"progress": 35, "note": "Poteaux posés."})).await).await;
    assert_eq!(status, 201, "{}: {entry}", app.backend);
    assert_eq!((entry["from_status"].is_null(), entry["to_status"].is_null()), (true, true), "{entry}");
    let (_, _, history) = read(app.get(&format!("/api/v1/projects/{id}/history")).await).await;
    let actions: Vec<&str> = history["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["progress_report", "create"], "{}: {history}", app.backend);
    assert_eq!(app.count_rows("change_event", "kind = 'project.status_changed'").await, 0, "{}", app.backend);
    assert_eq!(app.count_rows("change_event", "kind = 'project.updated'").await, 1, "{}", app.backend);
}
backend_test!(a_progress_report_is_audited_and_fed_as_an_update_without_a_move);

/// The items of a list page as their titles (panics unless 200).
async fn titles_as(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let (status, _, page) = read(app.request_as(Some(token), Method::GET, path).send().await.unwrap()).await;
    assert_eq!(status, 200, "{path}: {page}");
    page["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_owned()).collect()
}

async fn lists_take_several_codes_per_filter_and_agent_in_charge_me(app: TestApp) {
    let agent_id = app.create_user("agent-lists@djcd.test", "agent", Some("twinning")).await;
    let agent =
        app.login("agent-lists@djcd.test", tests::STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
    let angers = app.seeded_partner("Angers").await;
    let new = |title: &str, commune: &str, agent: Option<&str>| {
        json!({"title": title, "division": "twinning", "domains": ["education"], "communes": [commune],
               "participants": [{"partner_id": angers, "roles": ["funding"]}], "agent_in_charge_id": agent})
    };
    for (title, commune, in_charge) in [
        ("Zorro multi un", "commune_i", Some(agent_id.as_str())),
        ("Zorro multi deux", "commune_ii", None),
        ("Zorro multi trois", "commune_iv", Some(agent_id.as_str())),
    ] {
        let (status, _, created) = read(app.post_json("/api/v1/projects", &new(title, commune, in_charge)).await).await;
        assert_eq!(status, 201, "{created}");
    }
    assert_eq!(app.count_rows("project", "agent_in_charge_id IS NOT NULL AND title LIKE 'Zorro multi%'").await, 2);

    // Several communes: a project in any of them; several statuses and divisions likewise.
    let mut found = titles_as(&app, &app.token, "/api/v1/projects?q=zorro%20multi&commune=commune_i,commune_ii").await;
    found.sort();
    assert_eq!(found, ["Zorro multi deux", "Zorro multi un"], "{}", app.backend);
    let found = titles_as(
        &app,
        &app.token,
        "/api/v1/projects?q=zorro%20multi&status=pipeline,implementation&division=twinning,decentralized_cooperation",
    )
    .await;
    assert_eq!(found.len(), 3);
    assert!(titles_as(&app, &app.token, "/api/v1/projects?q=zorro%20multi&status=closed,cancelled").await.is_empty());

    // An unknown code among several is a 422 naming the parameter.
    let problem =
        expect_problem(app.get("/api/v1/projects?status=pipeline,dreaming").await, 422, "unknown status").await;
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("status"), Some("unknown_code")),
        "{problem}"
    );
    let problem = expect_problem(app.get("/api/v1/agreements?kind=twinning,").await, 422, "empty kind").await;
    assert_eq!(problem["errors"][0]["field"], "kind", "{problem}");

    // `agent_in_charge=me` is the caller; an id works too.
    let mut mine = titles_as(&app, &agent, "/api/v1/projects?agent_in_charge=me&sort=title").await;
    assert_eq!(mine, ["Zorro multi trois", "Zorro multi un"], "{}", app.backend);
    mine = titles_as(&app, &app.token, &format!("/api/v1/projects?agent_in_charge={agent_id}&sort=-title")).await;
    assert_eq!(mine, ["Zorro multi un", "Zorro multi trois"]);
    assert!(titles_as(&app, &app.token, "/api/v1/projects?agent_in_charge=me&q=zorro").await.is_empty());
    expect_problem(app.get("/api/v1/projects?agent_in_charge=someone").await, 400, "neither me nor an id").await;
    let (status, _, page) =
        read(app.request_as(Some(&agent), Method::GET, "/api/v1/agreements?agent_in_charge=me").send().await.unwrap())
            .await;
    assert_eq!((status, page["items"].as_array().map(Vec::len)), (200, Some(0)), "{page}");
}
backend_test!(lists_take_several_codes_per_filter_and_agent_in_charge_me);

async fn a_cursor_used_with_another_sort_or_other_filters_is_a_422_that_says_why(app: TestApp) {
    let angers = app.seeded_partner("Angers").await;
    for title in ["Curseur A", "Curseur B"] {
        project(&app, title, json!([{"partner_id": angers, "roles": ["funding"]}])).await;
    }
    let (_, _, page) = read(app.get("/api/v1/projects?limit=1&sort=title").await).await;
    let cursor = page["next_cursor"].as_str().unwrap_or_else(|| panic!("seeded projects: {page}")).to_owned();
    let (status, _, next) = read(app.get(&format!("/api/v1/projects?limit=1&sort=title&cursor={cursor}")).await).await;
    assert_eq!(status, 200, "the same query pages on: {next}");
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);

    let problem = expect_problem(
        app.get(&format!("/api/v1/projects?limit=1&sort=-created_at&cursor={cursor}")).await,
        422,
        "another sort",
    )
    .await;
    let error = &problem["errors"][0];
    assert_eq!(
        (error["field"].as_str(), error["code"].as_str()),
        (Some("cursor"), Some("cursor_mismatch")),
        "{problem}"
    );
    assert!(error["message"].as_str().unwrap().contains("title"), "the reason names the sort: {problem}");
    let problem = expect_problem(
        app.get(&format!("/api/v1/projects?limit=1&sort=title&status=closed&cursor={cursor}")).await,
        422,
        "other filters",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "cursor_mismatch", "{problem}");
    let problem =
        expect_problem(app.get(&format!("/api/v1/partners?limit=1&cursor={cursor}")).await, 422, "another list").await;
    assert_eq!(problem["errors"][0]["field"], "cursor", "{problem}");
    let problem =
        expect_problem(app.get("/api/v1/projects?cursor=AAAA").await, 422, "a schema-valid cursor no list made").await;
    assert_eq!(problem["errors"][0]["code"], "cursor_unknown", "{problem}");
}
backend_test!(a_cursor_used_with_another_sort_or_other_filters_is_a_422_that_says_why);
