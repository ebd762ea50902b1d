//! The DJCD API benchmark (issue 10): a reproducible data set, the release server under `wrk`,
//! and a minimal sqlx baseline measured in the same run.
//!
//! ```sh
//! cargo build --release --bin api --bin bench
//! target/release/bench --smoke                 # tiny data, seconds per scenario (CI)
//! TEST_DATABASE_URL=postgres://… target/release/bench --projects 50000
//! ```
//!
//! For each backend (SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set) it creates a fresh
//! database, applies the migrations with `api migrate`, writes the data set, starts the API
//! (`target/release/api`) and the baseline (this binary, `--serve-baseline`) on free ports, gets
//! real tokens, warms each scenario up, then measures every scenario `--repetitions` times,
//! interleaved, and writes `target/bench/*.json` and `target/bench/summary.md`.
#[path = "bench/baseline.rs"]
mod baseline;
#[path = "bench/data.rs"]
mod data;
#[path = "bench/load.rs"]
mod load;

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, anyhow, bail};
use base64::Engine;
use chrono::{DateTime, Utc};
use clap::Parser;
use load::{Sample, Script, median};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait, Value};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

const DIRECTOR_EMAIL: &str = "directeur@djcd.bench";
const DIRECTOR_PASSWORD: &str = "Bamako-Leipzig-1966!";
/// The filter of scenario (a): what a front end lists all day.
const LIST_QUERY: &str = "domain=water&status=implementation&limit=50";
/// The page that scenario (f) reads by keyset.
const DEEP_PAGE: usize = 1000;

