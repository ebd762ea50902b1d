//! One backend measured: its data set, its two servers, every scenario warmed up then run in turns.
use std::{path::Path, time::Duration};

use anyhow::{anyhow, bail};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};
use uuid::Uuid;

use crate::{
    DEEP_PAGE, Options,
    databases::{Cleanup, fresh_database, scalar_i64, spread, uuids},
    dataset,
    load::{self, Sample, median},
    plans::{p, plans},
    report::{BackendReport, ScenarioResult, Summary},
    scenarios,
    servers::{Server, migrate, start_api, start_baseline},
    setup::setup,
};

pub fn summarize(runs: &[Sample]) -> Summary {
    let pick = |f: fn(&Sample) -> f64| median(&mut runs.iter().map(f).collect::<Vec<_>>());
    Summary {
        rps: pick(|s| s.rps),
        ok_rps: pick(|s| s.ok_rps),
        p50_ms: pick(|s| s.p50_ms),
        p99_ms: pick(|s| s.p99_ms),
        errors: runs.iter().map(|s| s.errors_status + s.errors_socket).sum(),
        peak_rss_kb: runs.iter().map(|s| s.peak_rss_kb).max().unwrap_or(0),
    }
}

pub async fn run_backend(
    options: &Options,
    backend: &str,
    out: &Path,
    server_bin: &Path,
) -> anyhow::Result<BackendReport> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
    let mut notes = Vec::new();
    let (database_url, cleanup) = match &options.database_url {
        Some(url) => (url.clone(), Cleanup::Nothing),
        None => fresh_database(backend, options).await?,
    };
    let result = async {
        let counts = if options.database_url.is_none() {
            eprintln!("[{backend}] migrating {database_url}");
            migrate(server_bin, &database_url, out, backend).await?;
            eprintln!("[{backend}] generating {} projects", options.projects);
            let db = Database::connect(database_url.as_str()).await?;
            let counts = dataset::generate(&db, options.projects, options.seed).await?;
            db.close().await?;
            eprintln!("[{backend}] data set written in {:.1} s: {counts:?}", counts.seconds);
            counts
        } else {
            let db = Database::connect(database_url.as_str()).await?;
            let counts = dataset::count(&db).await?;
            db.close().await?;
            counts
        };
        let api = start_api(server_bin, &database_url, out, backend, &client).await?;
        let base = start_baseline(&database_url, out, backend, &client).await?;
        let measured = measure(options, backend, &database_url, out, &client, &api, &base, counts, &mut notes).await;
        let api_hwm_kb = load::proc_status_kb(api.pid, "VmHWM:").unwrap_or(0);
        let baseline_hwm_kb = load::proc_status_kb(base.pid, "VmHWM:").unwrap_or(0);
        api.stop().await;
        base.stop().await;
        let mut report = measured?;
        report.api_hwm_kb = api_hwm_kb;
        report.baseline_hwm_kb = baseline_hwm_kb;
        report.notes.extend(notes);
        report.database =
            if options.keep || options.database_url.is_some() { database_url.clone() } else { String::new() };
        anyhow::Ok(report)
    }
    .await;
    if options.keep {
        eprintln!("[{backend}] kept {database_url}");
    } else {
        cleanup.run().await;
    }
    result
}

