//! Throwaway PostgreSQL clusters, made with the commands of `.ci/postgres.sh` (`pg_start`/`pg_stop`):
//! the newest installed PostgreSQL, `initdb` and `pg_ctl` run as the `postgres` user when we are
//! root (initdb refuses root), a data folder under the temp dir, a free loopback port, trust auth.
use std::path::PathBuf;

use anyhow::{Context, anyhow};

use super::processes::{free_port, is_root, registry, run_checked};

/// A shell command run as the `postgres` user when we are root, created if missing, from `/`
/// (`as_pg_user` of `.ci/postgres.sh`).
pub(crate) fn as_pg_user(script: &str) -> std::process::Command {
    if is_root() {
        let mut command = std::process::Command::new("su");
        command.current_dir("/").args(["postgres", "-s", "/bin/bash", "-c", script]);
        command
    } else {
        let mut command = std::process::Command::new("bash");
        command.args(["-c", script]);
        command
    }
}

/// The folder of `pg_ctl` and `initdb`: on the `PATH`, else the newest `/usr/lib/postgresql/*/bin`
/// (`pg_bin` of `.ci/postgres.sh`).
fn pg_bin() -> anyhow::Result<PathBuf> {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .and_then(|path| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()))
    };
    if let (Some(pg_ctl), Some(_)) = (on_path("pg_ctl"), on_path("initdb"))
        && let Some(dir) = pg_ctl.parent()
    {
        return Ok(dir.to_path_buf());
    }
    let version = |dir: &PathBuf| -> Vec<u32> {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.split('.').map(|part| part.parse().unwrap_or(0)).collect()
    };
    std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (apt-get install postgresql)")?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("bin/initdb").exists())
        .max_by_key(version)
        .map(|p| p.join("bin"))
        .ok_or_else(|| anyhow!("no initdb under /usr/lib/postgresql/*/bin"))
}

/// How a cluster runs. `.ci/postgres.sh` turns fsync off for the test suite's speed; a harness
/// that crashes the cluster keeps it on, so that nothing acknowledged may be lost.
#[derive(Clone, Copy, Debug)]
pub struct PgOptions {
    pub fsync: bool,
    pub max_connections: u32,
}

/// A PostgreSQL cluster of the harness's own, on a free loopback port, registered for `cleanup_all`.
#[derive(Clone)]
pub struct PgCluster {
    bin: PathBuf,
    pub dir: PathBuf,
    pub port: u16,
    options: PgOptions,
}

impl PgCluster {
    /// `pg_start`: initdb in a fresh folder, then start on a free port.
    pub fn create(options: PgOptions) -> anyhow::Result<Self> {
        let bin = pg_bin()?;
        if is_root() {
            let exists = std::process::Command::new("id").arg("postgres").output().is_ok_and(|o| o.status.success());
            if !exists {
                let mut useradd = std::process::Command::new("useradd");
                useradd.args(["--system", "--create-home", "postgres"]);
                run_checked(useradd, "useradd postgres")?;
            }
        }
        let dir = std::env::temp_dir().join(format!("djcd-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let mut chmod = std::process::Command::new("chmod");
        chmod.arg("777").arg(&dir);
        run_checked(chmod, "chmod")?;
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
        let cluster = Self { bin, dir, port: free_port()?, options };
        cluster.start()?;
        Ok(cluster)
    }

    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Starts the cluster, or starts it again after `stop`.
    pub fn start(&self) -> anyhow::Result<()> {
        let fsync = if self.options.fsync { "" } else { " -c fsync=off" };
        run_checked(
            as_pg_user(&format!(
                "'{bin}/pg_ctl' -D '{dir}/data' -l '{dir}/server.log' -w -t 60 -o \"-p {port} -k '{dir}' -c listen_addresses=127.0.0.1{fsync} -c max_connections={max}\" start",
                bin = self.bin.display(),
                dir = self.dir.display(),
                port = self.port,
                max = self.options.max_connections,
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

    /// `pg_stop`: a fast stop, and the folder removed.
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
