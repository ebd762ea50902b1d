//! `/auth`: sign-in, sessions, client credentials and forged tokens.
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{DIRECTOR_EMAIL, DIRECTOR_PASSWORD, STAFF_PASSWORD, TestApp, backend_test, expect_problem, read};

async fn me(app: &TestApp, token: &str) -> (u16, Value) {
    let (status, _, body) =
        read(app.request_as(Some(token), Method::GET, "/api/v1/auth/me").send().await.unwrap()).await;
    (status, body)
}

async fn refresh(app: &TestApp, refresh_token: &str) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh_token}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = read(response).await;
    (status, body)
}

async fn try_login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn login_returns_a_bearer_pair_and_the_token_reads_the_callers_account(app: TestApp) {
    let response = try_login(&app, DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    assert_eq!(response.headers()["cache-control"], "no-store", "secrets are never cached");
    let (status, _, pair) = read(response).await;
    assert_eq!(status, 200);
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    assert!(pair["refresh_token"].as_str().is_some_and(|t| t.len() >= 40));
    let (status, account) = me(&app, pair["access_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, account["email"].as_str(), account["role"].as_str()),
        (200, Some(DIRECTOR_EMAIL), Some("director"))
    );
    assert!(account.get("password_hash").is_none(), "never returned");
    assert_eq!(app.count_rows("account", "last_login_at IS NOT NULL").await, 1);
}
backend_test!(login_returns_a_bearer_pair_and_the_token_reads_the_callers_account);

async fn a_wrong_password_and_an_unknown_email_get_the_same_401_in_about_the_same_time(app: TestApp) {
    // Warm up both paths (the decoy hash is computed once, at first use).
    for email in [DIRECTOR_EMAIL, "nobody@djcd.test"] {
        expect_problem(try_login(&app, email, "Wrong-Password-123").await, 401, "warm-up").await;
    }
    let mut timings = [Vec::new(), Vec::new()];
    let mut bodies = Vec::new();
    for _ in 0..8 {
        for (slot, email) in [DIRECTOR_EMAIL, "nobody@djcd.test"].into_iter().enumerate() {
            let started = Instant::now();
            let response = try_login(&app, email, "Wrong-Password-123").await;
            timings[slot].push(started.elapsed());
            let body = expect_problem(response, 401, email).await;
            bodies.push((body["title"].clone(), body["detail"].clone()));
        }
    }
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]), "same problem: {bodies:?}");
    // The fastest of each: a busy machine only ever adds time, so the minimum shows the work
    // each path does (an Argon2 verification in both).
    let fastest = |times: &[Duration]| times.iter().min().copied().unwrap_or_default().as_secs_f64();
    let (wrong, unknown) = (fastest(&timings[0]), fastest(&timings[1]));
    assert!(wrong / unknown < 3.0 && unknown / wrong < 3.0, "wrong password {wrong}s vs unknown e-mail {unknown}s");
}
backend_test!(a_wrong_password_and_an_unknown_email_get_the_same_401_in_about_the_same_time);