#[derive(Parser, Debug, Clone)]
#[command(name = "bench", about = "The DJCD API benchmark: data set, release server under wrk, sqlx baseline")]
struct Options {
    /// Projects to generate (1,000,000 for scenario (f)'s page 1,000).
    #[arg(long, default_value_t = 50_000)]
    projects: usize,
    /// A tiny data set and a couple of seconds per scenario: proves the benchmark works (CI).
    #[arg(long)]
    smoke: bool,
    /// Backends to measure: sqlite, postgres (default: sqlite, and postgres when TEST_DATABASE_URL is set).
    #[arg(long, value_delimiter = ',')]
    backends: Vec<String>,
    /// Seconds per measured run.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of warm-up per scenario and server.
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Measured runs per scenario, interleaved.
    #[arg(long, default_value_t = 3)]
    repetitions: usize,
    /// wrk connections.
    #[arg(long, default_value_t = 32)]
    connections: u32,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// Only these scenarios (a,b,c,d,e,f,overload).
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// The API server binary (default: target/release/api of this workspace).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Where results go (default: target/bench of this workspace).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The data set's random seed.
    #[arg(long, default_value_t = 1966)]
    seed: u64,
    /// Keep the generated databases (their URLs are printed) instead of dropping them.
    #[arg(long)]
    keep: bool,
    /// Measure an existing, already generated database instead of making one (one backend).
    #[arg(long)]
    database_url: Option<String>,
    /// PostgreSQL server where the benchmark database is created (default: TEST_DATABASE_URL).
    #[arg(long, env = "TEST_DATABASE_URL")]
    postgres_url: Option<String>,
    /// Internal: serve the baseline on this database (used by the benchmark itself).
    #[arg(long, hide = true)]
    serve_baseline: Option<String>,
    /// Internal: the baseline's address.
    #[arg(long, hide = true, default_value = "127.0.0.1:0")]
    bind: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> anyhow::Result<()> {
    let mut options = Options::parse();
    if let Some(url) = options.serve_baseline.clone() {
        return actix_web::rt::System::new().block_on(baseline::serve(&url, &options.bind));
    }
    if options.smoke {
        options.projects = options.projects.min(400);
        options.duration = 2;
        options.warmup = 1;
        options.repetitions = 1;
    }
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(run(options))
}

// ---------------------------------------------------------------------------------------------
// Reports

#[derive(Serialize)]
struct Machine {
    cpu: String,
    cores: usize,
    memory_mb: u64,
    kernel: String,
    load_average_start: String,
    load_average_end: String,
    wrk: String,
    git_commit: String,
}

#[derive(Serialize, Clone)]
struct Summary {
    rps: f64,
    ok_rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    peak_rss_kb: u64,
}

#[derive(Serialize)]
struct ScenarioResult {
    key: String,
    description: String,
    server: &'static str,
    connections: u32,
    path: String,
    runs: Vec<Sample>,
    median: Summary,
}

#[derive(Serialize)]
struct Plan {
    name: String,
    sql: String,
    plan: String,
    /// The statement alone, run from this process: median of 20 runs.
    median_ms: f64,
}

#[derive(Serialize)]
struct BackendReport {
    backend: String,
    database: String,
    server_version: String,
    data: data::Counts,
    partner_id: Uuid,
    partner_projects: i64,
    updated_since: String,
    feed_pages_walked: usize,
    deep_page: usize,
    deep_page_note: String,
    plans: Vec<Plan>,
    results: Vec<ScenarioResult>,
    /// Resident memory of the API just after start (migrations and seed done, no request yet),
    /// after the set-up (logins, the feed and the list walked), and its lifetime peak.
    api_rss_after_start_kb: u64,
    api_rss_after_setup_kb: u64,
    api_hwm_kb: u64,
    baseline_rss_after_start_kb: u64,
    baseline_hwm_kb: u64,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct Report {
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
    smoke: bool,
    projects: usize,
    duration_s: u64,
    warmup_s: u64,
    repetitions: usize,
    connections: u32,
    wrk_threads: u32,
    machine: Machine,
    backends: Vec<BackendReport>,
}

fn read_first_line(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default().lines().next().unwrap_or("").trim().to_owned()
}

/// The 1, 5 and 15-minute load averages.
fn load_average() -> String {
    read_first_line("/proc/loadavg").split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn machine(load_start: String) -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let memory_mb = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024);
    let wrk = std::process::Command::new("wrk")
        .arg("-v")
        .output()
        .map(|o| {
            let text = String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_owned();
            text.split(" Copyright").next().unwrap_or("").trim().to_owned()
        })
        .unwrap_or_default();
    let git_commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(workspace())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    Machine {
        cpu,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_mb,
        kernel: read_first_line("/proc/sys/kernel/osrelease"),
        load_average_start: load_start,
        load_average_end: String::new(),
        wrk,
        git_commit,
    }
}

// ---------------------------------------------------------------------------------------------
// Processes

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

struct Server {
    child: tokio::process::Child,
    pid: u32,
    base: String,
}

impl Server {
    async fn stop(mut self) {
        // SIGTERM first, so that the server drains and exits as in production.
        let _ = std::process::Command::new("kill").arg("-TERM").arg(self.pid.to_string()).status();
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
    }
}

fn log_file(out: &Path, name: &str) -> anyhow::Result<(std::fs::File, std::fs::File)> {
    let path = out.join("logs").join(name);
    std::fs::create_dir_all(path.parent().unwrap_or(out))?;
    let file = std::fs::File::create(&path)?;
    Ok((file.try_clone()?, file))
}

fn api_command(server: &Path, database_url: &str, port: u16) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(server);
    command
        .env_remove("RUST_LOG")
        .env("APP_ENV", "development")
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("BOOTSTRAP_DIRECTOR_EMAIL", DIRECTOR_EMAIL)
        .env("BOOTSTRAP_DIRECTOR_PASSWORD", DIRECTOR_PASSWORD)
        .env("LOGIN_ATTEMPTS_PER_MINUTE", "100000")
        .env("LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS", "100000")
        .env("PARTNER_REQUESTS_PER_MINUTE", "100000000")
        // The run is longer than the default 15 minutes; the token is checked the same way.
        .env("ACCESS_TOKEN_TTL_SECS", "86400")
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

async fn wait_ready(client: &reqwest::Client, url: &str, child: &mut tokio::process::Child) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(response) = client.get(url).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("the server exited with {status} before answering {url}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{url} did not answer within 120 s")
}

async fn migrate(server: &Path, database_url: &str, out: &Path, backend: &str) -> anyhow::Result<()> {
    let (stdout, stderr) = log_file(out, &format!("migrate-{backend}.log"))?;
    let status =
        api_command(server, database_url, 0).arg("migrate").stdout(stdout).stderr(stderr).status().await.with_context(
            || format!("cannot run {}: build it with `cargo build --release --bin api`", server.display()),
        )?;
    if !status.success() {
        bail!("`api migrate` failed ({status}); see {}", out.join("logs").display());
    }
    Ok(())
}

async fn start_api(
    server: &Path,
    database_url: &str,
    out: &Path,
    backend: &str,
    client: &reqwest::Client,
) -> anyhow::Result<Server> {
    let port = free_port()?;
    let (stdout, stderr) = log_file(out, &format!("api-{backend}.log"))?;
    let mut child = api_command(server, database_url, port).arg("serve").stdout(stdout).stderr(stderr).spawn()?;
    let pid = child.id().ok_or_else(|| anyhow!("no pid"))?;
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(client, &format!("{base}/health/ready"), &mut child).await?;
    Ok(Server { child, pid, base })
}

async fn start_baseline(
    database_url: &str,
    out: &Path,
    backend: &str,
    client: &reqwest::Client,
) -> anyhow::Result<Server> {
    let port = free_port()?;
    let (stdout, stderr) = log_file(out, &format!("baseline-{backend}.log"))?;
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .arg("--serve-baseline")
        .arg(database_url)
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().ok_or_else(|| anyhow!("no pid"))?;
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(client, &format!("{base}/health"), &mut child).await?;
    Ok(Server { child, pid, base })
}

