//! The scenarios measured, (a) to (f) and the overload runs, each on the API and, where it has the
//! same SQL, on the baseline.
use uuid::Uuid;

use crate::{LIST_QUERY, Options, load::Script, setup::Setup};

pub struct Scenario {
    pub key: &'static str,
    pub description: String,
    pub server: &'static str,
    pub connections: u32,
    pub script: Script,
}

/// The scenarios `--scenarios` asks for (all by default), with the requests each one sends.
pub fn list(
    options: &Options,
    setup: &Setup,
    partner: Uuid,
    since_text: &str,
    read_ids: &[Uuid],
    write_ids: &[Uuid],
) -> Vec<Scenario> {
    let wanted = |key: &str| options.scenarios.is_empty() || options.scenarios.iter().any(|s| s == key);
    let c = options.connections;
    let mut scenarios = Vec::new();
    if wanted("a") {
        scenarios.push(Scenario {
            key: "a",
            description: "list projects (domain=water, status=implementation, 50, newest first)".into(),
            server: "api",
            connections: c,
            script: Script::get(format!("/api/v1/projects?{LIST_QUERY}")).bearer(&setup.director),
        });
        scenarios.push(Scenario {
            key: "a",
            description: "same SQL, baseline".into(),
            server: "baseline",
            connections: c,
            script: Script::get(format!("/projects?{LIST_QUERY}")),
        });
    }
    if wanted("b") {
        scenarios.push(Scenario {
            key: "b",
            description: "get one project by id (1,000 ids at random)".into(),
            server: "api",
            connections: c,
            script: Script {
                paths: read_ids.iter().map(|id| format!("/api/v1/projects/{id}")).collect(),
                ..Script::get("")
            }
            .bearer(&setup.director),
        });
        scenarios.push(Scenario {
            key: "b",
            description: "same SQL, baseline".into(),
            server: "baseline",
            connections: c,
            script: Script { paths: read_ids.iter().map(|id| format!("/projects/{id}")).collect(), ..Script::get("") },
        });
    }
    if wanted("c") {
        scenarios.push(Scenario {
            key: "c",
            description: format!("partner's projects updated since {since_text} (partner token)"),
            server: "api",
            connections: c,
            script: Script::get(format!("/api/v1/partner/projects?updated_since={since_text}"))
                .bearer(&setup.partner_token),
        });
        scenarios.push(Scenario {
            key: "c",
            description: "same SQL, baseline".into(),
            server: "baseline",
            connections: c,
            script: Script::get(format!("/partner/projects?partner={partner}&updated_since={since_text}")),
        });
    }
    if wanted("d") {
        scenarios.push(Scenario {
            key: "d",
            description: "change feed from the last cursor, If-None-Match → 304".into(),
            server: "api",
            connections: c,
            script: Script::get(setup.feed_path.clone())
                .bearer(&setup.partner_token)
                .header("If-None-Match", setup.feed_etag.clone()),
        });
    }
    if wanted("e") {
        scenarios.push(Scenario {
            key: "e",
            description: "post a status update (progress report) as the director".into(),
            server: "api",
            connections: c,
            script: Script {
                method: "POST",
                paths: write_ids.iter().map(|id| format!("/api/v1/projects/{id}/status-updates")).collect(),
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: Some(
                    r#"{"note": "Point d'étape (banc d'essai) : chantier en cours.", "progress": {progress}}"#.into(),
                ),
            }
            .bearer(&setup.director),
        });
    }
    if wanted("f")
        && let Some(path) = &setup.deep_path
    {
        scenarios.push(Scenario {
            key: "f",
            description: format!("(a) at page {} by keyset (page 1 is (a))", setup.deep_page),
            server: "api",
            connections: c,
            script: Script::get(path.clone()).bearer(&setup.director),
        });
    }
    if wanted("overload") {
        for connections in [8, 64] {
            scenarios.push(Scenario {
                key: if connections == 8 { "a@8" } else { "a@64" },
                description: format!("(a) at {connections} connections"),
                server: "api",
                connections,
                script: Script::get(format!("/api/v1/projects?{LIST_QUERY}")).bearer(&setup.director),
            });
        }
    }
    scenarios
}