#[allow(clippy::too_many_arguments)]
pub async fn measure(
    options: &Options,
    backend: &str,
    database_url: &str,
    out: &Path,
    client: &reqwest::Client,
    api: &Server,
    base: &Server,
    counts: dataset::Counts,
    notes: &mut Vec<String>,
) -> anyhow::Result<BackendReport> {
    let rss = |pid: u32| load::proc_status_kb(pid, "VmRSS:").unwrap_or(0);
    let rss_after_start = (rss(api.pid), rss(base.pid));
    let db = Database::connect(database_url).await?;
    let b = db.get_database_backend();
    let server_version = if b == DatabaseBackend::Postgres {
        let row = db.query_one_raw(Statement::from_string(b, "SHOW server_version")).await?;
        format!("PostgreSQL {}", row.and_then(|r| r.try_get_by_index::<String>(0).ok()).unwrap_or_default())
    } else {
        let row = db.query_one_raw(Statement::from_string(b, "SELECT sqlite_version()")).await?;
        format!("SQLite {}", row.and_then(|r| r.try_get_by_index::<String>(0).ok()).unwrap_or_default())
    };
    // The partner of scenarios (c) and (d): the one with the median number of projects.
    let rows = db
        .query_all_raw(Statement::from_string(
            b,
            "SELECT partner_id, COUNT(DISTINCT project_id) AS n FROM project_participant GROUP BY partner_id ORDER BY n, partner_id",
        ))
        .await?;
    let middle = rows.get(rows.len() / 2).ok_or_else(|| anyhow!("no participants"))?;
    let partner: Uuid = middle.try_get("", "partner_id")?;
    let partner_projects: i64 = middle.try_get("", "n")?;
    let since = dataset::years_ago(3);
    let all_ids = uuids(&db, r#"SELECT "id" FROM "project" ORDER BY "id""#, vec![]).await?;
    let read_ids = spread(&all_ids, 1000);
    // Writes go to projects in implementation that the measured partner is not part of, so that
    // its change feed (d) and its "updated since" page (c) stay as they were.
    let write_ids = spread(
        &uuids(
            &db,
            &format!(
                r#"SELECT "id" FROM "project" WHERE "status" = 'implementation' AND "id" NOT IN (SELECT "project_id" FROM "project_participant" WHERE "partner_id" = {}) ORDER BY "id""#,
                p(b, 1)
            ),
            vec![partner.into()],
        )
        .await?,
        1000,
    );
    let _ = scalar_i64(&db, r#"SELECT COUNT(*) FROM "project""#, vec![]).await?;
    let setup = setup(client, &api.base, partner, DEEP_PAGE).await?;
    let rss_after_setup = rss(api.pid);
    let deep_page_note = if setup.deep_page >= DEEP_PAGE {
        format!("page {DEEP_PAGE} reached by walking the cursors")
    } else if setup.deep_page >= 2 {
        format!(
            "the data set has only {} full pages of (a): page {} (the last full one) is measured instead of page {DEEP_PAGE}; run with --projects 1000000 for page {DEEP_PAGE}",
            setup.deep_page, setup.deep_page
        )
    } else {
        "the data set is too small for a second page of (a): (f) not measured".to_owned()
    };
    eprintln!(
        "[{backend}] set-up done: partner {partner} ({partner_projects} projects), feed read in {} pages; (f): {deep_page_note}",
        setup.feed_pages
    );
    let plans = plans(&db, partner, since, setup.deep_cursor, setup.feed_after).await?;
    for plan in &plans {
        eprintln!("[{backend}] plan of {} ({:.2} ms):\n{}", plan.name, plan.median_ms, plan.plan);
    }
    db.close().await?;

    let since_text = dataset::rfc3339(since);
    let scenarios = scenarios::list(options, &setup, partner, &since_text, &read_ids, &write_ids);
    // Every request answers as expected before load is applied.
    for scenario in &scenarios {
        let target = if scenario.server == "api" { &api.base } else { &base.base };
        let path = scenario.script.paths.first().cloned().unwrap_or_default();
        let mut request = client.request(scenario.script.method.parse()?, format!("{target}{path}"));
        for (name, value) in &scenario.script.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &scenario.script.body {
            request = request.body(body.replace("{progress}", "50"));
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let length = response.bytes().await?.len();
        if status >= 400 {
            bail!("[{backend}] {} on {}: {status} for {path}", scenario.key, scenario.server);
        }
        eprintln!("[{backend}] check {} {}: {status}, {length} bytes", scenario.key, scenario.server);
    }
    let lua_dir = out.join("lua");
    std::fs::create_dir_all(&lua_dir)?;
    let pid_of = |server: &str| if server == "api" { api.pid } else { base.pid };
    let url_of = |server: &str| if server == "api" { api.base.clone() } else { base.base.clone() };
    let mut runs: Vec<Vec<Sample>> = scenarios.iter().map(|_| Vec::new()).collect();
    for round in 0..=options.repetitions {
        let seconds = if round == 0 { options.warmup } else { options.duration };
        if seconds == 0 {
            continue;
        }
        for (index, scenario) in scenarios.iter().enumerate() {
            let script_path = lua_dir.join(format!("{backend}-{}-{}-{}.lua", scenario.key, scenario.server, index));
            let url = url_of(scenario.server);
            let sample = load::run(load::Load {
                url: &url,
                script: &scenario.script,
                connections: scenario.connections,
                threads: options.threads,
                seconds,
                script_path: &script_path,
                pid: pid_of(scenario.server),
            })
            .await?;
            let stage = if round == 0 { "warm-up".to_owned() } else { format!("run {round}/{}", options.repetitions) };
            eprintln!(
                "[{backend}] {stage} {:>5} {:<8} c={:<3} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}  rss {} kB",
                scenario.key,
                scenario.server,
                scenario.connections,
                sample.rps,
                sample.p50_ms,
                sample.p99_ms,
                sample.errors_status + sample.errors_socket,
                sample.peak_rss_kb
            );
            if round > 0 {
                runs[index].push(sample);
            }
        }
    }
    if scenarios.iter().any(|s| s.key == "e") {
        notes.push("(e) writes progress reports to projects the measured partner is not part of.".into());
    }
    let results = scenarios
        .into_iter()
        .zip(runs)
        .map(|(scenario, runs)| ScenarioResult {
            key: scenario.key.to_owned(),
            description: scenario.description,
            server: scenario.server,
            connections: scenario.connections,
            path: scenario.script.paths.first().cloned().unwrap_or_default(),
            median: summarize(&runs),
            runs,
        })
        .collect();
    Ok(BackendReport {
        backend: backend.to_owned(),
        database: String::new(),
        server_version,
        data: counts,
        partner_id: partner,
        partner_projects,
        updated_since: since_text,
        feed_pages_walked: setup.feed_pages,
        deep_page: setup.deep_page,
        deep_page_note,
        plans,
        results,
        api_rss_after_start_kb: rss_after_start.0,
        api_rss_after_setup_kb: rss_after_setup,
        api_hwm_kb: 0,
        baseline_rss_after_start_kb: rss_after_start.1,
        baseline_hwm_kb: 0,
        notes: Vec::new(),
    })
}
