//! The director manages people's accounts.
use reqwest::Method;
use serde_json::json;
use tests::{STAFF_PASSWORD, expect_problem, read, spawn_apps};

#[tokio::test]
async fn the_director_creates_reads_and_lists_accounts_with_filters_and_pages() {
    for app in spawn_apps().await {
        for i in 0..5 {
            app.create_user(
                &format!("agent{i}@djcd.test"),
                "agent",
                Some(if i % 2 == 0 { "twinning" } else { "decentralized_cooperation" }),
            )
            .await;
        }
        let (status, _, page) = read(app.get("/api/v1/users?role=agent&division=twinning").await).await;
        assert_eq!(status, 200);
        assert_eq!(page["items"].as_array().unwrap().len(), 3, "{}", app.backend);
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(cursor) => format!("/api/v1/users?limit=2&cursor={cursor}"),
                None => "/api/v1/users?limit=2".to_owned(),
            };
            let (_, _, page) = read(app.get(&path).await).await;
            seen.extend(page["items"].as_array().unwrap().iter().map(|a| a["email"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (6, 6), "director + 5 agents, no gap nor repeat: {seen:?}");
        expect_problem(app.get("/api/v1/users?limit=201").await, 400, "limit over 200").await;
        expect_problem(app.get("/api/v1/users?cursor=garbage").await, 400, "bad cursor").await;
    }
}

#[tokio::test]
async fn a_taken_email_is_409_and_forbidden_fields_are_400() {
    for app in spawn_apps().await {
        app.create_user("awa@djcd.test", "agent", Some("twinning")).await;
        let duplicate = json!({"email": "AWA@djcd.test", "full_name": "Awa", "role": "agent", "division": "twinning", "password": STAFF_PASSWORD});
        let problem = expect_problem(app.post_json("/api/v1/users", &duplicate).await, 409, "duplicate").await;
        assert_eq!(problem["code"], "email_taken");
        for field in ["id", "created_at", "token_version", "is_active"] {
            let mut body = json!({"email": "new@djcd.test", "full_name": "N", "role": "agent", "division": "twinning"});
            body[field] = json!(1);
            let problem = expect_problem(app.post_json("/api/v1/users", &body).await, 400, field).await;
            assert_eq!(problem["errors"][0]["field"], field);
        }
        assert_eq!(app.count_rows("account", "email = 'new@djcd.test'").await, 0);
    }
}

#[tokio::test]
async fn role_and_division_must_agree() {
    for app in spawn_apps().await {
        let cases = [
            (json!({"email": "a@djcd.test", "full_name": "A", "role": "agent"}), "division"),
            (json!({"email": "b@djcd.test", "full_name": "B", "role": "director", "division": "twinning"}), "division"),
            (json!({"email": "not-an-email", "full_name": "D", "role": "director"}), "email"),
        ];
        for (body, field) in cases {
            let problem = expect_problem(app.post_json("/api/v1/users", &body).await, 422, field).await;
            assert_eq!(problem["errors"][0]["field"], field, "{body}");
        }
        let partner = json!({"email": "c@djcd.test", "full_name": "C", "role": "partner"});
        let problem =
            expect_problem(app.post_json("/api/v1/users", &partner).await, 400, "partner is not a staff role").await;
        assert_eq!(problem["errors"][0]["field"], "role");
    }
}

#[tokio::test]
async fn without_a_password_a_temporary_one_is_returned_once_and_works() {
    for app in spawn_apps().await {
        let body = json!({"email": "temp@djcd.test", "full_name": "T", "role": "director"});
        let response = app.post_json("/api/v1/users", &body).await;
        assert!(response.headers()["location"].to_str().unwrap().starts_with("/api/v1/users/"));
        let (status, _, created) = read(response).await;
        assert_eq!(status, 201);
        let password = created["temporary_password"].as_str().unwrap();
        app.login("temp@djcd.test", password).await;
        let id = created["account"]["id"].as_str().unwrap();
        let (_, _, account) = read(app.get(&format!("/api/v1/users/{id}")).await).await;
        assert!(account.get("temporary_password").is_none());
    }
}

#[tokio::test]
async fn a_role_change_ends_sessions_and_a_reset_gives_a_new_password() {
    for app in spawn_apps().await {
        let id = app.create_user("moussa@djcd.test", "agent", Some("twinning")).await;
        let token = app.login("moussa@djcd.test", STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/users/{id}");
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let body = json!({"role": "division_head", "division": "decentralized_cooperation"});
        let (status, _, updated) = read(app.patch_json(&path, Some(&etag), &body).await).await;
        assert_eq!(
            (status, updated["role"].as_str(), updated["division"].as_str()),
            (200, Some("division_head"), Some("decentralized_cooperation"))
        );
        let response = app.request_as(Some(&token), Method::GET, "/api/v1/auth/me").send().await.unwrap();
        expect_problem(response, 401, "old role's token").await;
        expect_problem(app.patch_json(&path, Some(&etag), &json!({"full_name": "M"})).await, 412, "stale etag").await;

        let (status, _, reset) =
            read(app.request(Method::POST, &format!("{path}/password-reset")).send().await.unwrap()).await;
        assert_eq!(status, 200);
        expect_problem(
            app.client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"email": "moussa@djcd.test", "password": STAFF_PASSWORD}))
                .send()
                .await
                .unwrap(),
            401,
            "old password after reset",
        )
        .await;
        app.login("moussa@djcd.test", reset["temporary_password"].as_str().unwrap()).await;
    }
}

#[tokio::test]
async fn the_last_active_director_cannot_be_deactivated_or_demoted() {
    for app in spawn_apps().await {
        let (_, _, me) = read(app.get("/api/v1/auth/me").await).await;
        let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        let problem = expect_problem(app.delete(&path, Some(&etag)).await, 409, "last director").await;
        assert_eq!(problem["code"], "own_account");
        let body = json!({"role": "agent", "division": "twinning"});
        expect_problem(app.patch_json(&path, Some(&etag), &body).await, 409, "demote").await;
        assert_eq!(app.count_rows("account", "role = 'director' AND is_active = true").await, 1);
    }
}

#[tokio::test]
async fn nobody_resets_demotes_or_deactivates_their_own_account_through_the_user_routes() {
    for app in spawn_apps().await {
        let other_director = app.create_user("second@djcd.test", "director", None).await;
        let (_, _, me) = read(app.get("/api/v1/auth/me").await).await;
        let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
        let problem = expect_problem(
            app.request(Method::POST, &format!("{path}/password-reset")).send().await.unwrap(),
            409,
            "own reset",
        )
        .await;
        assert_eq!(problem["code"], "own_account");
        let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
        expect_problem(
            app.patch_json(&path, Some(&etag), &json!({"role": "agent", "division": "twinning"})).await,
            409,
            "own demotion",
        )
        .await;
        expect_problem(app.delete(&path, Some(&etag)).await, 409, "own deactivation").await;
        let (status, _, _) = read(app.patch_json(&path, Some(&etag), &json!({"full_name": "Directeur"})).await).await;
        assert_eq!(status, 200, "one's own name may change");
        let response =
            app.request(Method::POST, &format!("/api/v1/users/{other_director}/password-reset")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "another director's reset works");
        let problem = expect_problem(
            app.patch_json(&format!("/api/v1/users/{other_director}"), Some("*"), &json!({"division": "twinning"}))
                .await,
            422,
            "division alone",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "role");
    }
}