async fn refresh_tokens_rotate_and_a_reused_one_revokes_its_whole_family(app: TestApp) {
    let first = app.login(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();
    let (status, second) = refresh(&app, first_refresh).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let (status, _) = me(&app, second["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    // The first token again: someone holds a copy. Both it and its successor die.
    let (status, _) = refresh(&app, first_refresh).await;
    assert_eq!(status, 401, "{}: reuse refused", app.backend);
    let (status, _) = refresh(&app, second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "{}: the family is revoked", app.backend);
    assert_eq!(
        app.count_rows("refresh_token", "revoked_at IS NULL AND used_at IS NULL").await,
        1,
        "only the test app's own session is live"
    );
    let stored = app.count_rows("refresh_token", &format!("token_hash = '{first_refresh}'")).await;
    assert_eq!(stored, 0, "refresh tokens are stored only as hashes");
}
// Without the grace window of other tabs: the reuse right after the rotation is the attack.
backend_test!(refresh_tokens_rotate_and_a_reused_one_revokes_its_whole_family, |settings| settings
    .auth
    .refresh_reuse_grace =
    Duration::ZERO);

async fn logout_revokes_the_session_refresh_tokens(app: TestApp) {
    let pair = app.login(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let response =
        app.request_as(pair["access_token"].as_str(), Method::POST, "/api/v1/auth/logout").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let (status, _) = refresh(&app, pair["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
    let response = app.request_as(None, Method::POST, "/api/v1/auth/logout").send().await.unwrap();
    expect_problem(response, 401, "logout without a token").await;
}
backend_test!(logout_revokes_the_session_refresh_tokens);

async fn a_deactivated_account_is_refused_at_its_next_request(app: TestApp) {
    let email = format!("agent-{}@djcd.test", app.backend);
    let id = app.create_user(&email, "agent", Some("twinning")).await;
    let pair = app.login(&email, STAFF_PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    assert_eq!(me(&app, token).await.0, 200);
    let etag = app.get(&format!("/api/v1/users/{id}")).await.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(app.delete(&format!("/api/v1/users/{id}"), Some(&etag)).await.status().as_u16(), 204);
    assert_eq!(me(&app, token).await.0, 401, "{}: the token dies with the account", app.backend);
    assert_eq!(refresh(&app, pair["refresh_token"].as_str().unwrap()).await.0, 401);
    expect_problem(try_login(&app, &email, STAFF_PASSWORD).await, 401, "login of a deactivated account").await;
    assert_eq!(
        app.count_rows("account", &format!("email = '{email}' AND is_active = false")).await,
        1,
        "kept, not deleted"
    );
}
backend_test!(a_deactivated_account_is_refused_at_its_next_request);

async fn login_is_throttled_per_account_with_retry_after_and_other_accounts_are_untouched(app: TestApp) {
    // The harness already signed the director in once.
    for _ in 0..2 {
        expect_problem(try_login(&app, DIRECTOR_EMAIL, "Wrong-Password-123").await, 401, "wrong password").await;
    }
    let response = try_login(&app, DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    expect_problem(response, 429, "over the allowance, even with the right password").await;
    expect_problem(try_login(&app, "someone-else@djcd.test", "Wrong-Password-123").await, 401, "another account").await;
}
backend_test!(login_is_throttled_per_account_with_retry_after_and_other_accounts_are_untouched, |settings| settings
    .auth
    .login_attempts_per_account =
    3);

async fn the_password_can_be_changed_with_the_current_one_and_must_be_strong(app: TestApp) {
    let email = format!("head-{}@djcd.test", app.backend);
    app.create_user(&email, "division_head", Some("twinning")).await;
    let pair = app.login(&email, STAFF_PASSWORD).await;
    let token = pair["access_token"].as_str();
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let send = |body: Value| app.request_as(token, Method::PUT, "/api/v1/auth/password").json(&body).send();
    expect_problem(send(change("Wrong-Password-123", "Segou-Mopti-Kayes-1")).await.unwrap(), 401, "wrong current")
        .await;
    let weak = expect_problem(send(change(STAFF_PASSWORD, "password1234")).await.unwrap(), 422, "common").await;
    assert_eq!(weak["errors"][0]["code"], "too_common");
    let (status, _, new_pair) = read(send(change(STAFF_PASSWORD, "Segou-Mopti-Kayes-1")).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(me(&app, token.unwrap()).await.0, 401, "old sessions end");
    assert_eq!(me(&app, new_pair["access_token"].as_str().unwrap()).await.0, 200);
    expect_problem(try_login(&app, &email, STAFF_PASSWORD).await, 401, "old password").await;
    app.login(&email, "Segou-Mopti-Kayes-1").await;
}
backend_test!(the_password_can_be_changed_with_the_current_one_and_must_be_strong);

async fn machine_accounts_sign_in_by_client_credentials_as_form_or_json(app: TestApp) {
    let partner = app.seeded_partner("Angers").await;
    let (client_id, secret) = app.create_machine(&partner).await;
    let form =
        [("grant_type", "client_credentials"), ("client_id", client_id.as_str()), ("client_secret", secret.as_str())];
    let (status, _, token) =
        read(app.client.post(app.url("/api/v1/auth/token")).form(&form).send().await.unwrap()).await;
    assert_eq!((status, token["token_type"].as_str()), (200, Some("Bearer")), "{token}");
    let (status, account) = me(&app, token["access_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, account["role"].as_str(), account["partner_id"].as_str()),
        (200, Some("partner"), Some(partner.as_str()))
    );
    let json_body = json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret});
    let (status, _, _) =
        read(app.client.post(app.url("/api/v1/auth/token")).json(&json_body).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let wrong = [("grant_type", "client_credentials"), ("client_id", client_id.as_str()), ("client_secret", "nope")];
    expect_problem(
        app.client.post(app.url("/api/v1/auth/token")).form(&wrong).send().await.unwrap(),
        401,
        "wrong secret",
    )
    .await;
    let password_grant =
        [("grant_type", "password"), ("client_id", client_id.as_str()), ("client_secret", secret.as_str())];
    expect_problem(
        app.client.post(app.url("/api/v1/auth/token")).form(&password_grant).send().await.unwrap(),
        400,
        "grant",
    )
    .await;
}
backend_test!(machine_accounts_sign_in_by_client_credentials_as_form_or_json);

async fn rotating_a_machine_secret_voids_the_old_secret_and_its_tokens(app: TestApp) {
    let (client_id, secret) = app.create_machine(&app.seeded_partner("Dakar").await).await;
    let form = |secret: &str| {
        vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", client_id.clone()),
            ("client_secret", secret.to_owned()),
        ]
    };
    let (_, _, token) =
        read(app.client.post(app.url("/api/v1/auth/token")).form(&form(&secret)).send().await.unwrap()).await;
    let (_, _, list) = read(app.get("/api/v1/machine-accounts").await).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _, rotated) =
        read(app.request(Method::POST, &format!("/api/v1/machine-accounts/{id}/secret")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let new_secret = rotated["client_secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    assert_eq!(me(&app, token["access_token"].as_str().unwrap()).await.0, 401, "old tokens die");
    expect_problem(
        app.client.post(app.url("/api/v1/auth/token")).form(&form(&secret)).send().await.unwrap(),
        401,
        "old secret",
    )
    .await;
    let (status, _, _) =
        read(app.client.post(app.url("/api/v1/auth/token")).form(&form(new_secret)).send().await.unwrap()).await;
    assert_eq!(status, 200);
}
backend_test!(rotating_a_machine_secret_voids_the_old_secret_and_its_tokens);

fn forge(header: &Header, claims: &Value, key: &[u8]) -> String {
    encode(header, claims, &EncodingKey::from_secret(key)).unwrap()
}

async fn forged_tampered_and_expired_tokens_are_all_401(app: TestApp) {
    let (_, account) = me(&app, &app.token).await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": "djcd-api", "aud": "djcd", "sub": account["id"], "exp": now + 600, "nbf": now, "iat": now,
        "jti": uuid::Uuid::now_v7(), "role": "director", "tv": 1
    });
    let dev_key = api::config::DEVELOPMENT_JWT_KEY.as_bytes();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("dev".into());
    let genuine = forge(&header, &claims, dev_key);
    assert_eq!(me(&app, &genuine).await.0, 200, "the forging kit makes valid tokens");

    let with = |key: &str, value: Value| {
        let mut claims = claims.clone();
        claims[key] = value;
        forge(&header, &claims, dev_key)
    };
    let parts: Vec<&str> = genuine.split('.').collect();
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"dev"}"#);
    let mut tampered_claims = claims.clone();
    tampered_claims["role"] = json!("director");
    tampered_claims["sub"] = json!(uuid::Uuid::now_v7());
    let tampered_payload = URL_SAFE_NO_PAD.encode(tampered_claims.to_string());
    let cases = [
        ("alg none", format!("{none_header}.{}.", parts[1])),
        ("another key", forge(&header, &claims, b"another-key-another-key-another-key!!")),
        ("expired", with("exp", json!(now - 3600))),
        ("expires in the year 9999", with("exp", json!(253_402_300_799i64))),
        ("lives longer than the configured lifetime", with("exp", json!(now + 24 * 3600))),
        ("not yet valid", with("nbf", json!(now + 3600))),
        ("wrong audience", with("aud", json!("someone-else"))),
        ("wrong issuer", with("iss", json!("evil"))),
        ("tampered payload", format!("{}.{tampered_payload}.{}", parts[0], parts[2])),
        ("removed signature", format!("{}.{}.", parts[0], parts[1])),
        ("old token version", with("tv", json!(0))),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (name, token) in cases {
        let response = app.request_as(Some(&token), Method::GET, "/api/v1/auth/me").send().await.unwrap();
        assert!(response.headers().contains_key("www-authenticate"), "{name}");
        expect_problem(response, 401, &format!("{}: {name}", app.backend)).await;
    }
    let mut unknown_kid = header.clone();
    unknown_kid.kid = Some("other".into());
    let response = app
        .request_as(Some(&forge(&unknown_kid, &claims, dev_key)), Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .unwrap();
    expect_problem(response, 401, "unknown kid").await;
}
backend_test!(forged_tampered_and_expired_tokens_are_all_401);

async fn a_deactivated_machine_account_can_no_longer_get_or_use_tokens(app: TestApp) {
    let (client_id, secret) = app.create_machine(&app.seeded_partner("Dakar").await).await;
    let form =
        [("grant_type", "client_credentials"), ("client_id", client_id.as_str()), ("client_secret", secret.as_str())];
    let (_, _, token) = read(app.client.post(app.url("/api/v1/auth/token")).form(&form).send().await.unwrap()).await;
    let (_, _, list) = read(app.get("/api/v1/machine-accounts?active=true").await).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/machine-accounts/{id}");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(app.delete(&path, Some(&etag)).await.status().as_u16(), 204);
    assert_eq!(me(&app, token["access_token"].as_str().unwrap()).await.0, 401, "{}", app.backend);
    expect_problem(
        app.client.post(app.url("/api/v1/auth/token")).form(&form).send().await.unwrap(),
        401,
        "deactivated",
    )
    .await;
    let (_, _, account) = read(app.get(&path).await).await;
    assert_eq!(account["is_active"], false, "kept, not deleted");
}
backend_test!(a_deactivated_machine_account_can_no_longer_get_or_use_tokens);

async fn tokens_are_judged_with_the_configured_clock_leeway(app: TestApp) {
    let (_, account) = me(&app, &app.token).await;
    let now = chrono::Utc::now().timestamp();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("dev".into());
    let token = |skew: i64, lifetime: i64| {
        let claims = json!({
            "iss": "djcd-api", "aud": "djcd", "sub": account["id"], "exp": now + skew + lifetime, "nbf": now + skew,
            "iat": now + skew, "jti": uuid::Uuid::now_v7(), "role": "director", "tv": 1
        });
        forge(&header, &claims, api::config::DEVELOPMENT_JWT_KEY.as_bytes())
    };
    // A client whose clock is 20 s ahead of the server's: inside the 30 s leeway.
    assert_eq!(me(&app, &token(20, 600)).await.0, 200, "{}", app.backend);
    // Expired 20 s ago by the server's clock: still inside the leeway.
    assert_eq!(me(&app, &token(-620, 600)).await.0, 200);
    // 2 minutes ahead, or expired 2 minutes ago: refused.
    assert_eq!(me(&app, &token(120, 600)).await.0, 401);
    assert_eq!(me(&app, &token(-720, 600)).await.0, 401);
}
backend_test!(tokens_are_judged_with_the_configured_clock_leeway, |settings| settings.auth.leeway =
    std::time::Duration::from_secs(30));

async fn two_concurrent_refreshes_of_one_token_leave_no_token_of_its_family_working(app: TestApp) {
    for trial in 0..20 {
        let pair = app.login(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
        let presented = pair["refresh_token"].as_str().unwrap();
        let (first, second) = tokio::join!(refresh(&app, presented), refresh(&app, presented));
        let statuses = [first.0, second.0];
        assert!(statuses.contains(&401), "{} trial {trial}: a reuse must be refused: {statuses:?}", app.backend);
        let obtained: Vec<String> = [first, second]
            .into_iter()
            .filter(|(status, _)| *status == 200)
            .map(|(_, body)| body["refresh_token"].as_str().unwrap().to_owned())
            .collect();
        for token in obtained.iter().map(String::as_str).chain([presented]) {
            let (status, body) = refresh(&app, token).await;
            assert_eq!(status, 401, "{} trial {trial}: a token of a revoked family still works: {body}", app.backend);
        }
    }
}
backend_test!(two_concurrent_refreshes_of_one_token_leave_no_token_of_its_family_working, |settings| settings
    .auth
    .refresh_reuse_grace =
    Duration::ZERO);

async fn an_archived_partners_machine_accounts_can_neither_get_nor_use_tokens(app: TestApp) {
    let partner = app.create_partner("Ségou jumelée", "ML").await;
    let (client_id, secret) = app.create_machine(&partner).await;
    let form =
        [("grant_type", "client_credentials"), ("client_id", client_id.as_str()), ("client_secret", secret.as_str())];
    let (status, _, token) =
        read(app.client.post(app.url("/api/v1/auth/token")).form(&form).send().await.unwrap()).await;
    assert_eq!(status, 200, "{token}");
    let token = token["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me(&app, &token).await.0, 200);
    let path = format!("/api/v1/partners/{partner}");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(app.delete(&path, Some(&etag)).await.status().as_u16(), 204);
    assert_eq!(me(&app, &token).await.0, 401, "{}: the token of an archived partner", app.backend);
    expect_problem(
        app.client.post(app.url("/api/v1/auth/token")).form(&form).send().await.unwrap(),
        401,
        "client credentials of an archived partner",
    )
    .await;
}
backend_test!(an_archived_partners_machine_accounts_can_neither_get_nor_use_tokens);

async fn a_new_password_equal_to_the_current_one_is_422_naming_the_field(app: TestApp) {
    let email = format!("same-{}@djcd.test", uuid::Uuid::new_v4().simple());
    app.create_user(&email, "agent", Some("twinning")).await;
    let token = app.login(&email, STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
    let response = app
        .request_as(Some(&token), Method::PUT, "/api/v1/auth/password")
        .json(&json!({"current_password": STAFF_PASSWORD, "new_password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "the same password").await;
    assert_eq!(problem["errors"][0]["field"], "new_password", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "same_as_current", "{problem}");
    assert_eq!(me(&app, &token).await.0, 200, "nothing changed: the session goes on");
}
backend_test!(a_new_password_equal_to_the_current_one_is_422_naming_the_field);

/// Two tabs of one browser share the refresh token and refresh at the same moment: within the
/// grace window (30 s by default) the token just used gets a pair of the same session again.
async fn a_refresh_token_presented_again_within_the_grace_window_gets_a_pair_of_the_same_session(app: TestApp) {
    let pair = app.login(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let presented = pair["refresh_token"].as_str().unwrap();
    let (status, first) = refresh(&app, presented).await;
    assert_eq!(status, 200, "{}: {first}", app.backend);
    let (status, second) = refresh(&app, presented).await;
    assert_eq!(status, 200, "{}: the other tab's refresh within the window: {second}", app.backend);
    assert_ne!(first["refresh_token"], second["refresh_token"], "each tab gets a token of its own");
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(second["expires_in"], 900);
    // And at the same moment, as tabs do.
    let (third, fourth) = tokio::join!(refresh(&app, presented), refresh(&app, presented));
    assert_eq!((third.0, fourth.0), (200, 200), "{}: {} {}", app.backend, third.1, fourth.1);
    // Every pair belongs to the one live session: none of them was revoked.
    for tokens in [&first, &second, &third.1, &fourth.1] {
        assert_eq!(me(&app, tokens["access_token"].as_str().unwrap()).await.0, 200);
    }
    assert_eq!(app.count_rows("refresh_token", "revoked_at IS NOT NULL").await, 0, "{}", app.backend);
    let (status, next) = refresh(&app, second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{}: the new tokens rotate as usual: {next}", app.backend);
    // Signing out still ends the whole session, grace or not.
    let response =
        app.request_as(next["access_token"].as_str(), Method::POST, "/api/v1/auth/logout").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(refresh(&app, presented).await.0, 401, "{}: no grace after sign-out", app.backend);
    assert_eq!(refresh(&app, first["refresh_token"].as_str().unwrap()).await.0, 401);
}
backend_test!(a_refresh_token_presented_again_within_the_grace_window_gets_a_pair_of_the_same_session);

/// After the grace window a used token presented again is a reuse, as before: the family dies.
async fn after_the_grace_window_a_reused_refresh_token_still_revokes_its_family(app: TestApp) {
    let pair = app.login(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let presented = pair["refresh_token"].as_str().unwrap();
    let (status, first) = refresh(&app, presented).await;
    assert_eq!(status, 200, "{first}");
    let (status, within) = refresh(&app, presented).await;
    assert_eq!(status, 200, "{}: within the 1-second window: {within}", app.backend);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let problem = expect_problem(refresh_response(&app, presented).await, 401, "reuse after the window").await;
    assert_eq!(problem["type"], "urn:djcd:problem:unauthorized");
    for tokens in [&first, &within] {
        let (status, body) = refresh(&app, tokens["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, 401, "{}: the family is revoked: {body}", app.backend);
    }
    assert_eq!(
        app.count_rows("refresh_token", "revoked_at IS NULL AND used_at IS NULL").await,
        1,
        "{}: only the test app's own session is live",
        app.backend
    );
}
backend_test!(after_the_grace_window_a_reused_refresh_token_still_revokes_its_family, |settings| settings
    .auth
    .refresh_reuse_grace =
    Duration::from_secs(1));

async fn refresh_response(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh_token}))
        .send()
        .await
        .unwrap()
}

/// Swagger UI's *Authorize* with the `password` flow: a form-encoded password grant at
/// `/auth/token` (with the empty scope and the client fields Swagger UI sends) answers RFC 6749's
/// `{access_token, token_type, expires_in, refresh_token}`, a session like a login's.
async fn the_password_grant_signs_staff_in_as_swagger_ui_sends_it(app: TestApp) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .basic_auth("", Some(""))
        .form(&[
            ("grant_type", "password"),
            ("username", DIRECTOR_EMAIL),
            ("password", DIRECTOR_PASSWORD),
            ("scope", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (status, content_type, pair) = read(response).await;
    assert_eq!(status, 200, "{}: {pair}", app.backend);
    assert_eq!(content_type, "application/json");
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    let keys: Vec<&String> = pair.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{pair}");
    let (status, me_body) = me(&app, pair["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(me_body["email"], DIRECTOR_EMAIL);
    let (status, next) = refresh(&app, pair["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "the refresh token of a password grant rotates: {next}");
    // The refresh grant at the token endpoint (the scheme's refreshUrl) rotates the same way.
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", next["refresh_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    let (status, _, after) = read(response).await;
    assert_eq!(status, 200, "{}: refresh grant: {after}", app.backend);
    assert!(after["refresh_token"].is_string() && after["refresh_token"] != next["refresh_token"]);
    assert_eq!(me(&app, after["access_token"].as_str().unwrap()).await.0, 200);
    assert_eq!(
        app.count_rows("refresh_token", "used_at IS NOT NULL AND revoked_at IS NULL").await,
        2,
        "{}: one session opened and refreshed twice",
        app.backend
    );
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "not-a-token")])
        .send()
        .await
        .unwrap();
    expect_problem(response, 401, "an unknown refresh token at the token endpoint").await;
    // JSON too, and the client fields Swagger UI adds in the body are ignored.
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"grant_type": "password", "username": DIRECTOR_EMAIL, "password": DIRECTOR_PASSWORD, "client_id": "swagger"}))
        .send()
        .await
        .unwrap();
    assert_eq!(read(response).await.0, 200);
    // A wrong password is the login's 401; an unknown field the usual 4xx.
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .form(&[("grant_type", "password"), ("username", DIRECTOR_EMAIL), ("password", "not-the-password")])
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 401, "wrong password by the password grant").await;
    assert_eq!(problem["detail"], "Adresse e-mail ou mot de passe incorrect.");
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .form(&[("grant_type", "password"), ("username", DIRECTOR_EMAIL)])
        .send()
        .await
        .unwrap();
    let (status, _, body) = read(response).await;
    assert!(status == 400 || status == 422, "a missing password: {status} {body}");
    assert_eq!(
        app.count_rows("account", &format!("email = '{DIRECTOR_EMAIL}' AND last_login_at IS NOT NULL")).await,
        1
    );
}
backend_test!(the_password_grant_signs_staff_in_as_swagger_ui_sends_it);