// ---------------------------------------------------------------------------------------------
// Databases

/// A fresh database: (URL, what to do to drop it).
async fn fresh_database(backend: &str, options: &Options) -> anyhow::Result<(String, Cleanup)> {
    match backend {
        "sqlite" => {
            let folder = std::env::temp_dir().join(format!("djcd-bench-{}", Uuid::new_v4().simple()));
            std::fs::create_dir_all(&folder)?;
            Ok((format!("sqlite://{}/djcd.db?mode=rwc", folder.display()), Cleanup::Folder(folder)))
        }
        "postgres" => {
            let admin_url = options
                .postgres_url
                .clone()
                .filter(|u| !u.is_empty())
                .ok_or_else(|| anyhow!("postgres needs TEST_DATABASE_URL (or --postgres-url)"))?;
            let admin = Database::connect(admin_url.as_str()).await?;
            let name = format!("djcd_bench_{}", Uuid::new_v4().simple());
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await.ok();
            let (base, query) = match admin_url.split_once('?') {
                Some((base, query)) => (base.to_owned(), format!("?{query}")),
                None => (admin_url.clone(), String::new()),
            };
            let server = base.rsplit_once('/').map_or(base.as_str(), |(server, _)| server).to_owned();
            Ok((format!("{server}/{name}{query}"), Cleanup::Postgres { admin_url, name }))
        }
        other => bail!("unknown backend {other}: use sqlite or postgres"),
    }
}

enum Cleanup {
    Folder(PathBuf),
    Postgres { admin_url: String, name: String },
    Nothing,
}

impl Cleanup {
    async fn run(self) {
        match self {
            Cleanup::Folder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    admin.close().await.ok();
                }
            }
            Cleanup::Nothing => {}
        }
    }
}

