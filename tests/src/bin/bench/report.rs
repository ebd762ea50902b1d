//! The report of a run: the machine, each scenario's runs and median, the plans, as JSON.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{dataset, load::Sample, workspace};

#[derive(Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_mb: u64,
    pub kernel: String,
    pub load_average_start: String,
    pub load_average_end: String,
    pub wrk: String,
    pub git_commit: String,
}

#[derive(Serialize, Clone)]
pub struct Summary {
    pub rps: f64,
    pub ok_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    pub peak_rss_kb: u64,
}

#[derive(Serialize)]
pub struct ScenarioResult {
    pub key: String,
    pub description: String,
    pub server: &'static str,
    pub connections: u32,
    pub path: String,
    pub runs: Vec<Sample>,
    pub median: Summary,
}

#[derive(Serialize)]
pub struct Plan {
    pub name: String,
    pub sql: String,
    pub plan: String,
    /// The statement alone, run from this process: median of 20 runs.
    pub median_ms: f64,
}

#[derive(Serialize)]
pub struct BackendReport {
    pub backend: String,
    pub database: String,
    pub server_version: String,
    pub data: dataset::Counts,
    pub partner_id: Uuid,
    pub partner_projects: i64,
    pub updated_since: String,
    pub feed_pages_walked: usize,
    pub deep_page: usize,
    pub deep_page_note: String,
    pub plans: Vec<Plan>,
    pub results: Vec<ScenarioResult>,
    /// Resident memory of the API just after start (migrations and seed done, no request yet),
    /// after the set-up (logins, the feed and the list walked), and its lifetime peak.
    pub api_rss_after_start_kb: u64,
    pub api_rss_after_setup_kb: u64,
    pub api_hwm_kb: u64,
    pub baseline_rss_after_start_kb: u64,
    pub baseline_hwm_kb: u64,
    pub notes: Vec<String>,
}

#[derive(Serialize)]
pub struct Report {
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub smoke: bool,
    pub projects: usize,
    pub duration_s: u64,
    pub warmup_s: u64,
    pub repetitions: usize,
    pub connections: u32,
    pub wrk_threads: u32,
    pub machine: Machine,
    pub backends: Vec<BackendReport>,
}

pub fn read_first_line(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default().lines().next().unwrap_or("").trim().to_owned()
}

/// The 1, 5 and 15-minute load averages.
pub fn load_average() -> String {
    read_first_line("/proc/loadavg").split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

pub fn machine(load_start: String) -> Machine {
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
