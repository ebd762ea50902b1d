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
mod baseline;
mod databases;
mod dataset;
mod load;
mod measure;
mod plans;
mod report;
mod scenarios;
mod servers;
mod setup;
mod summary;

use std::path::{Path, PathBuf};

use clap::Parser;

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
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(summary::run(options))
}