async fn scalar_i64(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .await?
        .ok_or_else(|| anyhow!("no row: {sql}"))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

async fn uuids(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> anyhow::Result<Vec<Uuid>> {
    let rows = db.query_all_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await?;
    rows.iter().map(|row| row.try_get_by_index::<Uuid>(0).map_err(Into::into)).collect()
}

/// Every `step`-th element, at most `count` of them.
fn spread<T: Clone>(items: &[T], count: usize) -> Vec<T> {
    if items.len() <= count {
        return items.to_vec();
    }
    let step = items.len() as f64 / count as f64;
    (0..count).map(|k| items[(k as f64 * step) as usize].clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// Plans

fn p(backend: DatabaseBackend, n: usize) -> String {
    if backend == DatabaseBackend::Postgres { format!("${n}") } else { format!("?{n}") }
}

/// A bound parameter of a statement under study.
#[derive(Clone)]
enum Param {
    Text(&'static str),
    Uuid(Uuid),
    Time(DateTime<Utc>),
    Int(i64),
}

impl Param {
    fn value(&self) -> Value {
        match self {
            Param::Text(text) => (*text).into(),
            Param::Uuid(id) => (*id).into(),
            Param::Time(time) => (*time).into(),
            Param::Int(n) => (*n).into(),
        }
    }

    /// As a PostgreSQL literal, for `EXECUTE`.
    fn literal(&self) -> String {
        match self {
            Param::Text(text) => format!("'{}'", text.replace('\'', "''")),
            Param::Uuid(id) => format!("'{id}'"),
            Param::Time(time) => format!("'{}'", time.to_rfc3339()),
            Param::Int(n) => n.to_string(),
        }
    }
}

/// The plan of a statement and its time when run alone. On PostgreSQL, two plans: the custom one
/// (planned for these values) and the generic one, which a prepared statement (the API's
/// statements are prepared and cached per connection) switches to after five runs when the
/// planner expects it to cost no more.
async fn explain(db: &DatabaseConnection, name: &str, sql: String, params: Vec<Param>) -> anyhow::Result<Plan> {
    let backend = db.get_database_backend();
    let values: Vec<Value> = params.iter().map(Param::value).collect();
    // The statement alone, timed: prepared and run 20 times on one connection, as each of the
    // API's pooled connections runs it (so that PostgreSQL may switch to its generic plan).
    let mut times = Vec::new();
    let txn = db.begin().await?;
    for _ in 0..20 {
        let started = Instant::now();
        txn.query_all_raw(Statement::from_sql_and_values(backend, &sql, values.clone())).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    txn.rollback().await?;
    let plan = if backend == DatabaseBackend::Postgres {
        let lines = |rows: Vec<sea_orm::QueryResult>| {
            rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect::<Vec<_>>().join("\n")
        };
        let custom = lines(
            db.query_all_raw(Statement::from_sql_and_values(
                backend,
                format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"),
                values.clone(),
            ))
            .await?,
        );
        let txn = db.begin().await?;
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_generic_plan").await?;
        txn.execute_unprepared(&format!("PREPARE bench_plan AS {sql}")).await?;
        let arguments = params.iter().map(Param::literal).collect::<Vec<_>>().join(", ");
        let generic = lines(
            txn.query_all_raw(Statement::from_string(
                backend,
                format!("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_plan({arguments})"),
            ))
            .await?,
        );
        txn.execute_unprepared("DEALLOCATE bench_plan").await?;
        txn.rollback().await?;
        format!(
            "-- custom plan (these values)\n{custom}\n\n-- generic plan (a cached prepared statement after five runs)\n{generic}"
        )
    } else {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, format!("EXPLAIN QUERY PLAN {sql}"), values.clone()))
            .await?;
        rows.iter()
            .map(|r| {
                let parent: i64 = r.try_get_by_index(1).unwrap_or(0);
                let detail: String = r.try_get_by_index(3).unwrap_or_default();
                format!("{}{detail}", if parent == 0 { "" } else { "  " })
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok(Plan { name: name.to_owned(), sql, plan, median_ms: median(&mut times) })
}

const PROJECT_SELECT: &str = r#"SELECT "project"."id", "project"."title", "project"."summary", "project"."internal_notes", "project"."agreement_id", "project"."division", "project"."agent_in_charge_id", "project"."planned_start", "project"."planned_end", "project"."actual_start", "project"."actual_end", "project"."start_year", "project"."progress", "project"."status", "project"."budget_minor", "project"."budget_currency", "project"."search_text", "project"."version", "project"."archived_at", "project"."created_at", "project"."updated_at" FROM "project""#;

async fn plans(
    db: &DatabaseConnection,
    partner: Uuid,
    since: DateTime<Utc>,
    deep_cursor: Option<(DateTime<Utc>, Uuid)>,
    feed_after: (i64, i64),
) -> anyhow::Result<Vec<Plan>> {
    let b = db.get_database_backend();
    let list_where = format!(
        r#"WHERE "project"."archived_at" IS NULL AND "project"."status" = {} AND EXISTS(SELECT 1 FROM "project_domain" WHERE "project_domain"."project_id" = "project"."id" AND "project_domain"."domain_code" = {})"#,
        p(b, 1),
        p(b, 2)
    );
    let mut plans = vec![
        explain(
            db,
            "(a) list, page 1",
            format!(
                r#"{PROJECT_SELECT} {list_where} ORDER BY "created_at" DESC, "project"."id" DESC LIMIT {}"#,
                p(b, 3)
            ),
            vec![Param::Text("implementation"), Param::Text("water"), Param::Int(51)],
        )
        .await?,
    ];
    if let Some((created, id)) = deep_cursor {
        plans.push(
            explain(
                db,
                "(f) list, deep page by keyset",
                format!(
                    r#"{PROJECT_SELECT} {list_where} AND ("created_at", "project"."id") < ({}, {}) ORDER BY "created_at" DESC, "project"."id" DESC LIMIT {}"#,
                    p(b, 3),
                    p(b, 4),
                    p(b, 5)
                ),
                vec![
                    Param::Text("implementation"),
                    Param::Text("water"),
                    Param::Time(created),
                    Param::Uuid(id),
                    Param::Int(51),
                ],
            )
            .await?,
        );
    }
    plans.push(
        explain(
            db,
            "(b) one project",
            format!(r#"{PROJECT_SELECT} WHERE "project"."id" = {} LIMIT {}"#, p(b, 1), p(b, 2)),
            vec![
                Param::Uuid(
                    uuids(db, r#"SELECT "id" FROM "project" ORDER BY "id" LIMIT 1"#, vec![])
                        .await?
                        .first()
                        .copied()
                        .unwrap_or_default(),
                ),
                Param::Int(1),
            ],
        )
        .await?,
    );
    plans.push(
        explain(
            db,
            "(c) partner's projects updated since",
            format!(
                r#"{PROJECT_SELECT} WHERE "project"."archived_at" IS NULL AND "project"."id" IN (SELECT "project_id" FROM "project_participant" WHERE "project_participant"."partner_id" = {}) AND "project"."updated_at" >= {} ORDER BY "updated_at" ASC, "project"."id" ASC LIMIT {}"#,
                p(b, 1),
                p(b, 2),
                p(b, 3)
            ),
            vec![Param::Uuid(partner), Param::Time(since), Param::Int(51)],
        )
        .await?,
    );
    let postgres = b == DatabaseBackend::Postgres;
    let horizon = if postgres { " AND e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint" } else { "" };
    // As api/src/feed.rs writes it for each database.
    let (after, visibility) = if postgres {
        (
            format!("(e.txid, e.seq) > ({}, {})", p(b, 1), p(b, 2)),
            format!(
                " AND EXISTS (SELECT 1 FROM project_participant pp WHERE pp.project_id = e.project_id AND pp.partner_id = {p4}) \
                 AND (e.kind <> 'project.funding_line_added' OR EXISTS (SELECT 1 FROM funding_line f \
                 WHERE f.id = e.funding_line_id AND (f.partner_id = {p4} OR f.is_public = TRUE)))",
                p4 = p(b, 4)
            ),
        )
    } else {
        (
            format!("(e.txid > {p1} OR (e.txid = {p1} AND e.seq > {p2}))", p1 = p(b, 1), p2 = p(b, 2)),
            format!(
                " AND e.project_id IN (SELECT project_id FROM project_participant WHERE partner_id = {p4}) \
                 AND (e.kind <> 'project.funding_line_added' OR e.funding_line_id IN \
                 (SELECT id FROM funding_line WHERE partner_id = {p4} OR is_public = 1))",
                p4 = p(b, 4)
            ),
        )
    };
    plans.push(
        explain(
            db,
            "(d) change feed after the last cursor",
            format!(
                "SELECT e.txid, e.seq, e.id, e.kind, e.project_id, e.funding_line_id, e.occurred_at FROM change_event e \
                 WHERE {after}{horizon}{visibility} ORDER BY e.txid, e.seq LIMIT {p3}",
                p3 = p(b, 3),
            ),
            vec![Param::Int(feed_after.0), Param::Int(feed_after.1), Param::Int(51), Param::Uuid(partner)],
        )
        .await?,
    );
    Ok(plans)
}

// ---------------------------------------------------------------------------------------------
// The HTTP set-up: tokens, the feed's last position, the deep page's cursor

async fn json_of(response: reqwest::Response, what: &str) -> anyhow::Result<(u16, serde_json::Value, Option<String>)> {
    let status = response.status().as_u16();
    let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = response.text().await?;
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    if status >= 400 {
        bail!("{what}: {status} {body}");
    }
    Ok((status, body, etag))
}

struct Setup {
    director: String,
    partner_token: String,
    feed_path: String,
    feed_etag: String,
    feed_pages: usize,
    feed_after: (i64, i64),
    deep_page: usize,
    deep_path: Option<String>,
    deep_cursor: Option<(DateTime<Utc>, Uuid)>,
}

async fn setup(client: &reqwest::Client, api: &str, partner: Uuid, deep_target: usize) -> anyhow::Result<Setup> {
    let (_, login, _) = json_of(
        client
            .post(format!("{api}/api/v1/auth/login"))
            .json(&json!({"email": DIRECTOR_EMAIL, "password": DIRECTOR_PASSWORD}))
            .send()
            .await?,
        "director login",
    )
    .await?;
    let director = login["access_token"].as_str().ok_or_else(|| anyhow!("no access token"))?.to_owned();
    let (_, machine, _) = json_of(
        client
            .post(format!("{api}/api/v1/machine-accounts"))
            .bearer_auth(&director)
            .json(&json!({"partner_id": partner, "name": "Système partenaire (banc d'essai)"}))
            .send()
            .await?,
        "machine account",
    )
    .await?;
    let client_id = machine["client_id"].as_str().ok_or_else(|| anyhow!("no client_id: {machine}"))?;
    let secret = machine["client_secret"].as_str().ok_or_else(|| anyhow!("no client_secret"))?;
    let (_, token, _) = json_of(
        client
            .post(format!("{api}/api/v1/auth/token"))
            .form(&[("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret)])
            .send()
            .await?,
        "client credentials",
    )
    .await?;
    let partner_token = token["access_token"].as_str().ok_or_else(|| anyhow!("no partner token"))?.to_owned();

    // The change feed, read to its end as a partner system does.
    let mut cursor: Option<String> = None;
    let mut feed_pages = 0;
    let (feed_path, feed_etag) = loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/partner/changes?limit=200&cursor={c}"),
            None => "/api/v1/partner/changes?limit=200".to_owned(),
        };
        let (_, page, _) =
            json_of(client.get(format!("{api}{path}")).bearer_auth(&partner_token).send().await?, "change feed")
                .await?;
        feed_pages += 1;
        let next = page["next_cursor"].as_str().map(str::to_owned);
        let empty = page["items"].as_array().is_none_or(Vec::is_empty);
        if empty {
            let path = match next.or(cursor) {
                Some(c) => format!("/api/v1/partner/changes?cursor={c}"),
                None => "/api/v1/partner/changes".to_owned(),
            };
            // Read once more with the scenario's exact URL, to take its ETag.
            let (_, _, etag) = json_of(
                client.get(format!("{api}{path}")).bearer_auth(&partner_token).send().await?,
                "change feed end",
            )
            .await?;
            break (path, etag.ok_or_else(|| anyhow!("the change feed sent no ETag"))?);
        }
        cursor = next;
    };
    let check = client
        .get(format!("{api}{feed_path}"))
        .bearer_auth(&partner_token)
        .header("If-None-Match", &feed_etag)
        .send()
        .await?;
    if check.status().as_u16() != 304 {
        bail!("the change feed did not answer 304 to If-None-Match: {}", check.status());
    }
    let feed_after: (i64, i64) = feed_path
        .split_once("cursor=")
        .and_then(|(_, c)| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or((0, 0));

    // Scenario (f): walk the list's cursors to page `deep_target` (or the last full page).
    let mut deep_page = 1;
    let mut deep_path = None;
    let mut deep_cursor = None;
    let mut next = None::<String>;
    loop {
        let path = match &next {
            Some(c) => format!("/api/v1/projects?{LIST_QUERY}&cursor={c}"),
            None => format!("/api/v1/projects?{LIST_QUERY}"),
        };
        let (_, page, _) =
            json_of(client.get(format!("{api}{path}")).bearer_auth(&director).send().await?, "list").await?;
        let full = page["items"].as_array().is_some_and(|items| items.len() == 50);
        if next.is_some() && full {
            deep_path = Some(path.clone());
            deep_cursor = next.as_deref().and_then(|c| {
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).ok()?;
                let (time, id): (String, Uuid) = serde_json::from_slice(&bytes).ok()?;
                Some((DateTime::parse_from_rfc3339(&time).ok()?.with_timezone(&Utc), id))
            });
        } else if next.is_some() {
            deep_page -= 1;
            break;
        }
        if deep_page >= deep_target {
            break;
        }
        match page["next_cursor"].as_str() {
            Some(c) => {
                next = Some(c.to_owned());
                deep_page += 1;
            }
            None => break,
        }
    }
    Ok(Setup {
        director,
        partner_token,
        feed_path,
        feed_etag,
        feed_pages,
        feed_after,
        deep_page,
        deep_path,
        deep_cursor,
    })
}

// ---------------------------------------------------------------------------------------------
// Scenarios

struct Scenario {
    key: &'static str,
    description: String,
    server: &'static str,
    connections: u32,
    script: Script,
}

fn summarize(runs: &[Sample]) -> Summary {
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

async fn run_backend(options: &Options, backend: &str, out: &Path, server_bin: &Path) -> anyhow::Result<BackendReport> {
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
            let counts = data::generate(&db, options.projects, options.seed).await?;
            db.close().await?;
            eprintln!("[{backend}] data set written in {:.1} s: {counts:?}", counts.seconds);
            counts
        } else {
            let db = Database::connect(database_url.as_str()).await?;
            let counts = data::count(&db).await?;
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
async fn measure(
    options: &Options,
    backend: &str,
    database_url: &str,
    out: &Path,
    client: &reqwest::Client,
    api: &Server,
    base: &Server,
    counts: data::Counts,
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
    let since = data::years_ago(3);
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

    let since_text = data::rfc3339(since);
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

// ---------------------------------------------------------------------------------------------
// The run and its summary

async fn run(options: Options) -> anyhow::Result<()> {
    let started_at = Utc::now();
    let out = options.out.clone().unwrap_or_else(|| workspace().join("target").join("bench"));
    std::fs::create_dir_all(&out)?;
    let server_bin = options.server.clone().unwrap_or_else(|| workspace().join("target").join("release").join("api"));
    if !server_bin.exists() {
        bail!("{} is missing: build it with `cargo build --release --bin api`", server_bin.display());
    }
    if std::process::Command::new("wrk").arg("-v").output().is_err() {
        bail!("wrk is missing: install it (Debian/Ubuntu: `apt-get install wrk`)");
    }
    let backends: Vec<String> = if let Some(url) = &options.database_url {
        vec![if url.starts_with("sqlite:") { "sqlite".into() } else { "postgres".into() }]
    } else if options.backends.is_empty() {
        let mut list = vec!["sqlite".to_owned()];
        if options.postgres_url.as_deref().is_some_and(|u| !u.is_empty()) {
            list.push("postgres".into());
        }
        list
    } else {
        options.backends.clone()
    };
    let mut machine = machine(load_average());
    eprintln!(
        "bench: {} projects, {} s × {} runs after {} s of warm-up, {} connections; {} cores, load {}",
        options.projects,
        options.duration,
        options.repetitions,
        options.warmup,
        options.connections,
        machine.cores,
        machine.load_average_start
    );
    let mut reports = Vec::new();
    for backend in &backends {
        reports.push(run_backend(&options, backend, &out, &server_bin).await?);
    }
    machine.load_average_end = load_average();
    let report = Report {
        started_at,
        finished_at: Utc::now(),
        smoke: options.smoke,
        projects: options.projects,
        duration_s: options.duration,
        warmup_s: options.warmup,
        repetitions: options.repetitions,
        connections: options.connections,
        wrk_threads: options.threads,
        machine,
        backends: reports,
    };
    let json = serde_json::to_string_pretty(&report)?;
    let stamp = started_at.format("%Y%m%dT%H%M%SZ");
    std::fs::write(out.join(format!("bench-{stamp}.json")), &json)?;
    std::fs::write(out.join("latest.json"), &json)?;
    let summary = markdown(&report);
    std::fs::write(out.join("summary.md"), &summary)?;
    println!("{summary}");
    eprintln!(
        "results: {} and {}",
        out.join(format!("bench-{stamp}.json")).display(),
        out.join("summary.md").display()
    );
    Ok(())
}

fn find<'a>(report: &'a BackendReport, key: &str, server: &str) -> Option<&'a Summary> {
    report.results.iter().find(|r| r.key == key && r.server == server).map(|r| &r.median)
}

fn mb(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

fn markdown(report: &Report) -> String {
    let m = &report.machine;
    let mut md = String::new();
    md.push_str(&format!("# DJCD API benchmark, {}\n\n", report.started_at.format("%Y-%m-%d %H:%M UTC")));
    if report.smoke {
        md.push_str("**Smoke run** (tiny data set, seconds per scenario): it proves the benchmark works; its numbers mean nothing.\n\n");
    }
    md.push_str(&format!(
        "- Machine: {} × {} ({} MB RAM, Linux {}); load average {} at the start, {} at the end. The API, the baseline, \
         the database and wrk share these cores.\n",
        m.cores, m.cpu, m.memory_mb, m.kernel, m.load_average_start, m.load_average_end
    ));
    md.push_str(&format!(
        "- Load: {}, {} connections, {} threads; {} s of warm-up per scenario and server, then {} interleaved runs of {} s; medians.\n",
        m.wrk, report.connections, report.wrk_threads, report.warmup_s, report.repetitions, report.duration_s
    ));
    md.push_str(&format!(
        "- Commit {}; the release server with its defaults (workers = cores, 10 database connections).\n\n",
        m.git_commit
    ));
    for backend in &report.backends {
        let d = &backend.data;
        md.push_str(&format!("## {} ({})\n\n", backend.backend, backend.server_version));
        md.push_str(&format!(
            "Data: {} partners, {} projects, {} project domains, {} communes, {} participants, {} funding lines, \
             {} status updates, {} change events{}. Partner of (c)/(d): {} projects.\n\n",
            d.partners,
            d.projects,
            d.project_domains,
            d.project_communes,
            d.participants,
            d.funding_lines,
            d.status_updates,
            d.change_events,
            if d.seconds > 0.0 { format!(" (written in {:.1} s)", d.seconds) } else { String::new() },
            backend.partner_projects
        ));
        md.push_str("| scenario | server | conn. | req/s | 2xx–3xx req/s | p50 ms | p99 ms | errors | peak RSS MB |\n");
        md.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for r in &backend.results {
            let s = &r.median;
            md.push_str(&format!(
                "| ({}) {} | {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {} | {} |\n",
                r.key,
                r.description,
                r.server,
                r.connections,
                s.rps,
                s.ok_rps,
                s.p50_ms,
                s.p99_ms,
                s.errors,
                mb(s.peak_rss_kb)
            ));
        }
        md.push_str(&format!(
            "\nResident memory: API {} MB after start, {} MB after the set-up (logins, walks), peak {} MB (VmHWM); \
             baseline {} MB after start, peak {} MB.\n\n",
            mb(backend.api_rss_after_start_kb),
            mb(backend.api_rss_after_setup_kb),
            mb(backend.api_hwm_kb),
            mb(backend.baseline_rss_after_start_kb),
            mb(backend.baseline_hwm_kb)
        ));
        let mut ratios = Vec::new();
        for key in ["a", "b", "c"] {
            if let (Some(a), Some(b)) = (find(backend, key, "api"), find(backend, key, "baseline")) {
                ratios.push(format!(
                    "({key}) {:.2} (p99 {:.1} vs {:.1} ms)",
                    if b.rps > 0.0 { a.rps / b.rps } else { 0.0 },
                    a.p99_ms,
                    b.p99_ms
                ));
            }
        }
        if !ratios.is_empty() {
            md.push_str(&format!("API ÷ baseline, req/s: {}.\n\n", ratios.join("; ")));
        }
        if let (Some(first), Some(deep)) = (find(backend, "a", "api"), find(backend, "f", "api")) {
            md.push_str(&format!(
                "(f) page {} vs page 1: p50 {:.2} vs {:.2} ms (× {:.2}), req/s {:.0} vs {:.0}.\n",
                backend.deep_page,
                deep.p50_ms,
                first.p50_ms,
                deep.p50_ms / first.p50_ms.max(1e-9),
                deep.rps,
                first.rps
            ));
        }
        md.push_str(&format!("(f): {}.\n\n", backend.deep_page_note));
        for note in &backend.notes {
            md.push_str(&format!("{note}\n\n"));
        }
        md.push_str("<details><summary>Query plans of the SQL the API runs</summary>\n\n");
        for plan in &backend.plans {
            md.push_str(&format!(
                "**{}** — {:.2} ms alone (median of 20)\n\n```sql\n{}\n```\n\n```\n{}\n```\n\n",
                plan.name, plan.median_ms, plan.sql, plan.plan
            ));
        }
        md.push_str("</details>\n\n");
    }
    md.push_str(&targets(report));
    md
}

fn targets(report: &Report) -> String {
    let mut md = String::from("## Targets (issue 10)\n\n");
    let reference = report.backends.iter().find(|b| b.backend == "postgres").or_else(|| report.backends.first());
    let Some(reference) = reference else { return md };
    if reference.backend != "postgres" {
        md.push_str("The targets are stated on PostgreSQL; this run had none, so they are checked on SQLite.\n\n");
    }
    md.push_str(&format!("| target ({}) | measured | |\n|---|---|---|\n", reference.backend));
    let mut row = |target: &str, measured: String, met: bool| {
        md.push_str(&format!("| {target} | {measured} | {} |\n", verdict(met)));
    };
    for key in ["a", "b", "c"] {
        if let (Some(a), Some(b)) = (find(reference, key, "api"), find(reference, key, "baseline")) {
            let ratio = if b.rps > 0.0 { a.rps / b.rps } else { 0.0 };
            row(
                &format!("({key}) API ≥ 0.8 × baseline req/s"),
                format!("{ratio:.2} ({:.0} vs {:.0})", a.rps, b.rps),
                ratio >= 0.8,
            );
        }
    }
    for (key, limit) in [("a", 50.0), ("b", 10.0), ("c", 15.0)] {
        if let Some(a) = find(reference, key, "api") {
            row(
                &format!("({key}) p99 ≤ {limit} ms at 32 connections"),
                format!("{:.1} ms", a.p99_ms),
                a.p99_ms <= limit,
            );
        }
    }
    if let (Some(low), Some(high)) = (find(reference, "a@8", "api"), find(reference, "a@64", "api")) {
        let ratio = high.ok_rps / low.ok_rps.max(1e-9);
        row(
            "no collapse: 2xx req/s at 64 connections within 10 % of 8",
            format!("{:.0} vs {:.0} (× {ratio:.2})", high.ok_rps, low.ok_rps),
            ratio >= 0.9,
        );
    }
    if let (Some(first), Some(deep)) = (find(reference, "a", "api"), find(reference, "f", "api")) {
        let ratio = deep.p50_ms / first.p50_ms.max(1e-9);
        let label = if reference.deep_page >= DEEP_PAGE {
            format!("(f) page {DEEP_PAGE} p50 ≤ 1.5 × page 1")
        } else {
            format!("(f) page {} (not {DEEP_PAGE}: data set too small) p50 ≤ 1.5 × page 1", reference.deep_page)
        };
        row(&label, format!("× {ratio:.2} ({:.2} vs {:.2} ms)", deep.p50_ms, first.p50_ms), ratio <= 1.5);
    }
    let peak = reference
        .results
        .iter()
        .filter(|r| r.server == "api")
        .map(|r| r.median.peak_rss_kb)
        .max()
        .unwrap_or(0)
        .max(reference.api_hwm_kb);
    row("peak RSS under load ≤ 64 MB", format!("{} MB", mb(peak)), peak <= 64 * 1024);
    if let (Some(sqlite), Some(pg)) = (
        report.backends.iter().find(|b| b.backend == "sqlite"),
        report.backends.iter().find(|b| b.backend == "postgres"),
    ) {
        for key in ["a", "b", "c"] {
            if let (Some(s), Some(p)) = (find(sqlite, key, "api"), find(pg, key, "api")) {
                row(
                    &format!("({key}) SQLite at least as fast as PostgreSQL"),
                    format!("{:.0} vs {:.0} req/s", s.rps, p.rps),
                    s.rps >= p.rps,
                );
            }
        }
    }
    md.push_str(
        "\nStatements per list request do not grow with the page size: `tests/api/performance.rs` (cargo test).\n",
    );
    if report.smoke {
        md.push_str("\nSmoke run: the verdicts above are not meaningful.\n");
    }
    md
}
