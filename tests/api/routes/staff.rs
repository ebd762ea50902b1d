//! `/staff`: the directory every member of the staff reads; e-mail addresses only for the director.
use reqwest::Method;
use serde_json::Value;
use tests::{STAFF_PASSWORD, TestApp, backend_test, expect_problem, read};

async fn get_as(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let (status, _, body) = read(app.request_as(Some(token), Method::GET, path).send().await.unwrap()).await;
    (status, body)
}

/// Creates a person with a full name of their own (not the e-mail) and returns the id.
async fn person(app: &TestApp, email: &str, full_name: &str, role: &str, division: Option<&str>) -> String {
    let body = serde_json::json!({"email": email, "full_name": full_name, "role": role, "division": division, "password": STAFF_PASSWORD});
    let (status, _, created) = read(app.post_json("/api/v1/users", &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["account"]["id"].as_str().unwrap().to_owned()
}

async fn every_staff_member_reads_the_directory_partners_do_not_and_only_the_director_sees_emails(app: TestApp) {
    let awa = person(&app, "awa.traore@djcd.test", "Awa Traoré", "agent", Some("twinning")).await;
    person(&app, "moussa.keita@djcd.test", "Moussa Keïta", "agent", Some("decentralized_cooperation")).await;
    let head = person(&app, "fanta.diarra@djcd.test", "Fanta Diarra", "division_head", Some("twinning")).await;
    let agent = app.login("awa.traore@djcd.test", STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
    let head_token =
        app.login("fanta.diarra@djcd.test", STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();

    // An agent reads everyone (director + 3), sorted by full name by default, without e-mails.
    let (status, page) = get_as(&app, &agent, "/api/v1/staff?include_total=true").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 4, "{page}");
    let items = page["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|p| p["full_name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "full_name order by default");
    for person in items {
        assert!(person.get("email").is_none(), "an agent sees no e-mail: {person}");
        for field in ["id", "full_name", "role", "active"] {
            assert!(person.get(field).is_some(), "{field} in {person}");
        }
    }
    let (status, one) = get_as(&app, &agent, &format!("/api/v1/staff/{head}")).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(
        (one["role"].as_str(), one["division"].as_str(), one["active"].as_bool()),
        (Some("division_head"), Some("twinning"), Some(true))
    );
    assert!(one.get("email").is_none(), "{one}");

    // A division head does not manage users: no e-mail either, and `q` searches names only.
    let (status, page) = get_as(&app, &head_token, "/api/v1/staff?q=djcd.test").await;
    assert_eq!((status, page["items"].as_array().unwrap().len()), (200, 0), "{page}");
    let (_, page) = get_as(&app, &head_token, "/api/v1/staff?q=AWA").await;
    assert_eq!(page["items"][0]["id"].as_str(), Some(awa.as_str()), "{page}");
    assert!(page["items"][0].get("email").is_none());

    // The director sees e-mails.
    let (status, one) = get_as(&app, &app.token, &format!("/api/v1/staff/{awa}")).await;
    assert_eq!((status, one["email"].as_str()), (200, Some("awa.traore@djcd.test")), "{one}");

    // Filters: several roles, a division, activity.
    let (_, page) = get_as(&app, &agent, "/api/v1/staff?role=agent,division_head&division=twinning").await;
    let mut ids: Vec<&str> = page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut expected = vec![awa.as_str(), head.as_str()];
    expected.sort();
    assert_eq!(ids, expected, "{page}");
    let (_, page) = get_as(&app, &agent, "/api/v1/staff?active=false").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    let problem = expect_problem(
        app.request_as(Some(&agent), Method::GET, "/api/v1/staff?role=agent,partner").send().await.unwrap(),
        422,
        "partner is no staff role",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "role", "{problem}");

    // Paging by one walks everyone once, in order.
    let mut seen = Vec::new();
    let mut path = "/api/v1/staff?limit=1&sort=-full_name".to_owned();
    loop {
        let (status, page) = get_as(&app, &agent, &path).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["full_name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/staff?limit=1&sort=-full_name&cursor={next}"),
            None => break,
        }
    }
    let mut descending = seen.clone();
    descending.sort();
    descending.reverse();
    assert_eq!(seen, descending);
    assert_eq!(seen.len(), 4);

    // A partner system may not read it; a machine account is not in it.
    let angers = app.seeded_partner("Angers").await;
    let partner = app.partner_token(&angers).await;
    expect_problem(app.request_as(Some(&partner), Method::GET, "/api/v1/staff").send().await.unwrap(), 403, "partner")
        .await;
    let machine = app.count_rows("account", "kind = 'machine'").await;
    assert_eq!(machine, 1);
    let (_, _, machines) = read(app.get("/api/v1/machine-accounts").await).await;
    let machine_id = machines["items"][0]["id"].as_str().unwrap().to_owned();
    expect_problem(
        app.request_as(Some(&agent), Method::GET, &format!("/api/v1/staff/{machine_id}")).send().await.unwrap(),
        404,
        "a machine account",
    )
    .await;
    // Reading changes nothing.
    assert_eq!(app.count_rows("account", "kind = 'person'").await, 4);
}
backend_test!(every_staff_member_reads_the_directory_partners_do_not_and_only_the_director_sees_emails);
