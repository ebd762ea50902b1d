//! Behaviour every resource shares: Idempotency-Key, the audit trail, lost updates.
use reqwest::Method;
use serde_json::json;
use tests::{expect_problem, read, spawn_apps};

#[tokio::test]
async fn the_same_idempotency_key_and_body_replays_the_first_response() {
    for app in spawn_apps().await {
        let body = json!({"name": "Koulikoro", "kind": "city", "country": "ML"});
        let send = |body: serde_json::Value| {
            app.request(Method::POST, "/api/v1/partners")
                .header("idempotency-key", "create-koulikoro-1")
                .json(&body)
                .send()
        };
        let first = send(body.clone()).await.unwrap();
        let location = first.headers()["location"].to_str().unwrap().to_owned();
        let (status, _, created) = read(first).await;
        assert_eq!(status, 201);
        let replay = send(body.clone()).await.unwrap();
        assert_eq!(replay.headers()["idempotent-replayed"], "true");
        assert_eq!(replay.headers()["location"].to_str().unwrap(), location);
        let (status, _, replayed) = read(replay).await;
        assert_eq!((status, replayed["id"].clone()), (201, created["id"].clone()), "{}", app.backend);
        assert_eq!(app.count_rows("partner", "name = 'Koulikoro'").await, 1);
        let other = expect_problem(
            send(json!({"name": "Kayes", "kind": "city", "country": "ML"})).await.unwrap(),
            422,
            "same key, other body",
        )
        .await;
        assert_eq!(other["errors"][0]["code"], "reused");
        assert_eq!(app.count_rows("partner", "name = 'Kayes'").await, 0);
        let bad = app
            .request(Method::POST, "/api/v1/partners")
            .header("idempotency-key", "")
            .json(&body)
            .send()
            .await
            .unwrap();
        expect_problem(bad, 400, "empty key").await;
    }
}

#[tokio::test]
async fn twenty_concurrent_requests_with_one_key_create_exactly_one_record() {
    for app in spawn_apps().await {
        let body = json!({"name": "Mopti", "kind": "city", "country": "ML"});
        let requests = (0..20).map(|_| {
            app.request(Method::POST, "/api/v1/partners").header("idempotency-key", "mopti-race").json(&body).send()
        });
        let statuses: Vec<u16> =
            futures_util::future::join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
        assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{}: {statuses:?}", app.backend);
        assert!(statuses.contains(&201));
        assert_eq!(app.count_rows("partner", "name = 'Mopti'").await, 1, "{}", app.backend);
    }
}

#[tokio::test]
async fn twenty_concurrent_creations_of_the_same_partner_create_exactly_one() {
    for app in spawn_apps().await {
        let body = json!({"name": "Tombouctou", "kind": "city", "country": "ML"});
        let requests = (0..20).map(|_| app.request(Method::POST, "/api/v1/partners").json(&body).send());
        let statuses: Vec<u16> =
            futures_util::future::join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{}: {statuses:?}", app.backend);
        assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
        assert_eq!(app.count_rows("partner", "name = 'Tombouctou'").await, 1);
    }
}

#[tokio::test]
async fn twenty_concurrent_creations_of_the_same_user_create_exactly_one() {
    for app in spawn_apps().await {
        // The e-mail differs only in case: the uniqueness is on the normalised address.
        let requests = (0..20).map(|i| {
            let email = if i % 2 == 0 { "fanta@djcd.test" } else { "FANTA@djcd.test" };
            let body = json!({"email": email, "full_name": "Fanta", "role": "agent", "division": "twinning",
                "password": tests::STAFF_PASSWORD});
            app.request(Method::POST, "/api/v1/users").json(&body).send()
        });
        let statuses: Vec<u16> =
            futures_util::future::join_all(requests).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{}: {statuses:?}", app.backend);
        assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{}: {statuses:?}", app.backend);
        assert_eq!(app.count_rows("account", "lower(email) = 'fanta@djcd.test'").await, 1, "{}", app.backend);
    }
}

