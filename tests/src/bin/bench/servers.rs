//! The two servers under load, as child processes: the release `api` and the sqlx baseline (this
//! binary, `--serve-baseline`). Ports, signals and the wait until ready are `tests::tools`.
use std::{path::Path, process::Stdio, time::Duration};

use anyhow::{Context, anyhow, bail};
use tests::tools::{free_port, signal, wait_ready};

use crate::{DIRECTOR_EMAIL, DIRECTOR_PASSWORD};

/// How long a server has to answer its health check after it starts.
const READY_WITHIN: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(100);

pub struct Server {
    child: tokio::process::Child,
    pub pid: u32,
    pub base: String,
}

impl Server {
    pub async fn stop(mut self) {
        // SIGTERM first, so that the server drains and exits as in production.
        signal(self.pid, "TERM");
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
    let mut command = tests::tools::api_command(server, database_url, port, (DIRECTOR_EMAIL, DIRECTOR_PASSWORD));
    command.env("PARTNER_REQUESTS_PER_MINUTE", "100000000");
    command
}

pub async fn migrate(server: &Path, database_url: &str, out: &Path, backend: &str) -> anyhow::Result<()> {
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

pub async fn start_api(
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
    wait_ready(client, &format!("{base}/health/ready"), &mut child, READY_WITHIN, POLL).await?;
    Ok(Server { child, pid, base })
}

pub async fn start_baseline(
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
    wait_ready(client, &format!("{base}/health"), &mut child, READY_WITHIN, POLL).await?;
    Ok(Server { child, pid, base })
}
