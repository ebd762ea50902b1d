//! The processes the harness starts: its own PostgreSQL cluster (fsync on, the default, so that a
//! `pg_ctl stop -m immediate` loses nothing acknowledged), the release `api` server, tmpfs mounts.
//! Everything started is registered, so that it is stopped by pid on every way out.
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::Mutex,
    time::{Duration, Instant},
};

use anyhow::{Context, anyhow, bail};

pub const DIRECTOR_EMAIL: &str = "directeur@fiabilite.test";
pub const DIRECTOR_PASSWORD: &str = "Bamako-Leipzig-1966!";

/// What to undo on the way out (also on ctrl-c): server pids, PostgreSQL data folders, mounts.
#[derive(Default)]
struct Registry {
    pids: Vec<u32>,
    clusters: Vec<(PathBuf, PathBuf)>,
    mounts: Vec<PathBuf>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { pids: Vec::new(), clusters: Vec::new(), mounts: Vec::new() });

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Stops every process the harness started and is still running, stops its clusters, unmounts.
pub fn cleanup_all() {
    let (pids, clusters, mounts) = {
        let mut r = registry();
        (std::mem::take(&mut r.pids), std::mem::take(&mut r.clusters), std::mem::take(&mut r.mounts))
    };
    for pid in pids {
        signal(pid, "KILL");
    }
    for (bin, dir) in clusters {
        let _ = as_pg_user(&format!("'{}/pg_ctl' -D '{}/data' -m immediate -w stop", bin.display(), dir.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&dir);
    }
    for mount in mounts {
        let _ = std::process::Command::new("umount").arg("-l").arg(&mount).status();
        let _ = std::fs::remove_dir_all(&mount);
    }
}

pub fn signal(pid: u32, name: &str) {
    let _ = std::process::Command::new("kill")
        .arg("-s")
        .arg(name)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A shell command run as the `postgres` user when we are root (initdb refuses root).
fn as_pg_user(script: &str) -> std::process::Command {
    if is_root() {
        let mut command = std::process::Command::new("su");
        command.current_dir("/").args(["postgres", "-s", "/bin/sh", "-c", script]);
        command
    } else {
        let mut command = std::process::Command::new("sh");
        command.args(["-c", script]);
        command
    }
}

fn run_checked(mut command: std::process::Command, what: &str) -> anyhow::Result<()> {
    let output = command.output().with_context(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// A PostgreSQL cluster of the harness's own, on a free loopback port.
#[derive(Clone)]
pub struct PgCluster {
    bin: PathBuf,
    pub dir: PathBuf,
    pub port: u16,
}

impl PgCluster {
    pub fn create() -> anyhow::Result<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .context("PostgreSQL is not installed (apt-get install postgresql)")?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .max()
            .ok_or_else(|| anyhow!("no initdb under /usr/lib/postgresql/*/bin"))?;
        if is_root() {
            let exists = std::process::Command::new("id").arg("postgres").output().is_ok_and(|o| o.status.success());
            if !exists {
                run_checked(
                    {
                        let mut c = std::process::Command::new("useradd");
                        c.args(["--system", "--create-home", "postgres"]);
                        c
                    },
                    "useradd postgres",
                )?;
            }
        }
        let dir = std::env::temp_dir().join(format!("djcd-reliability-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        run_checked(
            {
                let mut c = std::process::Command::new("chmod");
                c.arg("777").arg(&dir);
                c
            },
            "chmod",
        )?;
        registry().clusters.push((bin.clone(), dir.clone()));
        run_checked(
            as_pg_user(&format!(
                "'{}/initdb' -D '{}/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'{}/initdb.log' 2>&1",
                bin.display(),
                dir.display(),
                dir.display()
            )),
            "initdb",
        )?;
        let cluster = Self { bin, dir, port: free_port()? };
        cluster.start()?;
        Ok(cluster)
    }

    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Starts the cluster (fsync and synchronous_commit at their defaults: on).
    pub fn start(&self) -> anyhow::Result<()> {
        run_checked(
            as_pg_user(&format!(
                "'{bin}/pg_ctl' -D '{dir}/data' -l '{dir}/server.log' -w -t 60 -o \"-p {port} -k '{dir}' -c listen_addresses=127.0.0.1 -c max_connections=200\" start",
                bin = self.bin.display(),
                dir = self.dir.display(),
                port = self.port
            )),
            "pg_ctl start",
        )
    }

    /// `pg_ctl stop -m <mode>` (`fast` or `immediate`).
    pub fn stop(&self, mode: &str) -> anyhow::Result<()> {
        run_checked(
            as_pg_user(&format!(
                "'{}/pg_ctl' -D '{}/data' -m {mode} -w -t 60 stop",
                self.bin.display(),
                self.dir.display()
            )),
            &format!("pg_ctl stop -m {mode}"),
        )
    }

    pub fn destroy(self) {
        let _ = self.stop("fast");
        let _ = std::fs::remove_dir_all(&self.dir);
        registry().clusters.retain(|(_, d)| d != &self.dir);
    }

    pub async fn create_database(&self, name: &str) -> anyhow::Result<String> {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(self.admin_url()).await.context("connecting to the cluster")?;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        admin.close().await.ok();
        Ok(self.url(name))
    }
}

/// A tmpfs of `size_mb` megabytes mounted on a fresh folder (we are root in the sandbox).
pub fn mount_tmpfs(size_mb: u32) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("djcd-reliability-tmpfs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let mut command = std::process::Command::new("mount");
    command.args(["-t", "tmpfs", "-o", &format!("size={size_mb}m"), "tmpfs"]).arg(&dir);
    run_checked(command, "mount -t tmpfs (the disk-full fault needs root)")?;
    registry().mounts.push(dir.clone());
    Ok(dir)
}

pub fn unmount(dir: &Path) {
    let _ = std::process::Command::new("umount").arg(dir).status();
    let _ = std::fs::remove_dir_all(dir);
    registry().mounts.retain(|d| d != dir);
}

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
        let mut command = tokio::process::Command::new(&spec.binary);
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
            .env_remove("RUST_LOG")
            .env("APP_ENV", "development")
            .env("DATABASE_URL", &spec.database_url)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("BOOTSTRAP_DIRECTOR_EMAIL", DIRECTOR_EMAIL)
            .env("BOOTSTRAP_DIRECTOR_PASSWORD", DIRECTOR_PASSWORD)
            .env("LOGIN_ATTEMPTS_PER_MINUTE", "100000")
            .env("LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS", "100000")
            // Every client of the harness is 127.0.0.1, the slowloris fault's 200 sockets included:
            // the per-address cap (a test of its own) must not refuse the normal requests it times.
            .env("MAX_CONNECTIONS_PER_ADDRESS", "4096")
            .env("ACCESS_TOKEN_TTL_SECS", "86400")
            .env("LOG_LEVEL", "warn")
            .envs(spec.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        let mut child = command.spawn().with_context(|| {
            format!("cannot start {}: build it with `cargo build --release -p api --bin api`", spec.binary.display())
        })?;
        let pid = child.id().ok_or_else(|| anyhow!("the server has no pid"))?;
        registry().pids.push(pid);
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(format!("{base}/health/ready")).send().await
                && r.status().is_success()
            {
                break;
            }
            if let Some(status) = child.try_wait()? {
                registry().pids.retain(|p| *p != pid);
                bail!("the server exited with {status} before it was ready; see {}", spec.log.display());
            }
            if Instant::now() > deadline {
                bail!("the server was not ready within 60 s; see {}", spec.log.display());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
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
        registry().pids.retain(|p| *p != self.pid);
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
        registry().pids.retain(|p| *p != self.pid);
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
