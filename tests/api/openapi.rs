//! The contract: the committed OpenAPI document equals the served one, what it declares the
//! server enforces (sort values, query parameter syntax, texts and list sizes as sent), and the
//! documentation is served.
use serde_json::{Value, json};
use tests::{TestApp, backend_test, expect_problem, read};

async fn the_committed_openapi_document_equals_the_served_one(app: TestApp) {
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).expect("openapi/openapi.json is JSON");
    let (status, _, served) = read(app.get("/api-docs/openapi.json").await).await;
    assert_eq!(status, 200);
    assert!(served == committed, "openapi/openapi.json is stale: run `cargo run -p openapi` and commit the result");
    assert_eq!(served["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
}
backend_test!(the_committed_openapi_document_equals_the_served_one);

/// Every `sort` value a list declares is accepted; anything else is a 400 from the query parser.
async fn every_declared_sort_is_accepted_and_no_other(app: TestApp) {
    let (_, _, document) = read(app.get("/api-docs/openapi.json").await).await;
    // The lists under a record (an agreement's moves and evaluations, a project's lines) are read
    // on a record that exists; a webhook's deliveries are left to `routes::webhooks`.
    let (_, _, agreements) = read(app.get("/api/v1/agreements?limit=1").await).await;
    let agreement = agreements["items"][0]["id"].as_str().expect("a seeded agreement").to_owned();
    let angers = app.seeded_partner("Angers").await;
    let project = crate::fixtures::project(&app, "Tri", json!([{"partner_id": angers, "roles": ["funding"]}])).await;
    let mut lists = 0;
    for (template, item) in document["paths"].as_object().unwrap() {
        let Some(parameters) = item["get"]["parameters"].as_array() else { continue };
        let Some(sort) = parameters.iter().find(|p| p["name"] == "sort") else { continue };
        let path = template
            .replace("/agreements/{id}/", &format!("/agreements/{agreement}/"))
            .replace("/projects/{id}/", &format!("/projects/{project}/"));
        if path.contains('{') {
            continue;
        }
        let values = sort["schema"]["enum"].as_array().unwrap_or_else(|| panic!("{path}: sort is not an enum"));
        for value in values {
            let value = value.as_str().unwrap();
            let (status, _, page) = read(app.get(&format!("{path}?sort={value}&limit=2")).await).await;
            assert_eq!(status, 200, "{}: {path}?sort={value}: {page}", app.backend);
            if let Some(cursor) = page["next_cursor"].as_str() {
                let query = format!("{path}?sort={value}&limit=2&cursor={cursor}");
                assert_eq!(read(app.get(&query).await).await.0, 200, "{query}");
            }
        }
        expect_problem(app.get(&format!("{path}?sort=password_hash")).await, 400, "unknown sort").await;
        expect_problem(app.get(&format!("{path}?sort=")).await, 400, "empty sort").await;
        lists += 1;
    }
    assert!(lists >= 3, "partners, agreements and projects sort");
}
backend_test!(every_declared_sort_is_accepted_and_no_other);

async fn query_parameters_are_checked_as_declared(app: TestApp) {
    for list in ["/api/v1/partners", "/api/v1/agreements", "/api/v1/projects"] {
        assert_eq!(read(app.get(&format!("{list}?domain=water&q=bamako")).await).await.0, 200);
        for bad in ["domain=Water", "domain=w", "domain=water%20supply", "q=a%00b", "q=a%0Ab"] {
            expect_problem(app.get(&format!("{list}?{bad}")).await, 400, &format!("{list}?{bad}")).await;
        }
        let long = "a".repeat(201);
        expect_problem(app.get(&format!("{list}?q={long}")).await, 400, "q of 201 characters").await;
        let longest = "é".repeat(200);
        assert_eq!(read(app.get(&format!("{list}?q={longest}")).await).await.0, 200, "200 characters");
    }
    let partner = app.seeded_partner("Angers").await;
    let (status, _, page) =
        read(app.get(&format!("/api/v1/audit-events?entity_type=partner&entity_id={partner}")).await).await;
    assert_eq!(status, 200, "{page}");
    assert!(!page["items"].as_array().unwrap().is_empty(), "the seed is audited");
    for bad in ["entity_type=Partner", "entity_type=", "entity_id=angers", &format!("entity_type={}", "a".repeat(41))] {
        expect_problem(app.get(&format!("/api/v1/audit-events?{bad}")).await, 400, bad).await;
    }
}
backend_test!(query_parameters_are_checked_as_declared);

async fn partner_status(app: &TestApp, body: Value) -> (u16, Value) {
    let (status, _, body) = read(app.post_json("/api/v1/partners", &body).await).await;
    (status, body)
}

/// Texts are measured as sent, optional texts are not empty, codes are not trimmed into shape.
async fn texts_codes_and_lists_are_judged_as_sent(app: TestApp) {
    let base = json!({"name": "Ville de Kayes", "kind": "city", "country": "ML"});
    for (field, value) in [
        ("short_name", json!("")),
        ("locality", json!("   ")),
        ("notes", json!("")),
        ("name", json!(format!("{} ", "a".repeat(200)))),
        ("country", json!(" ML")),
        ("website", json!("ftp://kayes.ml")),
        ("languages", json!(["fr", "FR"])),
        ("languages", json!(vec!["fr"; 21])),
        ("domains", json!(vec!["water"; 21])),
        ("contacts", json!([{"name": "Awa", "phone": "12"}])),
        ("contacts", json!([{"name": "Awa", "email": "awa@kayes"}])),
        ("latitude", json!(14.45)),
    ] {
        let mut body = base.clone();
        body[field] = value.clone();
        let (status, problem) = partner_status(&app, body).await;
        assert_eq!(status, 422, "{}: {field} = {value}: {problem}", app.backend);
    }
    let mut body = base.clone();
    body["name"] = json!(format!(" {} ", "Kayes"));
    body["domains"] = json!(vec!["water"; 20]);
    body["latitude"] = json!(14.45);
    body["longitude"] = json!(-11.44);
    let (status, created) = partner_status(&app, body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["name"].as_str(), created["domains"].as_array().map(Vec::len)), (Some("Kayes"), Some(1)));

    let angers = app.seeded_partner("Angers").await;
    let agreement = json!({"kind": "twinning", "title": "Jumelage", "parties": vec![angers.clone(); 21]});
    let (status, _, problem) = read(app.post_json("/api/v1/agreements", &agreement).await).await;
    assert_eq!(status, 422, "21 parties as sent: {problem}");

    let project = |communes: Value, participants: Value| {
        json!({"title": "Pavage", "division": "decentralized_cooperation", "domains": ["water"],
            "communes": communes, "participants": participants})
    };
    let funder = json!({"partner_id": angers, "roles": ["funding"]});
    for (communes, participants) in [
        (json!(vec!["district"; 8]), json!([funder])),
        (json!(["district"]), json!([funder, {"partner_id": angers, "roles": []}])),
        (json!(["district"]), json!([{"partner_id": angers, "roles": vec!["funding"; 5]}])),
        (json!(["district"]), json!(vec![funder.clone(); 51])),
    ] {
        let (status, _, problem) =
            read(app.post_json("/api/v1/projects", &project(communes.clone(), participants)).await).await;
        assert_eq!(status, 422, "{}: {communes}: {problem}", app.backend);
    }
    let (status, _, created) =
        read(app.post_json("/api/v1/projects", &project(json!(vec!["district"; 7]), json!(vec![funder; 50]))).await)
            .await;
    assert_eq!(status, 201, "7 communes and 50 participants, duplicates folded: {created}");
    assert_eq!(created["participants"].as_array().map(Vec::len), Some(1));
}
backend_test!(texts_codes_and_lists_are_judged_as_sent);

