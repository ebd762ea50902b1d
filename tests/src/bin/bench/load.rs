//! Driving load with `wrk` and watching the server's memory while it runs.
use std::{path::Path, time::Duration};

use serde::{Deserialize, Serialize};

/// One request shape, written as a wrk Lua script.
pub struct Script {
    pub method: &'static str,
    /// Paths to request; one at random per request when there are several.
    pub paths: Vec<String>,
    pub headers: Vec<(String, String)>,
    /// A JSON body; `{progress}` is replaced by a random whole number 0–100 per request.
    pub body: Option<String>,
}

fn lua_string(text: &str) -> String {
    format!("[==[{text}]==]")
}

impl Script {
    pub fn get(path: impl Into<String>) -> Self {
        Self { method: "GET", paths: vec![path.into()], headers: Vec::new(), body: None }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", format!("Bearer {token}"))
    }

    /// The Lua program: the request(s), and a `done` hook that prints the summary as one JSON line.
    pub fn lua(&self) -> String {
        let mut lua = String::new();
        lua.push_str("local paths = {\n");
        for path in &self.paths {
            lua.push_str(&format!("  {},\n", lua_string(path)));
        }
        lua.push_str("}\nlocal headers = {}\n");
        for (name, value) in &self.headers {
            lua.push_str(&format!("headers[ {} ] = {}\n", lua_string(name), lua_string(value)));
        }
        lua.push_str(&format!("local method = {}\n", lua_string(self.method)));
        lua.push_str(&format!(
            "local body = {}\n",
            self.body.as_deref().map(lua_string).unwrap_or_else(|| "nil".to_owned())
        ));
        lua.push_str(
            r#"
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(os.time() * 1000 + (seed or 0) * 7919)
end
local fixed = nil
request = function()
  if #paths == 1 and body == nil then
    if fixed == nil then fixed = wrk.format(method, paths[1], headers, nil) end
    return fixed
  end
  local path = paths[math.random(#paths)]
  local text = nil
  if body ~= nil then
    text = string.gsub(body, "{progress}", tostring(math.random(0, 100)))
  end
  return wrk.format(method, path, headers, text)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%.0f,"p90_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"#,
        );
        lua
    }
}

/// What wrk's `done` hook reports.
#[derive(Deserialize)]
struct WrkSummary {
    requests: u64,
    duration_us: u64,
    connect: u64,
    read: u64,
    write: u64,
    status: u64,
    timeout: u64,
    p50_us: f64,
    p90_us: f64,
    p99_us: f64,
    max_us: f64,
    mean_us: f64,
}

/// One measured run.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    pub requests: u64,
    pub seconds: f64,
    /// All answers per second.
    pub rps: f64,
    /// Answers below 400 per second (2xx and 3xx).
    pub ok_rps: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    /// Answers of 400 or more.
    pub errors_status: u64,
    /// Connect, read, write errors and time-outs.
    pub errors_socket: u64,
    /// The highest resident set size of the server seen during the run (sampled every 50 ms).
    pub peak_rss_kb: u64,
    /// The server's lifetime peak (VmHWM) at the end of the run.
    pub hwm_kb: u64,
}

/// A field of /proc/PID/status, in kB.
pub fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

pub struct Load<'a> {
    pub url: &'a str,
    pub script: &'a Script,
    pub connections: u32,
    pub threads: u32,
    pub seconds: u64,
    /// Where the Lua script is written.
    pub script_path: &'a Path,
    /// The server process whose memory is watched.
    pub pid: u32,
}

/// Runs wrk once.
pub async fn run(load: Load<'_>) -> anyhow::Result<Sample> {
    std::fs::write(load.script_path, load.script.lua())?;
    let threads = load.threads.min(load.connections).max(1);
    let mut command = tokio::process::Command::new("wrk");
    command
        .arg("-t")
        .arg(threads.to_string())
        .arg("-c")
        .arg(load.connections.to_string())
        .arg("-d")
        .arg(format!("{}s", load.seconds))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(load.script_path)
        .arg(load.url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(|error| {
        anyhow::anyhow!("cannot run wrk ({error}): install it (Debian/Ubuntu: apt-get install wrk)")
    })?;
    let pid = load.pid;
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let sampler = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            if let Some(rss) = proc_status_kb(pid, "VmRSS:") {
                peak = peak.max(rss);
            }
            tokio::select! {
                _ = &mut stop_rx => break,
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
        peak
    });
    let output = child.wait_with_output().await?;
    let _ = stop_tx.send(());
    let peak_rss_kb = sampler.await.unwrap_or(0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|line| line.strip_prefix("BENCH_RESULT ")).ok_or_else(|| {
        anyhow::anyhow!(
            "wrk gave no result (status {}): {}\n{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let summary: WrkSummary = serde_json::from_str(line)?;
    let seconds = summary.duration_us as f64 / 1e6;
    let rps = summary.requests as f64 / seconds;
    let ok = summary.requests.saturating_sub(summary.status);
    Ok(Sample {
        requests: summary.requests,
        seconds,
        rps,
        ok_rps: ok as f64 / seconds,
        p50_ms: summary.p50_us / 1000.0,
        p90_ms: summary.p90_us / 1000.0,
        p99_ms: summary.p99_us / 1000.0,
        max_ms: summary.max_us / 1000.0,
        mean_ms: summary.mean_us / 1000.0,
        errors_status: summary.status,
        errors_socket: summary.connect + summary.read + summary.write + summary.timeout,
        peak_rss_kb,
        hwm_kb: proc_status_kb(pid, "VmHWM:").unwrap_or(0),
    })
}

/// The median of some numbers (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let middle = values.len() / 2;
    if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2.0 }
}
