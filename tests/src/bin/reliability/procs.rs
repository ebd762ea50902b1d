//! The release `api` server as the harness starts it (optionally under libfaketime), and the
//! harness's bootstrap director. Ports, signals, clusters and mounts are `tests::tools`.
use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{Context, anyhow, bail};
pub use tests::tools::{PgCluster, PgOptions, cleanup_all, free_port, mount_tmpfs, unmount};
use tests::tools::{
    api_command,
    processes::{forget_pid, register_pid},
    signal, wait_ready,
};

pub const DIRECTOR_EMAIL: &str = "directeur@fiabilite.test";
pub const DIRECTOR_PASSWORD: &str = "Bamako-Leipzig-1966!";

/// The cluster of the harness: fsync and synchronous_commit at their defaults (on), so that a
/// `pg_ctl stop -m immediate` loses nothing acknowledged.
pub const PG_OPTIONS: PgOptions = PgOptions { fsync: true, max_connections: 200 };

/// How to start the server: its binary, database, extra environment, an optional `faketime` offset.
#[derive(Clone)]
pub struct ServerSpec {
    pub binary: PathBuf,
    pub database_url: String,
    pub env: Vec<(String, String)>,
    pub faketime: Option<String>,
    pub log: PathBuf,
}

impl ServerSpec {
    pub fn new(binary: &Path, database_url: &str, log: PathBuf) -> Self {
        Self { binary: binary.to_owned(), database_url: database_url.to_owned(), env: Vec::new(), faketime: None, log }
    }

    pub fn env(mut self, key: &str, value: impl ToString) -> Self {
        self.env.push((key.to_owned(), value.to_string()));
        self
    }
}

/// Debian's libfaketime (package `faketime`), multi-threaded variant.
pub fn faketime_library() -> anyhow::Result<PathBuf> {
    ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .ok_or_else(|| anyhow!("libfaketime is missing: apt-get install faketime"))
}

/// The release server, running as a child process.
pub struct Server {
    child: tokio::process::Child,
    pub pid: u32,
    pub port: u16,
    pub base: String,
}

impl Server {
    pub async fn start(spec: &ServerSpec, client: &reqwest::Client) -> anyhow::Result<Self> {
        Self::start_on(spec, client, free_port()?).await
    }

    pub async fn start_on(spec: &ServerSpec, client: &reqwest::Client, port: u16) -> anyhow::Result<Self> {
        if let Some(parent) = spec.log.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&spec.log)?;
        let mut command = api_command(&spec.binary, &spec.database_url, port, (DIRECTOR_EMAIL, DIRECTOR_PASSWORD));
        if let Some(offset) = &spec.faketime {
            // libfaketime preloaded into the server itself (not the `faketime` wrapper, which forks:
            // the pid must be the server's). Only the wall clock moves; timers keep the real pace.
            command
                .env("LD_PRELOAD", faketime_library()?)
                .env("FAKETIME", offset)
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
                .env("DONT_FAKE_MONOTONIC", "1");
        }
        command
            .arg("serve")
            // Every client of the harness is 127.0.0.1, the slowloris fault's 200 sockets included:
            // the per-address cap (a test of its own) must not refuse the normal requests it times.
            .env("MAX_CONNECTIONS_PER_ADDRESS", "4096")
            .envs(spec.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(log.try_clone()?)
            .stderr(log);
        let mut child = command.spawn().with_context(|| {
            format!("cannot start {}: build it with `cargo build --release -p api --bin api`", spec.binary.display())
        })?;
        let pid = child.id().ok_or_else(|| anyhow!("the server has no pid"))?;
        register_pid(pid);
        let base = format!("http://127.0.0.1:{port}");
        let ready = format!("{base}/health/ready");
        if let Err(error) =
            wait_ready(client, &ready, &mut child, Duration::from_secs(60), Duration::from_millis(50)).await
        {
            forget_pid(pid);
            bail!("{error}; see {}", spec.log.display());
        }
        Ok(Self { child, pid, port, base })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL, and waits for the process to be gone.
    pub async fn kill(mut self) {
        signal(self.pid, "KILL");
        let _ = self.child.wait().await;
        forget_pid(self.pid);
    }

    /// Sends SIGTERM and returns how long the process took to exit (or an error past `limit`).
    pub async fn terminate(mut self, limit: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        signal(self.pid, "TERM");
        let waited = tokio::time::timeout(limit, self.child.wait()).await;
        let elapsed = started.elapsed();
        let result = match waited {
            Ok(status) => {
                status?;
                Ok(elapsed)
            }
            Err(_) => {
                signal(self.pid, "KILL");
                let _ = self.child.wait().await;
                Err(anyhow!("the server did not exit within {} s of SIGTERM", limit.as_secs_f64()))
            }
        };
        forget_pid(self.pid);
        result
    }

    /// Resident memory now and at its peak, in kB, from /proc/<pid>/status.
    pub fn memory_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}