async fn responses_are_compressed_when_the_client_asks(app: TestApp) {
    let response =
        app.client.get(app.url("/api-docs/openapi.json")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip", "{}", app.backend);
}
backend_test!(responses_are_compressed_when_the_client_asks);

async fn swagger_ui_is_served_and_its_bare_path_redirects(app: TestApp) {
    let response = app.get("/swagger-ui").await;
    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(response.headers()["location"], "/swagger-ui/");
    let (status, content_type, body) = read(app.get("/swagger-ui/").await).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    assert!(body.as_str().unwrap_or("").contains("swagger"), "{body}");
}
backend_test!(swagger_ui_is_served_and_its_bare_path_redirects);

/// Whether `value` is what `schema` declares, member by member (the document's `$ref`s resolved);
/// what is wrong goes to `faults`. Beyond JSON Schema, a member sent as `null` must be `required`:
/// the server sends it every time (serde writes `None` as `null`), so a generated client must not
/// type it as optional.
fn conforms(document: &Value, schema: &Value, value: &Value, at: &str, faults: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.trim_start_matches('#')).unwrap_or(&Value::Null),
        None => schema,
    };
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let fits = |branch: &Value| {
                let mut scratch = Vec::new();
                conforms(document, branch, value, at, &mut scratch);
                scratch.is_empty()
            };
            if !branches.iter().any(fits) {
                faults.push(format!("{at}: {value} fits no branch of {key}"));
            }
        }
    }
    if let Some(choices) = schema.get("enum").and_then(Value::as_array)
        && !choices.contains(value)
    {
        faults.push(format!("{at}: {value} is not one of {choices:?}"));
    }
    if let Some(kinds) = schema.get("type") {
        let kinds: Vec<&str> = match kinds {
            Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
            kind => kind.as_str().into_iter().collect(),
        };
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let fits = kinds.contains(&kind) || (kind == "integer" && kinds.contains(&"number"));
        if !fits {
            faults.push(format!("{at}: a {kind} where the document says {kinds:?}"));
            return;
        }
    }
    if let (Some(items), Value::Array(values)) = (schema.get("items"), value) {
        for (index, item) in values.iter().enumerate() {
            conforms(document, items, item, &format!("{at}[{index}]"), faults);
            faults
                .dedup_by(|a, b| a.split_once(": ").map(|(_, what)| what) == b.split_once(": ").map(|(_, what)| what));
        }
    }
    let Value::Object(members) = value else { return };
    let properties = schema.get("properties").and_then(Value::as_object);
    let required: Vec<&str> =
        schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    for name in &required {
        if !members.contains_key(*name) {
            faults.push(format!("{at}: required member {name} not sent"));
        }
    }
    for (name, member) in members {
        let here = format!("{at}.{name}");
        match (properties.and_then(|p| p.get(name)), schema.get("additionalProperties")) {
            (Some(property), _) => {
                if member.is_null() && !required.contains(&name.as_str()) {
                    faults.push(format!("{here}: sent as null, so always sent, but not required"));
                }
                conforms(document, property, member, &here, faults);
            }
            (None, Some(Value::Object(values))) => {
                conforms(document, &Value::Object(values.clone()), member, &here, faults)
            }
            (None, Some(Value::Bool(true))) => {}
            (None, _) if properties.is_some() => faults.push(format!("{here}: sent but not declared")),
            (None, _) => {}
        }
    }
}

