//! The release `api` server as a child process: the environment both harnesses start it with,
//! and the wait until it answers.
use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::bail;

/// The command that runs `server` on `database_url` and 127.0.0.1:`port`, with a bootstrap
/// director and the limits a load harness needs (no login throttling, day-long tokens, warnings
/// only in the log). Callers add their own environment and the subcommand.
pub fn api_command(
    server: &Path,
    database_url: &str,
    port: u16,
    (director_email, director_password): (&str, &str),
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(server);
    command
        .env_remove("RUST_LOG")
        .env("APP_ENV", "development")
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("BOOTSTRAP_DIRECTOR_EMAIL", director_email)
        .env("BOOTSTRAP_DIRECTOR_PASSWORD", director_password)
        .env("LOGIN_ATTEMPTS_PER_MINUTE", "100000")
        .env("LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS", "100000")
        // A run is longer than the default 15 minutes; the token is checked the same way.
        .env("ACCESS_TOKEN_TTL_SECS", "86400")
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Polls `url` every `poll` until it answers 2xx; fails when `child` exits first or after `limit`.
pub async fn wait_ready(
    client: &reqwest::Client,
    url: &str,
    child: &mut tokio::process::Child,
    limit: Duration,
    poll: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(response) = client.get(url).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("the server exited with {status} before answering {url}");
        }
        if Instant::now() > deadline {
            bail!("{url} did not answer within {} s", limit.as_secs());
        }
        tokio::time::sleep(poll).await;
    }
}
