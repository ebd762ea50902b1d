//! The permission matrix: every operation of the served contract × every role (and no token),
//! checked against the policy table of `api::auth::policy`.
use api::auth::{
    Role,
    policy::{self, roles_for},
};
use reqwest::Method;
use tests::{TestApp, backend_test, read};

async fn every_route_answers_each_role_as_the_policy_table_says(app: TestApp) {
    let partner_id = app.seeded_partner("Leipzig").await;
    let callers = [
        (None, None),
        (Some(Role::Director), Some(app.token_for("director", None).await)),
        (Some(Role::DivisionHead), Some(app.token_for("division_head", Some("twinning")).await)),
        (Some(Role::Agent), Some(app.token_for("agent", Some("decentralized_cooperation")).await)),
        (Some(Role::Partner), Some(app.partner_token(&partner_id).await)),
    ];
    let (_, _, document) = read(app.get("/api-docs/openapi.json").await).await;
    let mut checked = 0;
    for (template, item) in document["paths"].as_object().unwrap() {
        let mut path = template.replace("{code}", "water");
        while let (Some(start), Some(end)) = (path.find('{'), path.find('}')) {
            path.replace_range(start..=end, &uuid::Uuid::now_v7().to_string());
        }
        for (method, operation) in item.as_object().unwrap() {
            let operation_id = operation["operationId"].as_str().unwrap();
            let action = policy::operation_action(operation_id)
                .unwrap_or_else(|| panic!("{operation_id} is not in the policy table"));
            for (role, token) in &callers {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let mut request = app.request_as(token.as_deref(), method.clone(), &path);
                if method != Method::GET && method != Method::DELETE {
                    request = request.json(&serde_json::json!({}));
                }
                let status = request.send().await.unwrap().status().as_u16();
                let expected = match (action, role) {
                    (None, _) => "not 401/403",
                    (Some(_), None) => "401",
                    (Some(action), Some(role)) if roles_for(action).contains(role) => "not 401/403",
                    (Some(_), Some(_)) => "403",
                };
                let ok = match expected {
                    "401" => status == 401,
                    "403" => status == 403,
                    _ => status != 401 && status != 403 && status < 500,
                };
                assert!(ok, "{}: {method} {template} as {role:?}: expected {expected}, got {status}", app.backend);
                checked += 1;
            }
        }
    }
    assert!(checked >= 25 * 5, "only {checked} cases");
}
backend_test!(every_route_answers_each_role_as_the_policy_table_says);

#[test]
fn the_readme_shows_the_permission_table() {
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&policy::markdown_table()),
        "README.md's permission table differs from api::auth::policy; paste:\n{}",
        policy::markdown_table()
    );
}