#[tokio::test]
async fn a_hundred_pairs_of_racing_patches_with_the_same_etag_let_exactly_one_of_each_win() {
    for app in spawn_apps().await {
        let id = app.create_partner("Gao", "ML").await;
        let path = format!("/api/v1/partners/{id}");
        for round in 0..100 {
            let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
            let (body_a, body_b) = (json!({"locality": format!("A{round}")}), json!({"locality": format!("B{round}")}));
            let a = app.patch_json(&path, Some(&etag), &body_a);
            let b = app.patch_json(&path, Some(&etag), &body_b);
            let (a, b) = tokio::join!(a, b);
            let mut statuses = [a.status().as_u16(), b.status().as_u16()];
            statuses.sort();
            assert_eq!(statuses, [200, 412], "{}: round {round}", app.backend);
        }
        let (_, _, history) = read(app.get(&format!("{path}/history?limit=200")).await).await;
        let items = history["items"].as_array().unwrap();
        assert_eq!(items.len(), 101, "one entry per winning write, plus the creation");
        let response = app.get(&path).await;
        assert_eq!(response.headers()["etag"], "\"101\"", "{}: one version per winning write", app.backend);
        let (_, _, current) = read(response).await;
        assert_eq!(items[0]["after"]["locality"], current["locality"], "the history and the record agree");
        // Each winner's entry follows the previous one: no write was applied over a stale version.
        for pair in items.windows(2) {
            assert_eq!(pair[0]["before"], pair[1]["after"], "{}: the history is a chain", app.backend);
        }
    }
}

#[tokio::test]
async fn the_audit_trail_lists_every_change_for_the_director_and_division_heads_only() {
    for app in spawn_apps().await {
        let id = app.create_partner("Kidal", "ML").await;
        let (status, _, page) =
            read(app.get(&format!("/api/v1/audit-events?entity_type=partner&entity_id={id}")).await).await;
        assert_eq!(status, 200);
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["after"]["name"], "Kidal");
        let (_, _, all) = read(app.get("/api/v1/audit-events?limit=200").await).await;
        assert!(all["items"].as_array().unwrap().len() >= 70, "the seed's creations are audited too");
        let agent = app.token_for("agent", Some("twinning")).await;
        let response = app.request_as(Some(&agent), Method::GET, "/api/v1/audit-events").send().await.unwrap();
        expect_problem(response, 403, "agents do not read the audit trail").await;
    }
}

#[tokio::test]
async fn a_deactivated_caller_resending_an_idempotent_request_gets_401_and_no_stored_secret() {
    for app in spawn_apps().await {
        let email = format!("director-{}@djcd.test", uuid::Uuid::new_v4().simple());
        let director = app.create_user(&email, "director", None).await;
        let token = app.login(&email, tests::STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        let partner = app.seeded_partner("Dakar").await;
        let send = || {
            app.request_as(Some(&token), Method::POST, "/api/v1/machine-accounts")
                .header("idempotency-key", "machine-for-dakar")
                .json(&json!({"partner_id": partner, "name": "Système de Dakar"}))
                .send()
        };
        let (status, _, created) = read(send().await.unwrap()).await;
        assert_eq!(status, 201, "{created}");
        let path = format!("/api/v1/users/{director}");
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(app.delete(&path, Some(&etag)).await.status().as_u16(), 204);
        let response = send().await.unwrap();
        assert!(response.headers().get("idempotent-replayed").is_none(), "{}: replayed", app.backend);
        let problem = expect_problem(response, 401, "a deactivated caller's replay").await;
        assert!(problem.get("client_secret").is_none() && !problem.to_string().contains("client_secret"));
    }
}

#[tokio::test]
async fn a_lower_case_bearer_scheme_gets_the_same_idempotent_replay() {
    for app in spawn_apps().await {
        let partner = app.seeded_partner("Dakar").await;
        let send = || {
            app.client
                .post(app.url("/api/v1/machine-accounts"))
                .header("authorization", format!("bearer {}", app.token))
                .header("idempotency-key", "lower-case-bearer")
                .json(&json!({"partner_id": partner, "name": "Système en minuscules"}))
                .send()
        };
        let (status, _, first) = read(send().await.unwrap()).await;
        assert_eq!(status, 201, "{first}");
        let again = send().await.unwrap();
        assert_eq!(again.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
        let (status, _, second) = read(again).await;
        assert_eq!((status, &second), (201, &first), "{}", app.backend);
        assert_eq!(app.count_rows("account", "kind = 'machine'").await, 1, "{}: created twice", app.backend);
    }
}
