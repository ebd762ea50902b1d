//! `/stats`: the dashboard figures against hand-computed fixtures, and the map.
use serde_json::{Value, json};
use tests::{TestApp, backend_test, read};

use crate::fixtures::agreement_of;

fn count(items: &Value, key: &[(&str, &str)]) -> i64 {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|c| key.iter().all(|(k, v)| c["key"][*k] == *v))
        .map_or(0, |c| c["count"].as_i64().unwrap())
}

async fn the_agreement_figures_match_the_seed_portfolio_counted_by_hand(app: TestApp) {
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
    let (_, _, inactive) = read(app.get("/api/v1/stats/agreements/inactive?months=24&division=twinning").await).await;
    let ids: Vec<&str> =
        inactive["items"].as_array().unwrap().iter().map(|i| i["agreement_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 21, "22 twinnings, Angers revived");
    assert!(!ids.contains(&agreement.as_str()));
}
backend_test!(the_agreement_figures_match_the_seed_portfolio_counted_by_hand);

async fn the_project_and_financing_figures_match_a_fixture_computed_by_hand(app: TestApp) {
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
            read(app.post_json(&format!("/api/v1/projects/{}/funding-lines", projects[project]), &body).await).await;
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
backend_test!(the_project_and_financing_figures_match_a_fixture_computed_by_hand);

async fn partners_are_on_a_geojson_map(app: TestApp) {
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
backend_test!(partners_are_on_a_geojson_map);