/// Every JSON answer of every `GET` in the document, fetched from a server holding one of each
/// record, is what the document says: the members it declares (required ones sent, members sent as
/// `null` required and nullable, nothing undeclared) and the values of its enums.
async fn every_answer_is_what_the_document_declares(app: TestApp) {
    use crate::fixtures::{agreement_of, fixture, partner_get, register};
    let (_, _, document) = read(app.get("/api-docs/openapi.json").await).await;
    let f = fixture(&app).await;
    let angers = app.partner_token(&f.angers).await;
    let receiver = tests::silent_receiver().await;
    let (status, webhook) = register(&app, &angers, &receiver, json!(["project.status_changed"])).await;
    assert_eq!(status, 201, "{webhook}");
    let webhook = webhook["webhook"]["id"].as_str().unwrap_or_default().to_owned();
    let update = json!({"status": "implementation", "note": "Démarrage", "progress": 10});
    let (status, _, body) =
        read(app.post_json(&format!("/api/v1/projects/{}/status-updates", f.shared), &update).await).await;
    assert_eq!(status, 201, "{body}");
    let leipzig = agreement_of(&app, "Leipzig").await;
    let evaluation = json!({"evaluated_on": "2026-11-20", "evaluators": ["Awa Traoré"], "vitality": "weak",
        "scores": {"activity": 2, "results": 2, "financing": 1, "responsiveness": 3}});
    let (status, _, evaluation) =
        read(app.post_json(&format!("/api/v1/agreements/{leipzig}/evaluations"), &evaluation).await).await;
    assert_eq!(status, 201, "{evaluation}");
    let event = json!({"kind": "round_table", "title": "Table ronde des jumelages", "starts_on": "2027-02-10", "division": "twinning"});
    let (status, _, event) = read(app.post_json("/api/v1/events", &event).await).await;
    assert_eq!(status, 201, "{event}");
    let rate = json!({"currency": "USD", "rate_to_xof": "600.25", "valid_from": "2026-01-01"});
    let (status, _, body) = read(app.post_json("/api/v1/exchange-rates", &rate).await).await;
    assert_eq!(status, 201, "{body}");
    let (_, _, lines) = read(app.get(&format!("/api/v1/projects/{}/funding-lines", f.shared)).await).await;
    let (_, _, users) = read(app.get("/api/v1/users").await).await;
    let (_, _, machines) = read(app.get("/api/v1/machine-accounts").await).await;
    let id_of = |value: &Value| value["id"].as_str().unwrap_or_default().to_owned();
    let ids: Vec<(&str, String)> = vec![
        ("/api/v1/agreements/", leipzig.clone()),
        ("/api/v1/evaluations/", id_of(&evaluation)),
        ("/api/v1/events/", id_of(&event)),
        ("/api/v1/funding-lines/", id_of(&lines["items"][0])),
        ("/api/v1/machine-accounts/", id_of(&machines["items"][0])),
        ("/api/v1/partner/projects/", f.shared.clone()),
        ("/api/v1/partners/", f.angers.clone()),
        ("/api/v1/projects/", f.shared.clone()),
        ("/api/v1/users/", id_of(&users["items"][0])),
        ("/api/v1/staff/", id_of(&users["items"][0])),
        ("/api/v1/webhooks/", webhook.clone()),
        ("/api/v1/domains/", "water".to_owned()),
    ];
    // The delivery of the status change, once the worker has queued it.
    for _ in 0..50 {
        let (_, log) = partner_get(&app, &angers, &format!("/api/v1/webhooks/{webhook}/deliveries")).await;
        if log["items"].as_array().is_some_and(|items| !items.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut faults = Vec::new();
    let mut checked = 0;
    for (template, item) in document["paths"].as_object().expect("paths") {
        let Some(answer) = item["get"]["responses"]["200"]["content"]
            .as_object()
            .and_then(|content| content.iter().find(|(media, _)| media.contains("json")))
            .map(|(_, answer)| answer["schema"].clone())
        else {
            continue;
        };
        let path = match template.split_once('{') {
            Some((prefix, rest)) => {
                let (_, suffix) = rest.split_once('}').expect("a closed parameter");
                let id = ids.iter().find(|(p, _)| *p == prefix).map(|(_, id)| id.as_str());
                format!("{prefix}{}{suffix}", id.unwrap_or_else(|| panic!("no record for {template}")))
            }
            None => template.clone(),
        };
        let token = if path.starts_with("/api/v1/partner/") { angers.as_str() } else { app.token.as_str() };
        let (status, body) = partner_get(&app, token, &path).await;
        assert_eq!(status, 200, "{}: GET {path}: {body}", app.backend);
        conforms(&document, &answer, &body, &format!("GET {path}"), &mut faults);
        checked += 1;
    }
    assert!(checked >= 40, "{checked} answers checked");
    assert!(faults.is_empty(), "{}: answers differ from the document:\n{}", app.backend, faults.join("\n"));
}
backend_test!(every_answer_is_what_the_document_declares, crate::fixtures::fast_webhooks);
