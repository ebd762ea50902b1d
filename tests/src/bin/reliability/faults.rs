//! The faults, each injected `cycles` times while clients write, then checked against the ledger.
use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    procs::{PgCluster, Server, ServerSpec, mount_tmpfs, unmount},
    verify::{Verdict, sqlite_integrity, verify},
    workload::{Ack, Ledger, Load, Session, Stats, TITLE_PREFIX, login, project_body, send, session},
};

/// One line of the summary: a fault on a backend.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Row {
    pub fault: String,
    pub backend: String,
    pub cycles: u32,
    pub acknowledged: usize,
    pub verified: usize,
    pub lost: usize,
    pub half_applied: usize,
    pub requests: u64,
    pub max_503_ms: Option<f64>,
    pub recovery_ms: Option<f64>,
    pub duration_s: f64,
    pub notes: Vec<String>,
    pub violations: Vec<String>,
}

impl Row {
    fn new(fault: &str, backend: &str) -> Self {
        Self { fault: fault.into(), backend: backend.into(), ..Default::default() }
    }

    fn violation(&mut self, text: impl Into<String>) {
        self.violations.push(text.into());
    }

    fn recovery(&mut self, elapsed: Duration) {
        let ms = elapsed.as_secs_f64() * 1000.0;
        self.recovery_ms = Some(self.recovery_ms.map_or(ms, |m: f64| m.max(ms)));
    }

    fn ms_503(&mut self, ms: f64) {
        if ms > 0.0 {
            self.max_503_ms = Some(self.max_503_ms.map_or(ms, |m: f64| m.max(ms)));
        }
    }

    fn verdict(&mut self, verdict: &Verdict) {
        self.acknowledged += verdict.acknowledged;
        self.verified += verdict.verified;
        self.lost += verdict.lost;
        self.half_applied += verdict.half_applied;
        self.notes.push(format!(
            "verified in the database: {} projects checked for half-applied writes",
            verdict.projects_checked
        ));
        if verdict.lost > 0 || verdict.half_applied > 0 {
            self.violation(format!(
                "{} lost, {} half-applied: {}",
                verdict.lost,
                verdict.half_applied,
                verdict.problems.join(" | ")
            ));
        }
    }

    /// Counts the clients' answers; 5xx other than a proper 503 are violations.
    fn stats(&mut self, stats: &Stats, transport_errors_allowed: bool) {
        self.requests += stats.requests;
        self.ms_503(stats.max_503_ms);
        for bad in stats.bad_answers.iter().take(5) {
            self.violation(bad.clone());
        }
        if stats.bad_answers.len() > 5 {
            self.violation(format!("… and {} more bad answers", stats.bad_answers.len() - 5));
        }
        if !transport_errors_allowed && stats.transport_errors > 0 {
            self.violation(format!("{} requests got no answer (hang or reset)", stats.transport_errors));
        }
        let refused: Vec<String> = stats.refused.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        self.notes.push(format!(
            "{} requests, {} acknowledged, refused [{}], {} without answer",
            stats.requests,
            stats.acknowledged,
            refused.join(" "),
            stats.transport_errors
        ));
    }
}

pub struct Ctx {
    pub binary: PathBuf,
    pub out: PathBuf,
    pub client: reqwest::Client,
    pub cycles: u32,
    pub soak_secs: u64,
    pub pg: Option<PgCluster>,
    pub workers: usize,
}

pub enum Db {
    Sqlite(PathBuf),
    Postgres,
}

impl Ctx {
    fn log(&self, name: &str) -> PathBuf {
        self.out.join("logs").join(format!("{name}.log"))
    }

