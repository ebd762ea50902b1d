//! `/agreements`: creation rules, every status move allowed and refused by role, division rows,
//! filters, and the city's portfolio as the seed loads it.
use reqwest::{Method, header};
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

async fn create(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    let response =
        app.request_as(token.or(Some(&app.token)), Method::POST, "/api/v1/agreements").json(body).send().await.unwrap();
    let (status, _, body) = read(response).await;
    (status, body)
}

async fn new_agreement(app: &TestApp, kind: &str, partner: &str) -> String {
    let body = json!({"kind": kind, "title": format!("Accord {kind} {}", uuid::Uuid::now_v7()), "parties": [partner]});
    let (status, created) = create(app, None, &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "in_gestation");
    created["id"].as_str().unwrap().to_owned()
}

async fn move_status(app: &TestApp, token: &str, id: &str, to: &str) -> (u16, Value) {
    let body = json!({"to": to, "reason": format!("Décision : {to}")});
    let response = app
        .request_as(Some(token), Method::POST, &format!("/api/v1/agreements/{id}/status-changes"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, _, body) = read(response).await;
    (status, body)
}

/// Brings an agreement to `status` as the director.
async fn bring_to(app: &TestApp, id: &str, status: &str) {
    let path: &[&str] = match status {
        "in_gestation" => &[],
        "active" => &["active"],
        "dormant" => &["active", "dormant"],
        "suspended" => &["active", "suspended"],
        "ended" => &["ended"],
        _ => unreachable!(),
    };
    for step in path {
        let (code, body) = move_status(app, &app.token, id, step).await;
        assert_eq!(code, 201, "{body}");
    }
}

async fn every_status_move_is_allowed_or_refused_as_the_table_says(app: TestApp) {
    let partner = app.seeded_partner("Dakar").await;
    let twinning_head = app.token_for("division_head", Some("twinning")).await;
    let other_head = app.token_for("division_head", Some("decentralized_cooperation")).await;
    let agent = app.token_for("agent", Some("twinning")).await;
    let statuses = ["in_gestation", "active", "dormant", "suspended", "ended"];
    let allowed = |from: &str, to: &str| -> bool {
        matches!(
            (from, to),
            ("in_gestation", "active")
                | ("in_gestation", "ended")
                | ("active", "dormant")
                | ("active", "suspended")
                | ("active", "ended")
                | ("dormant", "active")
                | ("dormant", "suspended")
                | ("dormant", "ended")
                | ("suspended", "active")
                | ("suspended", "ended")
        )
    };
    let head_may = |from: &str, to: &str| matches!((from, to), ("active", "dormant") | ("dormant", "active"));
    for from in statuses {
        for to in statuses {
            let id = new_agreement(&app, "twinning", &partner).await;
            bring_to(&app, &id, from).await;
            if !allowed(from, to) {
                let (code, problem) = move_status(&app, &app.token, &id, to).await;
                assert_eq!(code, 409, "{}: {from} -> {to}: {problem}", app.backend);
                assert_eq!(problem["code"], "invalid_transition");
                assert!(problem["allowed"].is_array());
                continue;
            }
            let (code, _) = move_status(&app, &agent, &id, to).await;
            assert_eq!(code, 403, "agent {from} -> {to}");
            let (code, _) = move_status(&app, &other_head, &id, to).await;
            assert_eq!(code, 403, "head of the other division {from} -> {to}");
            let (code, body) = move_status(&app, &twinning_head, &id, to).await;
            if head_may(from, to) {
                assert_eq!((code, body["status"].as_str()), (201, Some(to)), "head {from} -> {to}");
            } else {
                assert_eq!(code, 403, "head {from} -> {to}");
                let (code, body) = move_status(&app, &app.token, &id, to).await;
                assert_eq!((code, body["status"].as_str()), (201, Some(to)), "director {from} -> {to}: {body}");
            }
        }
    }
}
backend_test!(every_status_move_is_allowed_or_refused_as_the_table_says);

async fn each_move_records_who_when_and_why_and_needs_a_reason(app: TestApp) {
    let id = new_agreement(&app, "twinning", &app.seeded_partner("Turin").await).await;
    let response = app
        .request(Method::POST, &format!("/api/v1/agreements/{id}/status-changes"))
        .json(&json!({"to": "active", "reason": " "}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 422, "blank reason").await;
    bring_to(&app, &id, "dormant").await;
    let (_, _, moves) = read(app.get(&format!("/api/v1/agreements/{id}/status-changes")).await).await;
    let moves = moves["items"].as_array().unwrap();
    assert_eq!(moves.len(), 2, "{}", app.backend);
    assert_eq!(
        (moves[0]["from_status"].as_str(), moves[0]["to_status"].as_str()),
        (Some("in_gestation"), Some("active"))
    );
    assert_eq!(moves[1]["reason"], "Décision : dormant");
    assert!(moves[1]["changed_by"].is_string() && moves[1]["changed_at"].is_string());
    let (_, _, history) = read(app.get(&format!("/api/v1/agreements/{id}/history")).await).await;
    let last = &history["items"][0];
    assert_eq!(
        (last["action"].as_str(), last["before"]["status"].as_str(), last["after"]["status"].as_str()),
        (Some("status_change"), Some("active"), Some("dormant"))
    );
    let stale = app
        .request(Method::POST, &format!("/api/v1/agreements/{id}/status-changes"))
        .header("if-match", "\"1\"")
        .json(&json!({"to": "active", "reason": "relance"}))
        .send()
        .await
        .unwrap();
    expect_problem(stale, 412, "stale If-Match on a move").await;
}
backend_test!(each_move_records_who_when_and_why_and_needs_a_reason);

async fn the_division_follows_the_kind_and_heads_write_only_their_own(app: TestApp) {
    let partner = app.seeded_partner("Bordeaux").await;
    let twinning_head = app.token_for("division_head", Some("twinning")).await;
    let body =
        json!({"kind": "cooperation_convention", "title": "Convention Bamako – Bordeaux 2", "parties": [partner]});
    let (status, _) = create(&app, Some(&twinning_head), &body).await;
    assert_eq!(status, 403, "{}: a convention belongs to the other division", app.backend);
    let (status, created) = create(&app, None, &body).await;
    assert_eq!((status, created["division"].as_str()), (201, Some("decentralized_cooperation")));
    let path = format!("/api/v1/agreements/{}", created["id"].as_str().unwrap());
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let response = app
        .request_as(Some(&twinning_head), Method::PATCH, &path)
        .header("if-match", &etag)
        .json(&json!({"summary": "x"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 403, "head edits another division's agreement").await;
    let coop_head = app.token_for("division_head", Some("decentralized_cooperation")).await;
    let response = app
        .request_as(Some(&coop_head), Method::PATCH, &path)
        .header("if-match", &etag)
        .json(&json!({"summary": "Gestion des déchets"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}
backend_test!(the_division_follows_the_kind_and_heads_write_only_their_own);

async fn references_and_dates_are_checked(app: TestApp) {
    let partner = app.seeded_partner("Angers").await;
    let cases = [
        (json!({"kind": "twinning", "title": "A", "parties": []}), "parties"),
        (json!({"kind": "twinning", "title": "A", "parties": [uuid::Uuid::now_v7()]}), "parties"),
        (json!({"kind": "twinning", "title": "A", "parties": [partner], "domains": ["astrology"]}), "domains"),
        (
            json!({"kind": "twinning", "title": "A", "parties": [partner], "signed_on": "1974-05-01", "signed_year": 1975}),
            "signed_year",
        ),
        (
            json!({"kind": "twinning", "title": "A", "parties": [partner], "effective_on": "2020-01-01", "ends_on": "2019-01-01"}),
            "ends_on",
        ),
        (
            json!({"kind": "twinning", "title": "A", "parties": [partner], "agent_in_charge_id": uuid::Uuid::now_v7()}),
            "agent_in_charge_id",
        ),
        (
            json!({"kind": "network_membership", "title": "A", "parties": [partner], "city_roles": [{"role": "president", "from_year": 2010, "to_year": 2005}]}),
            "city_roles[0].to_year",
        ),
    ];
    for (body, field) in cases {
        let (status, problem) = create(&app, None, &body).await;
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let (status, created) = create(&app, None, &json!({"kind": "twinning", "title": "Jumelage Bamako – Ségou", "parties": [partner], "signed_on": "2020-03-08", "domains": ["youth_exchange"]})).await;
    assert_eq!((status, created["signed_year"].as_i64()), (201, Some(2020)), "the year follows the date");
}
backend_test!(references_and_dates_are_checked);

async fn filters_by_partner_domain_year_and_text(app: TestApp) {
    let dakar = app.seeded_partner("Dakar").await;
    let (_, _, page) = read(app.get(&format!("/api/v1/agreements?partner={dakar}")).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (_, _, page) =
        read(app.get("/api/v1/agreements?kind=twinning&year_from=1970&year_to=1979&sort=signed_year").await).await;
    let years: Vec<i64> =
        page["items"].as_array().unwrap().iter().map(|a| a["signed_year"].as_i64().unwrap()).collect();
    assert_eq!(years, [1973, 1974, 1974, 1975], "{}", app.backend);
    let (_, _, page) = read(app.get("/api/v1/agreements?q=bamako%20%E2%80%93%20fes").await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "accent-free search in titles");
    let (_, _, page) = read(app.get("/api/v1/agreements?sort=-signed_year&limit=1").await).await;
    assert_eq!(page["items"][0]["signed_year"], 2016);
    let (_, _, page) = read(app.get("/api/v1/agreements?division=twinning&include_total=true&limit=1").await).await;
    assert_eq!(page["total"], 22);
}
backend_test!(filters_by_partner_domain_year_and_text);

async fn agreements(app: &TestApp, query: &str) -> Vec<Value> {
    let (status, _, page) = read(app.get(&format!("/api/v1/agreements?limit=200&{query}")).await).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

fn titled<'a>(items: &'a [Value], fragment: &str) -> &'a Value {
    items
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains(fragment)))
        .unwrap_or_else(|| panic!("no agreement {fragment}"))
}

async fn the_seed_portfolio_is_there_with_its_years_statuses_and_roles(app: TestApp) {
    let twinnings = agreements(&app, "kind=twinning&status=active").await;
    assert_eq!(twinnings.len(), 12, "{}: signed twinnings", app.backend);
    for (city, year) in [
        ("Leipzig", 1966),
        ("Dakar", 1973),
        ("Angers", 1974),
        ("Achgabat", 1974),
        ("Rochester", 1975),
        ("Turin", 1994),
        ("Bobo-Dioulasso", 1994),
        ("Meknès", 2010),
        ("Parakou", 2010),
        ("Nouakchott", 2011),
        ("Fès", 2013),
        ("Conakry", 2016),
    ] {
        let agreement = titled(&twinnings, city);
        assert_eq!(agreement["signed_year"], year, "{city}");
        assert_eq!(agreement["division"], "twinning");
        assert_eq!(agreement["parties"][0]["name"], city);
    }
    let leipzig = titled(&twinnings, "Leipzig");
    assert_eq!(leipzig["aegis_partner"]["short_name"], Value::Null, "a PartnerRef has no short name");
    assert_eq!(leipzig["aegis_partner"]["name"], "Fédération Mondiale des Cités Unies");
    assert!(titled(&twinnings, "Conakry")["aegis_partner"].is_null());

    let gestation = agreements(&app, "kind=twinning&status=in_gestation").await;
    assert_eq!(gestation.len(), 10, "{}: relations in gestation", app.backend);
    for city in [
        "Niamey",
        "Libreville",
        "São Paulo",
        "Banjul",
        "Le Caire",
        "Durban",
        "Marseille",
        "Montréal",
        "Bonn",
        "Stuttgart",
    ] {
        titled(&gestation, city);
    }
    // Parakou and Fès appear both ways in the document: one record each, with the ambiguity noted.
    for city in ["Parakou", "Fès"] {
        let (_, _, page) = read(app.get(&format!("/api/v1/partners?q={city}")).await).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "{city}: one partner");
        assert!(page["items"][0]["notes"].as_str().is_some_and(|n| n.contains("gestation")), "{city}: {page}");
        assert!(titled(&twinnings, city)["notes"].as_str().is_some_and(|n| n.contains("gestation")));
    }

    let networks = agreements(&app, "kind=network_membership").await;
    assert_eq!(networks.len(), 7, "{}: network memberships", app.backend);
    let aimf = titled(&networks, "AIMF");
    assert_eq!(aimf["division"], "decentralized_cooperation");
    let roles = aimf["city_roles"].as_array().unwrap();
    assert!(roles.iter().any(|r| r["role"] == "founding_member"));
    assert!(roles.iter().any(|r| r
        == &json!({"role": "secretary_general", "label": "Secrétaire général", "from_year": 2003, "to_year": 2004})));
    assert_eq!(titled(&networks, "Pauvreté")["status"], "ended", "dissolved");

    let conventions = agreements(&app, "kind=cooperation_convention").await;
    assert_eq!(conventions.len(), 5);
    for city in ["Bordeaux", "Grand Lyon", "Strasbourg", "Évry", "Ouagadougou"] {
        assert_eq!(titled(&conventions, city)["status"], "active");
    }
    assert!(conventions.iter().all(|c| c["source"].as_str().is_some_and(|s| s.contains("Axe de coopération"))));
    let (_, _, angers) = read(app.get(&format!("/api/v1/partners/{}", app.seeded_partner("Angers").await)).await).await;
    assert_eq!((angers["country"].as_str(), angers["latitude"].as_f64().map(|l| l.round())), (Some("FR"), Some(47.0)));
}
backend_test!(the_seed_portfolio_is_there_with_its_years_statuses_and_roles);

// On the unit of work: every write is audited once, and a retried move with the same
// `Idempotency-Key` replays the first answer without moving twice.
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
backend_test!(every_write_is_audited_once_in_order);
backend_test!(a_replayed_move_moves_once);

async fn status_moves_are_a_paged_list_with_sort_q_and_filters(app: TestApp) {
    let id = new_agreement(&app, "twinning", &app.seeded_partner("Turin").await).await;
    bring_to(&app, &id, "dormant").await;
    let path = format!("/api/v1/agreements/{id}/status-changes");
    let (status, _, all) = read(app.get(&format!("{path}?include_total=true")).await).await;
    assert_eq!((status, all["total"].as_u64()), (200, Some(2)), "{all}");

    // Newest first, a page of one at a time, then the cursor walks to the end.
    let (_, _, first) = read(app.get(&format!("{path}?sort=-changed_at&limit=1")).await).await;
    assert_eq!(first["items"][0]["to_status"], "dormant", "{first}");
    let cursor = first["next_cursor"].as_str().unwrap_or_else(|| panic!("{first}")).to_owned();
    let (_, _, second) = read(app.get(&format!("{path}?sort=-changed_at&limit=1&cursor={cursor}")).await).await;
    assert_eq!(
        (second["items"][0]["to_status"].as_str(), second["next_cursor"].as_str()),
        (Some("active"), None),
        "{second}"
    );
    // The cursor belongs to its sort.
    let problem = expect_problem(app.get(&format!("{path}?limit=1&cursor={cursor}")).await, 422, "another sort").await;
    assert_eq!(problem["errors"][0]["code"], "cursor_mismatch", "{problem}");

    // `q` searches the reason, `to` takes several statuses.
    let (_, _, found) = read(app.get(&format!("{path}?q=DORMANT")).await).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let (_, _, found) = read(app.get(&format!("{path}?to=active,dormant")).await).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 2, "{found}");
    let problem = expect_problem(app.get(&format!("{path}?to=asleep")).await, 422, "unknown status").await;
    assert_eq!(problem["errors"][0]["field"], "to", "{problem}");
}
backend_test!(status_moves_are_a_paged_list_with_sort_q_and_filters);
