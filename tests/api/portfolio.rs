//! The city's portfolio from the seed document is there on a fresh start, and loading it again
//! changes nothing.
use serde_json::{Value, json};
use tests::{TestApp, read, spawn_apps};

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

#[tokio::test]
async fn the_seed_portfolio_is_there_with_its_years_statuses_and_roles() {
    for app in spawn_apps().await {
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
        assert!(roles.iter().any(|r| r == &json!({"role": "secretary_general", "label": "Secrétaire général", "from_year": 2003, "to_year": 2004})));
        assert_eq!(titled(&networks, "Pauvreté")["status"], "ended", "dissolved");

        let conventions = agreements(&app, "kind=cooperation_convention").await;
        assert_eq!(conventions.len(), 5);
        for city in ["Bordeaux", "Grand Lyon", "Strasbourg", "Évry", "Ouagadougou"] {
            assert_eq!(titled(&conventions, city)["status"], "active");
        }
        assert!(conventions.iter().all(|c| c["source"].as_str().is_some_and(|s| s.contains("Axe de coopération"))));
        let (_, _, angers) =
            read(app.get(&format!("/api/v1/partners/{}", app.seeded_partner("Angers").await)).await).await;
        assert_eq!(
            (angers["country"].as_str(), angers["latitude"].as_f64().map(|l| l.round())),
            (Some("FR"), Some(47.0))
        );
    }
}

#[tokio::test]
async fn loading_the_portfolio_twice_changes_nothing_and_keeps_edits() {
    for app in spawn_apps().await {
        let id = app.seeded_partner("Rochester").await;
        let path = format!("/api/v1/partners/{id}");
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let (status, _, _) = read(app.patch_json(&path, Some(&etag), &json!({"locality": "New York"})).await).await;
        assert_eq!(status, 200);
        let before = counts(&app).await;
        assert_eq!((before.0, before.1), (35, 34), "{}: partners and agreements of the seed", app.backend);
        let loaded = api::seed::load_portfolio(&app.db).await.expect("loads");
        assert!(!loaded, "already loaded");
        assert_eq!(counts(&app).await, before, "{}: nothing changed", app.backend);
        let (_, _, rochester) = read(app.get(&path).await).await;
        assert_eq!(rochester["locality"], "New York", "the edit survives");
    }
}

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.count_rows("partner", "1 = 1").await,
        app.count_rows("agreement", "1 = 1").await,
        app.count_rows("agreement_status_change", "1 = 1").await,
        app.count_rows("audit_event", "1 = 1").await,
    )
}
