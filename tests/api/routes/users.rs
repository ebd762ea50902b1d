//! `/users` and `/machine-accounts`: the director manages people's and partner systems' accounts.
use reqwest::Method;
use serde_json::json;
use tests::{STAFF_PASSWORD, TestApp, backend_test, expect_problem, read};

async fn the_director_creates_reads_and_lists_accounts_with_filters_and_pages(app: TestApp) {
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
    let problem = expect_problem(app.get("/api/v1/users?cursor=garbage").await, 422, "a cursor no list made").await;
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("cursor"), Some("cursor_unknown"))
    );
}
backend_test!(the_director_creates_reads_and_lists_accounts_with_filters_and_pages);

async fn a_taken_email_is_409_and_forbidden_fields_are_400(app: TestApp) {
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
backend_test!(a_taken_email_is_409_and_forbidden_fields_are_400);

async fn role_and_division_must_agree(app: TestApp) {
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
backend_test!(role_and_division_must_agree);

async fn without_a_password_a_temporary_one_is_returned_once_and_works(app: TestApp) {
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
backend_test!(without_a_password_a_temporary_one_is_returned_once_and_works);

async fn a_role_change_ends_sessions_and_a_reset_gives_a_new_password(app: TestApp) {
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
backend_test!(a_role_change_ends_sessions_and_a_reset_gives_a_new_password);

async fn the_last_active_director_cannot_be_deactivated_or_demoted(app: TestApp) {
    let (_, _, me) = read(app.get("/api/v1/auth/me").await).await;
    let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let problem = expect_problem(app.delete(&path, Some(&etag)).await, 409, "last director").await;
    assert_eq!(problem["code"], "own_account");
    let body = json!({"role": "agent", "division": "twinning"});
    expect_problem(app.patch_json(&path, Some(&etag), &body).await, 409, "demote").await;
    assert_eq!(app.count_rows("account", "role = 'director' AND is_active = true").await, 1);
}
backend_test!(the_last_active_director_cannot_be_deactivated_or_demoted);

async fn nobody_resets_demotes_or_deactivates_their_own_account_through_the_user_routes(app: TestApp) {
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
        app.patch_json(&format!("/api/v1/users/{other_director}"), Some("*"), &json!({"division": "twinning"})).await,
        422,
        "division alone",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "role");
}
backend_test!(nobody_resets_demotes_or_deactivates_their_own_account_through_the_user_routes);

/// The ETag of `path`, read as the director.
async fn etag_of(app: &tests::TestApp, path: &str) -> String {
    app.get(path).await.headers()["etag"].to_str().unwrap().to_owned()
}

async fn two_directors_demoting_or_deactivating_each_other_at_once_leave_one_active_director(app: TestApp) {
    let (_, _, me) = read(app.get("/api/v1/auth/me").await).await;
    let (mut survivor_id, mut survivor_token) = (me["id"].as_str().unwrap().to_owned(), app.token.clone());
    for round in 0..6 {
        let email = format!("director-{round}-{}@djcd.test", uuid::Uuid::new_v4().simple());
        let body = json!({"email": email, "full_name": "Directeur", "role": "director", "password": STAFF_PASSWORD});
        let created = app.request_as(Some(&survivor_token), Method::POST, "/api/v1/users").json(&body).send();
        let (status, _, created) = read(created.await.unwrap()).await;
        assert_eq!(status, 201, "{created}");
        let other_id = created["account"]["id"].as_str().unwrap().to_owned();
        let other_token = app.login(&email, STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        let (path_of_other, path_of_survivor) =
            (format!("/api/v1/users/{other_id}"), format!("/api/v1/users/{survivor_id}"));
        let etag = |path: String| {
            let request = app.request_as(Some(&survivor_token), Method::GET, &path).send();
            async move { request.await.unwrap().headers()["etag"].to_str().unwrap().to_owned() }
        };
        let (etag_other, etag_survivor) = (etag(path_of_other.clone()).await, etag(path_of_survivor.clone()).await);
        let change = |token: &str, path: &str, etag: &str| {
            let request = if round % 2 == 0 {
                app.request_as(Some(token), Method::PATCH, path).json(&json!({"role": "agent", "division": "twinning"}))
            } else {
                app.request_as(Some(token), Method::DELETE, path)
            };
            request.header("if-match", etag).send()
        };
        let (by_survivor, by_other) = tokio::join!(
            change(&survivor_token, &path_of_other, &etag_other),
            change(&other_token, &path_of_survivor, &etag_survivor)
        );
        let (by_survivor, by_other) = (by_survivor.unwrap().status().as_u16(), by_other.unwrap().status().as_u16());
        let active = app.count_rows("account", "role = 'director' AND is_active = true").await;
        assert!(active >= 1, "{} round {round}: no active director left ({by_survivor}, {by_other})", app.backend);
        let refused = [by_survivor, by_other].iter().filter(|status| matches!(status, 401 | 409)).count();
        assert_eq!(refused, 1, "{} round {round}: exactly one refusal ({by_survivor}, {by_other})", app.backend);
        if by_other < 300 {
            (survivor_id, survivor_token) = (other_id, other_token);
        }
    }
}
backend_test!(two_directors_demoting_or_deactivating_each_other_at_once_leave_one_active_director);

async fn of_two_concurrent_secret_rotations_one_wins_and_the_other_is_409_issuing_nothing(app: TestApp) {
    let (client_id, _) = app.create_machine(&app.seeded_partner("Dakar").await).await;
    let (_, _, list) = read(app.get("/api/v1/machine-accounts").await).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/machine-accounts/{id}/secret");
    let works = |secret: String| {
        let form = [
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", client_id.clone()),
            ("client_secret", secret),
        ];
        let request = app.client.post(app.url("/api/v1/auth/token")).form(&form).send();
        async move { request.await.unwrap().status().as_u16() == 200 }
    };
    let mut raced = 0;
    for round in 0..10 {
        let (first, second) =
            tokio::join!(app.request(Method::POST, &path).send(), app.request(Method::POST, &path).send());
        let mut answers = Vec::new();
        for response in [first.unwrap(), second.unwrap()] {
            let version: i64 = response
                .headers()
                .get("etag")
                .map_or(0, |etag| etag.to_str().unwrap().trim_matches('"').parse().unwrap());
            let (status, _, body) = read(response).await;
            answers.push((status, version, body));
        }
        let statuses: Vec<u16> = answers.iter().map(|(status, _, _)| *status).collect();
        match statuses.as_slice() {
            [200, 409] | [409, 200] => {
                raced += 1;
                let (_, _, refused) = answers.iter().find(|(status, _, _)| *status == 409).unwrap();
                assert_eq!(refused["code"], "concurrent_change", "{refused}");
                assert!(refused.get("client_secret").is_none());
                let (_, _, won) = answers.iter().find(|(status, _, _)| *status == 200).unwrap();
                assert!(works(won["client_secret"].as_str().unwrap().to_owned()).await, "round {round}");
            }
            [200, 200] => {
                // One after the other: the later one (higher version) is in force.
                answers.sort_by_key(|(_, version, _)| *version);
                assert!(answers[0].1 < answers[1].1, "two answers of one version: {statuses:?}");
                assert!(works(answers[1].2["client_secret"].as_str().unwrap().to_owned()).await);
                assert!(!works(answers[0].2["client_secret"].as_str().unwrap().to_owned()).await);
            }
            other => panic!("{} round {round}: unexpected statuses {other:?}", app.backend),
        }
    }
    assert!(raced > 0, "{}: in 10 rounds of simultaneous rotations, none was detected as racing", app.backend);
}
backend_test!(of_two_concurrent_secret_rotations_one_wins_and_the_other_is_409_issuing_nothing);

async fn changes_to_people_machine_accounts_and_domains_are_audited_without_secrets(app: TestApp) {
    let email = format!("audited-{}@djcd.test", uuid::Uuid::new_v4().simple());
    let user = app.create_user(&email, "agent", Some("twinning")).await;
    let token = app.login(&email, STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
    let new_password = "Tombouctou-Chemnitz-1968!";
    let response = app
        .request_as(Some(&token), Method::PUT, "/api/v1/auth/password")
        .json(&json!({"current_password": STAFF_PASSWORD, "new_password": new_password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let path = format!("/api/v1/users/{user}");
    let change = json!({"full_name": "Agent audité"});
    assert_eq!(app.patch_json(&path, Some(&etag_of(&app, &path).await), &change).await.status().as_u16(), 200);
    let (status, _, reset) = read(app.post_json(&format!("{path}/password-reset"), &json!({})).await).await;
    assert_eq!(status, 200, "{reset}");
    assert_eq!(app.delete(&path, Some(&etag_of(&app, &path).await)).await.status().as_u16(), 204);

    let (_, first_secret) = app.create_machine(&app.seeded_partner("Dakar").await).await;
    let (_, _, list) = read(app.get("/api/v1/machine-accounts").await).await;
    let machine = format!("/api/v1/machine-accounts/{}", list["items"][0]["id"].as_str().unwrap());
    let (status, _, rotated) = read(app.post_json(&format!("{machine}/secret"), &json!({})).await).await;
    assert_eq!(status, 200, "{rotated}");
    assert_eq!(app.delete(&machine, Some(&etag_of(&app, &machine).await)).await.status().as_u16(), 204);

    let domain = json!({"code": "audited_domain", "label_fr": "Audité", "label_en": "Audited"});
    assert_eq!(app.post_json("/api/v1/domains", &domain).await.status().as_u16(), 201);
    let path = "/api/v1/domains/audited_domain";
    let change = json!({"label_en": "Audited, twice"});
    assert_eq!(app.patch_json(path, Some(&etag_of(&app, path).await), &change).await.status().as_u16(), 200);
    assert_eq!(app.delete(path, Some(&etag_of(&app, path).await)).await.status().as_u16(), 204);

    let secrets = [
        STAFF_PASSWORD,
        new_password,
        reset["temporary_password"].as_str().unwrap(),
        first_secret.as_str(),
        rotated["client_secret"].as_str().unwrap(),
    ];
    for (entity_type, expected) in [
        ("user", &["create", "password_change", "update", "password_reset", "deactivate"][..]),
        ("machine_account", &["create", "rotate_secret", "deactivate"][..]),
        ("domain", &["create", "update", "archive"][..]),
    ] {
        let (status, _, page) =
            read(app.get(&format!("/api/v1/audit-events?entity_type={entity_type}&limit=200")).await).await;
        assert_eq!(status, 200, "{page}");
        let text = page.to_string();
        let actions: Vec<&str> =
            page["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        for action in expected {
            assert!(actions.contains(action), "{} {entity_type}: no {action} in {actions:?}", app.backend);
        }
        for needle in ["password_hash", "secret_hash", "client_secret", "token_version"].iter().chain(&secrets) {
            assert!(!text.contains(needle), "{} {entity_type}: the audit shows {needle}", app.backend);
        }
    }
}
backend_test!(changes_to_people_machine_accounts_and_domains_are_audited_without_secrets);

async fn twenty_concurrent_creations_of_the_same_user_create_exactly_one(app: TestApp) {
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
backend_test!(twenty_concurrent_creations_of_the_same_user_create_exactly_one);

async fn a_deactivated_caller_resending_an_idempotent_request_gets_401_and_no_stored_secret(app: TestApp) {
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
backend_test!(a_deactivated_caller_resending_an_idempotent_request_gets_401_and_no_stored_secret);

async fn a_lower_case_bearer_scheme_gets_the_same_idempotent_replay(app: TestApp) {
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
backend_test!(a_lower_case_bearer_scheme_gets_the_same_idempotent_replay);

async fn people_are_sorted_searched_and_paged_with_several_roles(app: TestApp) {
    for (email, name, role, division) in [
        ("oumou@djcd.test", "Oumou Sangaré", "agent", Some("twinning")),
        ("salif@djcd.test", "Salif Keïta", "division_head", Some("twinning")),
        ("amadou@djcd.test", "Amadou Bagayoko", "agent", Some("decentralized_cooperation")),
    ] {
        let body =
            json!({"email": email, "full_name": name, "role": role, "division": division, "password": STAFF_PASSWORD});
        let (status, _, created) = read(app.post_json("/api/v1/users", &body).await).await;
        assert_eq!(status, 201, "{created}");
    }
    let names = |page: &serde_json::Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|a| a["full_name"].as_str().unwrap().to_owned()).collect()
    };
    let (status, _, page) =
        read(app.get("/api/v1/users?role=agent,division_head&sort=full_name&include_total=true").await).await;
    assert_eq!((status, page["total"].as_u64()), (200, Some(3)), "{page}");
    assert_eq!(names(&page), ["Amadou Bagayoko", "Oumou Sangaré", "Salif Keïta"], "{}", app.backend);
    // `q` searches the name and the e-mail, case ignored.
    let (_, _, page) = read(app.get("/api/v1/users?q=SALIF@").await).await;
    assert_eq!(names(&page), ["Salif Keïta"]);
    let (_, _, page) = read(app.get("/api/v1/users?q=bagayoko").await).await;
    assert_eq!(names(&page), ["Amadou Bagayoko"]);
    // Descending by name, a page of one at a time.
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?role=agent,division_head&sort=-full_name&limit=1".to_owned();
    loop {
        let (status, _, page) = read(app.get(&path).await).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(next) => {
                path = format!("/api/v1/users?role=agent,division_head&sort=-full_name&limit=1&cursor={next}")
            }
            None => break,
        }
    }
    assert_eq!(seen, ["Salif Keïta", "Oumou Sangaré", "Amadou Bagayoko"]);
    let problem = expect_problem(app.get("/api/v1/users?role=agent,chief").await, 422, "unknown role").await;
    assert_eq!(problem["errors"][0]["field"], "role", "{problem}");
    expect_problem(app.get("/api/v1/users?sort=password_hash").await, 400, "unknown sort").await;
    assert_eq!(app.count_rows("account", "kind = 'person'").await, 4);
}
backend_test!(people_are_sorted_searched_and_paged_with_several_roles);