    /// A fresh database on `backend`: its URL.
    async fn database(&self, backend: &str, name: &str) -> anyhow::Result<(String, Db)> {
        match backend {
            "sqlite" => {
                let folder =
                    std::env::temp_dir().join(format!("djcd-reliability-{name}-{}", uuid::Uuid::new_v4().simple()));
                std::fs::create_dir_all(&folder)?;
                Ok((format!("sqlite://{}/djcd.db?mode=rwc", folder.display()), Db::Sqlite(folder)))
            }
            _ => {
                let pg = self.pg.as_ref().context("no PostgreSQL cluster")?;
                let db = format!("rel_{name}_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
                Ok((pg.create_database(&db).await?, Db::Postgres))
            }
        }
    }

    fn spec(&self, url: &str, log: &str) -> ServerSpec {
        ServerSpec::new(&self.binary, url, self.log(log)).env("WORKERS", self.workers)
    }
}

impl Db {
    fn drop_files(self) {
        if let Db::Sqlite(folder) = self {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

/// Polls `url` until it answers 2xx; the time it took.
async fn until_ok(client: &reqwest::Client, url: &str, token: Option<&str>, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        let mut request = client.get(url).timeout(Duration::from_secs(2));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Ok(r) = request.send().await
            && r.status().is_success()
        {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> anyhow::Result<T> + Send + 'static) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f).await?
}

// ---------------------------------------------------------------------------------------------
// 1. Database outage (PostgreSQL)

pub async fn db_outage(ctx: &Ctx) -> anyhow::Result<Row> {
    let mut row = Row::new("db_outage", "postgres");
    let (url, _) = ctx.database("postgres", "outage").await?;
    let spec = ctx.spec(&url, "db_outage-postgres");
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    let pg = ctx.pg.as_ref().context("no PostgreSQL cluster")?;
    for cycle in 0..ctx.cycles {
        let mode = if cycle % 2 == 0 { "fast" } else { "immediate" };
        let load = Load::start(&ctx.client, &server.base, &session, &ledger, 4, 0, &format!("outage{cycle}-"));
        tokio::time::sleep(Duration::from_secs(2)).await;
        let stopped = Instant::now();
        {
            let (cluster, stop_mode) = (pg.clone(), mode.to_owned());
            blocking(move || cluster.stop(&stop_mode)).await?;
        }
        row.notes.push(format!("cycle {cycle}: pg_ctl stop -m {mode} took {:.1} s", stopped.elapsed().as_secs_f64()));
        // While it is down: not ready, and requests answer 503 problem+json with Retry-After, fast.
        let probe_until = Instant::now() + Duration::from_secs(3);
        let mut probes = 0;
        while Instant::now() < probe_until {
            probes += 1;
            let ready = ctx.client.get(server.url("/health/ready")).send().await;
            match ready {
                Ok(r) if r.status().as_u16() == 503 => {}
                Ok(r) => row.violation(format!(
                    "cycle {cycle}: /health/ready answered {} while PostgreSQL was down",
                    r.status()
                )),
                Err(e) => row.violation(format!("cycle {cycle}: /health/ready gave no answer: {e}")),
            }
            let started = Instant::now();
            let write = ctx
                .client
                .post(server.url("/api/v1/projects"))
                .bearer_auth(&session.token)
                .json(&project_body(&session, &format!("{TITLE_PREFIX} sonde {cycle}-{probes}")))
                .send()
                .await;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            match write {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let problem = r.headers().get("content-type").is_some_and(|v| v == "application/problem+json");
                    let retry = r.headers().contains_key("retry-after");
                    if status != 503 || !problem || !retry {
                        row.violation(format!(
                            "cycle {cycle}: a write during the outage answered {status} (problem+json: {problem}, Retry-After: {retry})"
                        ));
                    }
                    row.ms_503(ms);
                    if ms > 2000.0 {
                        row.violation(format!("cycle {cycle}: a 503 took {ms:.0} ms (more than 2 s)"));
                    }
                }
                Err(e) => row.violation(format!("cycle {cycle}: a write during the outage got no answer: {e}")),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        {
            let cluster = pg.clone();
            blocking(move || cluster.start()).await?;
        }
        // The API serves again by itself: a read with the database behind it.
        match until_ok(
            &ctx.client,
            &server.url("/api/v1/projects?limit=1"),
            Some(&session.token),
            Duration::from_secs(10),
        )
        .await
        {
            Some(elapsed) => row.recovery(elapsed),
            None => {
                row.violation(format!("cycle {cycle}: the API did not serve again within 10 s of PostgreSQL's restart"))
            }
        }
        if until_ok(&ctx.client, &server.url("/health/ready"), None, Duration::from_secs(10)).await.is_none() {
            row.violation(format!("cycle {cycle}: /health/ready did not turn ready within 10 s"));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        load.stop().await;
        row.cycles += 1;
    }
    let stats = ledger.take_stats();
    if stats.max_503_ms > 2000.0 {
        row.violation(format!("a client's 503 took {:.0} ms (more than 2 s)", stats.max_503_ms));
    }
    row.stats(&stats, false);
    let _ = server.terminate(Duration::from_secs(35)).await;
    row.verdict(&verify(&url, &ledger.acks()).await?);
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// 2. API crash (SIGKILL)

pub async fn api_crash(ctx: &Ctx, backend: &str) -> anyhow::Result<Row> {
    let mut row = Row::new("api_crash", backend);
    let (url, db) = ctx.database(backend, "crash").await?;
    let spec = ctx.spec(&url, &format!("api_crash-{backend}"));
    let port = crate::procs::free_port()?;
    let mut server = Server::start_on(&spec, &ctx.client, port).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    for cycle in 0..ctx.cycles {
        let load = Load::start(&ctx.client, &server.base, &session, &ledger, 4, 0, &format!("crash{cycle}-"));
        tokio::time::sleep(Duration::from_millis(1500 + 400 * u64::from(cycle))).await;
        server.kill().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        load.stop().await;
        let restarted = Instant::now();
        server = Server::start_on(&spec, &ctx.client, port).await?;
        row.recovery(restarted.elapsed());
        row.cycles += 1;
    }
    row.stats(&ledger.take_stats(), true);
    let _ = server.terminate(Duration::from_secs(35)).await;
    row.verdict(&verify(&url, &ledger.acks()).await?);
    db.drop_files();
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// 3. Graceful stop (SIGTERM under load)

/// A POST whose body arrives slowly: in flight when SIGTERM comes. Returns the answer's status.
async fn slow_post(port: u16, token: String, body: String, request_id: String) -> anyhow::Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let head = format!(
        "POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nX-Request-Id: {request_id}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let half = body.len() / 2;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body.as_bytes()[..half]).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stream.write_all(&body.as_bytes()[half..]).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer)).await??;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

pub async fn graceful_stop(ctx: &Ctx, backend: &str) -> anyhow::Result<Row> {
    const GRACE: u64 = 5;
    let mut row = Row::new("graceful_stop", backend);
    let (url, db) = ctx.database(backend, "graceful").await?;
    let spec = ctx.spec(&url, &format!("graceful_stop-{backend}")).env("SHUTDOWN_GRACE_SECS", GRACE);
    let ledger = Arc::new(Ledger::default());
    let mut slowest_exit = 0.0f64;
    for cycle in 0..ctx.cycles {
        let server = Server::start(&spec, &ctx.client).await?;
        let session: Session = session(&ctx.client, &server.base).await?;
        let load = Load::start(&ctx.client, &server.base, &session, &ledger, 4, 0, &format!("term{cycle}-"));
        tokio::time::sleep(Duration::from_millis(800)).await;
        let request_id = format!("rel-{}", uuid::Uuid::new_v4().simple());
        let body = project_body(&session, &format!("{TITLE_PREFIX} en vol {cycle}")).to_string();
        let in_flight = tokio::spawn(slow_post(server.port, session.token.clone(), body, request_id.clone()));
        tokio::time::sleep(Duration::from_millis(400)).await;
        let port = server.port;
        let term = tokio::spawn(server.terminate(Duration::from_secs(GRACE + 5)));
        // New connections are refused once the listener is closed.
        let mut refused_after = None;
        let since = Instant::now();
        while since.elapsed() < Duration::from_secs(2) {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                refused_after = Some(since.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        match refused_after {
            Some(t) => row.notes.push(format!(
                "cycle {cycle}: new connections refused {:.0} ms after SIGTERM",
                t.as_secs_f64() * 1000.0
            )),
            None => row.violation(format!("cycle {cycle}: new connections were still accepted 2 s after SIGTERM")),
        }
        match in_flight.await? {
            Ok((201, body)) => {
                let id = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|b| b["id"].as_str().and_then(|s| s.parse().ok()));
                match id {
                    Some(id) => ledger.acknowledge(Ack::Project { id, request_id }),
                    None => row.violation(format!("cycle {cycle}: the in-flight request's 201 has no id: {body}")),
                }
            }
            Ok((status, body)) => row.violation(format!(
                "cycle {cycle}: the request in flight at SIGTERM answered {status}: {}",
                body.chars().take(200).collect::<String>()
            )),
            Err(e) => row.violation(format!("cycle {cycle}: the request in flight at SIGTERM failed: {e}")),
        }
        load.stop().await;
        match term.await? {
            Ok(exit) => {
                slowest_exit = slowest_exit.max(exit.as_secs_f64());
                if exit > Duration::from_secs(GRACE + 1) {
                    row.violation(format!(
                        "cycle {cycle}: exited {:.1} s after SIGTERM (grace {GRACE} s)",
                        exit.as_secs_f64()
                    ));
                }
            }
            Err(e) => row.violation(format!("cycle {cycle}: {e}")),
        }
        row.cycles += 1;
    }
    row.recovery_ms = None;
    row.notes.push(format!("slowest exit after SIGTERM: {slowest_exit:.2} s (grace {GRACE} s)"));
    row.stats(&ledger.take_stats(), true);
    row.verdict(&verify(&url, &ledger.acks()).await?);
    db.drop_files();
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// 4. Disk full (SQLite on a small tmpfs)

fn fill(path: &std::path::Path) -> anyhow::Result<u64> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let mut written = 0u64;
    for chunk in [1 << 20, 1 << 12, 1 << 9] {
        let block = vec![0u8; chunk];
        while file.write_all(&block).is_ok() {
            written += chunk as u64;
        }
    }
    let _ = file.sync_all();
    Ok(written)
}

pub async fn disk_full(ctx: &Ctx) -> anyhow::Result<Row> {
    let mut row = Row::new("disk_full", "sqlite");
    let mount = mount_tmpfs(48)?;
    let result = disk_full_on(ctx, &mount, &mut row).await;
    unmount(&mount);
    result?;
    Ok(row)
}

async fn disk_full_on(ctx: &Ctx, mount: &std::path::Path, row: &mut Row) -> anyhow::Result<()> {
    let url = format!("sqlite://{}/djcd.db?mode=rwc", mount.display());
    let spec = ctx.spec(&url, "disk_full-sqlite");
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    let filler = mount.join("filler");
    let create = |title: String| {
        ctx.client
            .post(server.url("/api/v1/projects"))
            .bearer_auth(&session.token)
            .header("accept-language", "en")
            .json(&project_body(&session, &title))
    };
    for cycle in 0..ctx.cycles {
        let mut some_project = None;
        for i in 0..3 {
            let rid = format!("rel-{}", uuid::Uuid::new_v4().simple());
            let request = create(format!("{TITLE_PREFIX} avant {cycle}-{i}")).header("x-request-id", &rid);
            match send(&ledger, request, "write before the disk fills").await {
                Some((201, _, body)) => {
                    let id = body["id"].as_str().and_then(|s| s.parse().ok()).context("no id")?;
                    some_project = Some(id);
                    ledger.acknowledge(Ack::Project { id, request_id: rid });
                }
                other => row.violation(format!("cycle {cycle}: a write with free space answered {other:?}")),
            }
        }
        let path = filler.clone();
        let filled = blocking(move || fill(&path)).await?;
        let mut refusals = 0;
        let mut accepted_while_full = 0;
        for attempt in 0..60 {
            let rid = format!("rel-{}", uuid::Uuid::new_v4().simple());
            let started = Instant::now();
            let response =
                create(format!("{TITLE_PREFIX} plein {cycle}-{attempt}")).header("x-request-id", &rid).send().await;
            let Ok(response) = response else {
                row.violation(format!("cycle {cycle}: a write on a full disk got no answer"));
                continue;
            };
            row.requests += 1;
            let status = response.status().as_u16();
            let content_type =
                response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let retry = response.headers().contains_key("retry-after");
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            match status {
                201 => {
                    // It fitted in pages the database had already: acknowledged, so it must last.
                    accepted_while_full += 1;
                    let id = body["id"].as_str().and_then(|s| s.parse().ok()).context("no id")?;
                    ledger.acknowledge(Ack::Project { id, request_id: rid });
                }
                503 | 507 => {
                    refusals += 1;
                    row.ms_503(started.elapsed().as_secs_f64() * 1000.0);
                    let detail = body["detail"].as_str().unwrap_or("").to_lowercase();
                    if content_type != "application/problem+json" || !retry {
                        row.violation(format!(
                            "cycle {cycle}: disk full answered {status} as {content_type:?}, Retry-After {retry}"
                        ));
                    }
                    if !(detail.contains("disk") || detail.contains("space") || detail.contains("storage")) {
                        row.violation(format!("cycle {cycle}: the {status} does not say the disk is full: {body}"));
                    }
                }
                other => row.violation(format!("cycle {cycle}: a write on a full disk answered {other}: {body}")),
            }
            if refusals >= 3 {
                break;
            }
        }
        if refusals == 0 {
            row.violation(format!(
                "cycle {cycle}: no write was refused with {filled} bytes of filler: the disk never filled"
            ));
        }
        row.notes.push(format!(
            "cycle {cycle}: filler {} MB; {refusals} writes refused, {accepted_while_full} accepted in pages already allocated",
            filled >> 20
        ));
        // Reads keep working.
        for path in ["/api/v1/projects?limit=5".to_owned(), "/health/live".to_owned()]
            .into_iter()
            .chain(some_project.map(|id: uuid::Uuid| format!("/api/v1/projects/{id}")))
        {
            let r = ctx.client.get(server.url(&path)).bearer_auth(&session.token).send().await;
            match r {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => row.violation(format!("cycle {cycle}: reading {path} on a full disk answered {}", r.status())),
                Err(e) => row.violation(format!("cycle {cycle}: reading {path} on a full disk failed: {e}")),
            }
        }
        // Space freed: writes work again.
        std::fs::remove_file(&filler)?;
        let freed = Instant::now();
        let mut back = false;
        while freed.elapsed() < Duration::from_secs(10) {
            let rid = format!("rel-{}", uuid::Uuid::new_v4().simple());
            let request = create(format!("{TITLE_PREFIX} après {cycle}")).header("x-request-id", &rid);
            if let Some((201, _, body)) = send(&ledger, request, "write after freeing space").await {
                let id = body["id"].as_str().and_then(|s| s.parse().ok()).context("no id")?;
                ledger.acknowledge(Ack::Project { id, request_id: rid });
                back = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if back {
            row.recovery(freed.elapsed());
        } else {
            row.violation(format!("cycle {cycle}: writes did not work again within 10 s of freeing space"));
        }
        row.cycles += 1;
    }
    row.stats(&ledger.take_stats(), false);
    let _ = server.terminate(Duration::from_secs(35)).await;
    let integrity = sqlite_integrity(&url).await?;
    row.notes.push(format!("PRAGMA integrity_check: {integrity}"));
    if integrity != "ok" {
        row.violation(format!("integrity_check: {integrity}"));
    }
    row.verdict(&verify(&url, &ledger.acks()).await?);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 5. Clock skew (faketime)

pub async fn clock_skew(ctx: &Ctx) -> anyhow::Result<Row> {
    const TTL: i64 = 120;
    const LEEWAY: i64 = 30;
    let mut row = Row::new("clock_skew", "sqlite");
    crate::procs::faketime_library()?;
    let (url, db) = ctx.database("sqlite", "clock").await?;
    let spec = ctx.spec(&url, "clock_skew-sqlite").env("ACCESS_TOKEN_TTL_SECS", TTL).env("JWT_LEEWAY_SECS", LEEWAY);
    // Tokens issued by a server with the true clock.
    let server = Server::start(&spec, &ctx.client).await?;
    let token = login(&ctx.client, &server.base).await?;
    let _ = server.terminate(Duration::from_secs(35)).await;
    // (offset of the server's clock, whether the token must be accepted, why)
    let cases = [
        (-20, true, "server 20 s behind: iat/nbf 20 s ahead, within the leeway"),
        (-90, false, "server 90 s behind: nbf beyond the leeway"),
        (TTL + 20, true, "expired 20 s ago, within the leeway"),
        (TTL + 90, false, "expired 90 s ago, beyond the leeway"),
    ];
    for cycle in 0..ctx.cycles {
        for (offset, accepted, why) in cases {
            let mut faked = spec.clone();
            faked.faketime = Some(format!("{offset:+}s"));
            let server = Server::start(&faked, &ctx.client).await?;
            let response = ctx.client.get(server.url("/api/v1/auth/me")).bearer_auth(&token).send().await?;
            let status = response.status().as_u16();
            // The server's own clock, from its Date header, proves the shift.
            let skew = response
                .headers()
                .get("date")
                .and_then(|d| d.to_str().ok())
                .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
                .map(|d| d.timestamp() - chrono::Utc::now().timestamp());
            let expected = if accepted { 200 } else { 401 };
            if skew.is_none_or(|s| (s - offset).abs() > 3) {
                row.violation(format!("faketime {offset:+}s: the server's Date is off by {skew:?} s, not {offset} s"));
            }
            if status != expected {
                row.violation(format!("{why}: answered {status}, expected {expected}"));
            }
            if cycle == 0 {
                row.notes.push(format!("clock {offset:+} s ({why}): {status}"));
            }
            let _ = server.terminate(Duration::from_secs(35)).await;
        }
        row.cycles += 1;
    }
    db.drop_files();
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// 6. Slowloris

/// Connects and sends `prefix`, then one more header byte every 200 ms until the server closes the
/// connection. Returns how long the connection lived (or `None` past `limit`).
async fn slow_client(port: u16, prefix: Vec<u8>, limit: Duration) -> anyhow::Result<Option<Duration>> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let started = Instant::now();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(&prefix).await?;
    if prefix.ends_with(b"\r\n\r\n") {
        // A complete first request: read its answer, then start the slow second one.
        let mut buf = [0u8; 4096];
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            bail!("the server closed before answering the first request");
        }
    }
    writer.write_all(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n").await?;
    let mut buf = [0u8; 1024];
    loop {
        if started.elapsed() > limit {
            return Ok(None);
        }
        tokio::select! {
            read = reader.read(&mut buf) => {
                // Closed (0), reset, or an answer such as 408: the server is done with it.
                let _ = read;
                return Ok(Some(started.elapsed()));
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                if writer.write_all(b"x").await.is_err() {
                    return Ok(Some(started.elapsed()));
                }
            }
        }
    }
}

pub async fn slowloris(ctx: &Ctx) -> anyhow::Result<Row> {
    const TIMEOUT_MS: u64 = 3000;
    const SLOW: usize = 200;
    let mut row = Row::new("slowloris", "sqlite");
    let (url, db) = ctx.database("sqlite", "slowloris").await?;
    let spec = ctx.spec(&url, "slowloris-sqlite").env("CLIENT_REQUEST_TIMEOUT_MS", TIMEOUT_MS);
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    for cycle in 0..ctx.cycles {
        let limit = Duration::from_secs(30);
        let mut slow = Vec::new();
        for i in 0..SLOW {
            // Most send the first head byte by byte; some first finish a request, then crawl on the
            // same keep-alive connection.
            let prefix: Vec<u8> =
                if i % 5 == 0 { b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_vec() } else { Vec::new() };
            slow.push(tokio::spawn(slow_client(server.port, prefix, limit)));
        }
        // Normal requests meanwhile.
        let ledger = Ledger::default();
        let started = Instant::now();
        let mut max_ms: f64 = 0.0;
        while started.elapsed() < Duration::from_millis(TIMEOUT_MS + 2000) {
            let t = Instant::now();
            let request = ctx.client.get(server.url("/api/v1/projects?limit=5")).bearer_auth(&session.token);
            match send(&ledger, request, "normal read").await {
                Some((200, _, _)) => {}
                other => row.violation(format!(
                    "cycle {cycle}: a normal request during the slowloris got {:?}",
                    other.map(|o| o.0)
                )),
            }
            max_ms = max_ms.max(t.elapsed().as_secs_f64() * 1000.0);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if max_ms > 1000.0 {
            row.violation(format!("cycle {cycle}: a normal request took {max_ms:.0} ms during the slowloris"));
        }
        let mut cut = Vec::new();
        for task in slow {
            match task.await? {
                Ok(Some(lived)) => cut.push(lived.as_secs_f64()),
                Ok(None) => {
                    row.violation(format!("cycle {cycle}: a slow connection was not cut within {} s", limit.as_secs()))
                }
                Err(e) => row.violation(format!("cycle {cycle}: a slow client failed: {e}")),
            }
        }
        let longest = cut.iter().copied().fold(0.0, f64::max);
        // Head timer on the first request; keep-alive (5 s) then the head timer on a later one.
        let bound = (TIMEOUT_MS as f64 / 1000.0) + 5.0 + 3.0;
        if longest > bound {
            row.violation(format!("cycle {cycle}: a slow connection lived {longest:.1} s (bound {bound:.0} s)"));
        }
        row.notes.push(format!(
            "cycle {cycle}: {} slow connections cut after at most {longest:.1} s (request time-out {} s); {} normal requests, slowest {max_ms:.0} ms",
            cut.len(),
            TIMEOUT_MS / 1000,
            ledger.stats().requests
        ));
        row.requests += ledger.stats().requests;
        row.recovery(Duration::from_secs_f64(longest));
        row.cycles += 1;
    }
    let _ = server.terminate(Duration::from_secs(35)).await;
    db.drop_files();
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// 7. Soak

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

pub async fn soak(ctx: &Ctx, backend: &str) -> anyhow::Result<Row> {
    let mut row = Row::new("soak", backend);
    let (url, db) = ctx.database(backend, "soak").await?;
    let spec = ctx.spec(&url, &format!("soak-{backend}"));
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    let started = Instant::now();
    let (rss_start, _) = server.memory_kb();
    let load = Load::start(&ctx.client, &server.base, &session, &ledger, 6, 70, "soak");
    let total = Duration::from_secs(ctx.soak_secs.max(10));
    let warm_up = (total / 10).clamp(Duration::from_secs(5), Duration::from_secs(30));
    tokio::time::sleep(warm_up).await;
    let (rss_warm, _) = server.memory_kb();
    let mut rss_max = rss_warm;
    while started.elapsed() < total {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss_max = rss_max.max(server.memory_kb().0);
    }
    let (rss_end, hwm) = server.memory_kb();
    load.stop().await;
    let mut stats = ledger.take_stats();
    let p50 = percentile(&mut stats.latencies_ms, 50.0);
    let p99 = percentile(&mut stats.latencies_ms, 99.0);
    let errors: u64 = stats.refused.values().sum::<u64>() + stats.transport_errors;
    let bound = 2 * rss_warm + 32 * 1024;
    row.notes.push(format!(
        "{:.0} s, {} requests ({:.0}/s), {errors} errors, p50 {p50:.1} ms, p99 {p99:.1} ms; RSS start {} MB, after warm-up {} MB, end {} MB, peak {} MB (bound {} MB)",
        started.elapsed().as_secs_f64(),
        stats.requests,
        stats.requests as f64 / started.elapsed().as_secs_f64(),
        rss_start / 1024,
        rss_warm / 1024,
        rss_end / 1024,
        hwm / 1024,
        bound / 1024
    ));
    if rss_end > bound {
        row.violation(format!(
            "RSS grew from {} MB to {} MB (bound {} MB)",
            rss_warm / 1024,
            rss_end / 1024,
            bound / 1024
        ));
    }
    if errors > 0 {
        row.violation(format!("{errors} errors during the soak"));
    }
    row.stats(&stats, false);
    row.cycles = 1;
    let _ = server.terminate(Duration::from_secs(35)).await;
    row.verdict(&verify(&url, &ledger.acks()).await?);
    db.drop_files();
    Ok(row)
}
