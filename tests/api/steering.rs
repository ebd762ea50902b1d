//! Steering: evaluations, events and pledges, the dashboard figures against hand-computed
//! fixtures, the map, and CSV exports.
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, expect_problem, read, spawn_apps};

async fn agreement_of(app: &TestApp, city: &str) -> String {
    let partner = app.seeded_partner(city).await;
    let (_, _, page) = read(app.get(&format!("/api/v1/agreements?partner={partner}")).await).await;
    page["items"][0]["id"].as_str().unwrap().to_owned()
}

fn evaluation(on: &str) -> Value {
    json!({"evaluated_on": on, "evaluators": ["Awa Traoré"], "vitality": "weak",
        "scores": {"activity": 2, "results": 2, "financing": 1, "responsiveness": 3},
        "findings": "Peu d'activité.", "priority_actions": ["Mission en 2027"]})
}

fn count(items: &Value, key: &[(&str, &str)]) -> i64 {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|c| key.iter().all(|(k, v)| c["key"][*k] == *v))
        .map_or(0, |c| c["count"].as_i64().unwrap())
}

#[tokio::test]
async fn due_evaluations_list_the_never_evaluated_first_then_the_most_overdue_and_sign_off_locks() {
    for app in spawn_apps().await {
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
        let response =
            app.request_as(Some(&other_head), Method::POST, &format!("{path}/sign-off")).send().await.unwrap();
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
        expect_problem(app.request(Method::POST, &format!("{path}/sign-off")).send().await.unwrap(), 409, "twice")
            .await;
        let bad = json!({"evaluated_on": "2026-11-20", "evaluators": [], "vitality": "weak", "scores": {"activity": 6, "results": 0, "financing": 1, "responsiveness": 3}});
        let problem = expect_problem(
            app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &bad).await,
            422,
            "rules",
        )
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
        expect_problem(app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &half).await, 400, "2.5")
            .await;
    }
}

