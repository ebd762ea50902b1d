//! The faults, each injected `cycles` times while clients write, then checked against the ledger.
use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use anyhow::Context;
use serde::Serialize;

use crate::{
    procs::{PgCluster, ServerSpec},
    verify::Verdict,
    workload::Stats,
};

mod clock;
mod commit;
mod crash;
mod disk;
mod outage;
mod slowloris;
mod soak;

pub use clock::clock_skew;
pub use commit::crash_after_commit;
pub use crash::{api_crash, graceful_stop};
pub use disk::disk_full;
pub use outage::db_outage;
pub use slowloris::slowloris;
pub use soak::soak;

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
pub(super) async fn until_ok(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    limit: Duration,
) -> Option<Duration> {
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

pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f).await?
}