async fn event(app: &TestApp, kind: &str, title: &str, on: &str, partners: Value) -> String {
    let body = json!({"kind": kind, "title": title, "starts_on": on, "partners": partners});
    let (status, _, created) = read(app.post_json("/api/v1/events", &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn events_list_upcoming_first_filter_and_round_tables_take_pledges_followed_to_commitment() {
    for app in spawn_apps().await {
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
        let (status, _, line) =
            read(app.post_json(&format!("/api/v1/events/{round_table}/pledges"), &pledge).await).await;
        assert_eq!((status, line["kind"].as_str()), (201, Some("pledge")), "{line}");
        let visit = event(&app, "delegation_visit", "Visite", &day(3), json!([])).await;
        expect_problem(
            app.post_json(&format!("/api/v1/events/{visit}/pledges"), &pledge).await,
            422,
            "not a round table",
        )
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
}

#[tokio::test]
async fn the_agreement_figures_match_the_seed_portfolio_counted_by_hand() {
    for app in spawn_apps().await {
        let (status, _, stats) = read(app.get("/api/v1/stats/agreements").await).await;
        assert_eq!(status, 200, "{stats}");
        let by = &stats["by_kind_and_status"];
        assert_eq!(count(by, &[("kind", "twinning"), ("status", "active")]), 12, "{}", app.backend);
        assert_eq!(count(by, &[("kind", "twinning"), ("status", "in_gestation")]), 10);
        assert_eq!(count(by, &[("kind", "network_membership"), ("status", "active")]), 6);
        assert_eq!(count(by, &[("kind", "network_membership"), ("status", "ended")]), 1);
        assert_eq!(count(by, &[("kind", "cooperation_convention"), ("status", "active")]), 5);
        assert_eq!(count(&stats["by_division"], &[("division", "twinning")]), 22);
        assert_eq!(count(&stats["by_division"], &[("division", "decentralized_cooperation")]), 12);
        let decades = &stats["by_decade"];
        for (decade, n) in [("1960s", 1), ("1970s", 4), ("1990s", 2), ("2010s", 5), ("unknown", 22)] {
            assert_eq!(count(decades, &[("decade", decade)]), n, "{decade}");
        }
        let (_, _, seventies) =
            read(app.get("/api/v1/stats/agreements?year_from=1970&year_to=1979&division=twinning").await).await;
        assert_eq!(
            count(&seventies["by_kind_and_status"], &[("kind", "twinning"), ("status", "active")]),
            4,
            "Dakar, Angers, Achgabat, Rochester"
        );
        let (_, _, inactive) = read(app.get("/api/v1/stats/agreements/inactive?months=24").await).await;
        assert_eq!(inactive["items"].as_array().unwrap().len(), 33, "every relation not ended, none active yet");
        let angers = app.seeded_partner("Angers").await;
        let agreement = agreement_of(&app, "Angers").await;
        let body = json!({"title": "Échanges scolaires", "agreement_id": agreement, "division": "twinning", "domains": ["education"], "communes": ["district"],
            "participants": [{"partner_id": angers, "roles": ["implementing"]}]});
        assert_eq!(app.post_json("/api/v1/projects", &body).await.status().as_u16(), 201);
        let (_, _, inactive) =
            read(app.get("/api/v1/stats/agreements/inactive?months=24&division=twinning").await).await;
        let ids: Vec<&str> =
            inactive["items"].as_array().unwrap().iter().map(|i| i["agreement_id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 21, "22 twinnings, Angers revived");
        assert!(!ids.contains(&agreement.as_str()));
    }
}

#[tokio::test]
async fn the_project_and_financing_figures_match_a_fixture_computed_by_hand() {
    for app in spawn_apps().await {
        let afd_body =
            json!({"name": "AFD", "kind": "technical_financial_partner", "is_classic_ptf": true, "country": "FR"});
        let (_, _, afd) = read(app.post_json("/api/v1/partners", &afd_body).await).await;
        let afd = afd["id"].as_str().unwrap().to_owned();
        let bordeaux = app.seeded_partner("Bordeaux").await;
        let mut projects = Vec::new();
        for (title, division, domains, communes, start) in [
            ("A", "twinning", json!(["water", "health"]), json!(["commune_i"]), "2024-03-01"),
            ("B", "decentralized_cooperation", json!(["water"]), json!(["commune_i", "commune_ii"]), "2025-03-01"),
            ("C", "decentralized_cooperation", json!(["roads"]), json!(["district"]), "2025-06-01"),
        ] {
            let body = json!({"title": title, "division": division, "domains": domains, "communes": communes, "planned_start": start,
                "participants": [{"partner_id": afd, "roles": ["funding"]}, {"partner_id": bordeaux, "roles": ["funding"]}]});
            let (status, _, created) = read(app.post_json("/api/v1/projects", &body).await).await;
            assert_eq!(status, 201, "{created}");
            projects.push(created["id"].as_str().unwrap().to_owned());
        }
        for (project, status, progress) in [(0, "implementation", 40), (1, "implementation", 10)] {
            let body = json!({"status": status, "progress": progress, "note": "avancement"});
            assert_eq!(
                app.post_json(&format!("/api/v1/projects/{}/status-updates", projects[project]), &body)
                    .await
                    .status()
                    .as_u16(),
                201
            );
        }
        let (_, _, stats) = read(app.get("/api/v1/stats/projects").await).await;
        assert_eq!(
            count(&stats["by_status_and_domain"], &[("status", "implementation"), ("domain", "water")]),
            2,
            "{}: {stats}",
            app.backend
        );
        assert_eq!(count(&stats["by_status_and_domain"], &[("status", "pipeline"), ("domain", "roads")]), 1);
        assert_eq!(count(&stats["by_commune"], &[("commune", "commune_i")]), 2);
        assert_eq!(count(&stats["by_division"], &[("division", "decentralized_cooperation")]), 2);
        let all = stats["progress"].as_array().unwrap().iter().find(|p| p["status"] == "all").unwrap().clone();
        assert_eq!((all["projects"].as_i64(), all["average"].as_str()), (Some(3), Some("16.7")), "(40 + 10 + 0) / 3");
        let (_, _, filtered) =
            read(app.get("/api/v1/stats/projects?year_from=2025&division=decentralized_cooperation").await).await;
        assert_eq!(count(&filtered["by_division"], &[("division", "decentralized_cooperation")]), 2);
        assert_eq!(count(&filtered["by_division"], &[("division", "twinning")]), 0);

        // Lines: AFD (classic) 10 M XOF committed in 2024 and 1 000.00 EUR in 2025 (655 957 XOF);
        // Bordeaux 5 M XOF committed in 2025, 2 M disbursed in 2025, 500 000 spent in 2025.
        for (project, partner, kind, amount, currency, date) in [
            (0, &afd, "commitment", "10000000", "XOF", "2024-05-01"),
            (1, &afd, "commitment", "1000.00", "EUR", "2025-04-01"),
            (1, &bordeaux, "commitment", "5000000", "XOF", "2025-04-02"),
            (2, &bordeaux, "disbursement", "2000000", "XOF", "2025-07-01"),
            (2, &bordeaux, "expenditure", "500000", "XOF", "2025-08-01"),
        ] {
            let body = json!({"partner_id": partner, "kind": kind, "amount": amount, "currency": currency, "transaction_date": date});
            let (status, _, line) =
                read(app.post_json(&format!("/api/v1/projects/{}/funding-lines", projects[project]), &body).await)
                    .await;
            assert_eq!(status, 201, "{line}");
        }
        let (status, _, money) = read(app.get("/api/v1/stats/financing").await).await;
        assert_eq!(status, 200, "{money}");
        assert_eq!(
            money["total"],
            json!({"pledged": "0", "committed": "15655957", "disbursed": "2000000", "spent": "500000"}),
            "{}",
            app.backend
        );
        let years = money["by_year"].as_array().unwrap();
        assert_eq!((years[0]["year"].as_i64(), years[0]["xof"]["committed"].as_str()), (Some(2024), Some("10000000")));
        assert_eq!(years[0]["classic_ptf_share_of_commitments"], "1.0000");
        // 2025: 655 957 / (655 957 + 5 000 000) = 0.11598…
        assert_eq!(
            (years[1]["xof"]["committed"].as_str(), years[1]["classic_ptf_share_of_commitments"].as_str()),
            (Some("5655957"), Some("0.1160"))
        );
        assert_eq!(money["classic_ptf_share_of_commitments"], "0.6806", "10 655 957 / 15 655 957");
        let funder_kinds = money["by_funder_kind"].as_array().unwrap();
        let city = funder_kinds.iter().find(|k| k["funder_kind"] == "city").unwrap();
        assert_eq!(city["xof"]["committed"], "5000000");
        let (_, _, twinning) = read(app.get("/api/v1/stats/financing?division=twinning").await).await;
        assert_eq!(twinning["total"]["committed"], "10000000", "project A only");
        let (_, _, only_2025) = read(app.get("/api/v1/stats/financing?year_from=2025&year_to=2025").await).await;
        assert_eq!(only_2025["total"]["committed"], "5655957");
    }
}

#[tokio::test]
async fn partners_are_on_a_geojson_map() {
    for app in spawn_apps().await {
        let response = app.get("/api/v1/stats/partners.geojson").await;
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/geo+json"));
        let map: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(map["type"], "FeatureCollection");
        let features = map["features"].as_array().unwrap();
        assert_eq!(features.len(), 27, "{}: the seed's cities carry coordinates, the networks do not", app.backend);
        let leipzig = features.iter().find(|f| f["properties"]["name"] == "Leipzig").unwrap();
        assert_eq!(leipzig["geometry"], json!({"type": "Point", "coordinates": [12.3731, 51.3397]}));
        assert_eq!(leipzig["properties"]["agreements"], 1);
        let (_, _, twinning) = read(app.get("/api/v1/stats/partners.geojson?division=twinning").await).await;
        let twinning: Value =
            if twinning.is_string() { serde_json::from_str(twinning.as_str().unwrap()).unwrap() } else { twinning };
        assert_eq!(twinning["features"].as_array().unwrap().len(), 22, "partners of twinnings");
    }
}

#[tokio::test]
async fn lists_export_csv_with_a_bom_accents_separators_and_the_same_filters() {
    for app in spawn_apps().await {
        let response = app
            .request(Method::GET, "/api/v1/partners?country=MA&sort=name")
            .header("accept", "text/csv; separator=semicolon")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains("partners.csv"));
        let bytes = response.bytes().await.unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 1 + 4, "{}: header + Meknès, Fès, CGLU Afrique, AFRICITES: {text}", app.backend);
        let header: Vec<&str> = lines[0].split(';').collect();
        let name = header.iter().position(|c| *c == "name").unwrap();
        let names: Vec<&str> = lines[1..].iter().map(|l| l.split(';').nth(name).unwrap()).collect();
        assert!(names.contains(&"Fès") && names.contains(&"Meknès"), "{names:?}");
        let comma = app
            .request(Method::GET, "/api/v1/agreements?kind=twinning&status=active")
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(comma.trim_end().split("\r\n").count(), 1 + 12);
        assert!(comma.lines().next().unwrap().contains(",title,") || comma.lines().next().unwrap().contains("title"));
        for path in ["/api/v1/projects", "/api/v1/funding-lines", "/api/v1/events"] {
            let response = app.request(Method::GET, path).header("accept", "text/csv").send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200, "{path}");
            assert!(response.bytes().await.unwrap().starts_with(b"\xEF\xBB\xBF"), "{path}");
        }
    }
}

#[tokio::test]
async fn an_agreement_cadence_overrides_its_kinds_default() {
    for app in spawn_apps().await {
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
}
