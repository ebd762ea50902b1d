//! The fault-injection harness (issue 9): starts its own PostgreSQL cluster, SQLite files and the
//! release `api` binary as child processes, injects each fault while clients write, and checks with
//! a ledger of acknowledged writes that nothing was lost or half-applied.
//!
//! ```sh
//! cargo build --release -p api -p tests --bin api --bin reliability
//! target/release/reliability target/release/api --cycles 3 --soak-secs 300
//! ```
//!
//! Prints a summary table, writes it as JSON to `target/reliability/summary.json` (server logs in
//! `target/reliability/logs/`), and exits non-zero on any violation. Run as root (it mounts a tmpfs
//! for the disk-full fault and runs PostgreSQL as the `postgres` user) with Debian's `postgresql`
//! and `faketime` installed.
mod faults;
mod procs;
mod verify;
mod workload;

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use anyhow::Context;
use clap::Parser;
use faults::{Ctx, Row};

const FAULTS: [&str; 8] =
    ["db_outage", "api_crash", "crash_after_commit", "graceful_stop", "disk_full", "clock_skew", "slowloris", "soak"];

#[derive(Parser, Debug)]
#[command(about = "Fault injection against the release server: nothing acknowledged may be lost")]
struct Options {
    /// The release server binary.
    #[arg(default_value = "target/release/api")]
    server: PathBuf,
    /// Times each fault is injected.
    #[arg(long, default_value_t = 3)]
    cycles: u32,
    /// Length of the soak (mixed reads and writes), per backend.
    #[arg(long, default_value_t = 300)]
    soak_secs: u64,
    /// Only these faults (comma-separated): db_outage, api_crash, crash_after_commit,
    /// graceful_stop, disk_full, clock_skew, slowloris, soak.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Backends for the faults that run on both (comma-separated): sqlite, postgres.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// Where the summary and the server logs go.
    #[arg(long, default_value = "target/reliability")]
    out: PathBuf,
    /// HTTP workers of the server.
    #[arg(long, default_value_t = 2)]
    workers: usize,
}

fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    for fault in &options.only {
        if !FAULTS.contains(&fault.as_str()) {
            anyhow::bail!("unknown fault {fault}: one of {}", FAULTS.join(", "));
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(async {
        tokio::spawn(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("interrupted: stopping everything the harness started");
                procs::cleanup_all();
                std::process::exit(130);
            }
        });
        run(&options).await
    });
    procs::cleanup_all();
    match result {
        Ok(true) => Ok(()),
        Ok(false) => {
            eprintln!("reliability: VIOLATIONS (see above and {}/summary.json)", options.out.display());
            std::process::exit(1);
        }
        Err(e) => Err(e),
    }
}

fn wanted(options: &Options, fault: &str) -> bool {
    options.only.is_empty() || options.only.iter().any(|f| f == fault)
}

async fn run(options: &Options) -> anyhow::Result<bool> {
    let started = Instant::now();
    std::fs::create_dir_all(options.out.join("logs"))?;
    let server = std::fs::canonicalize(&options.server)
        .with_context(|| format!("no server binary at {}", options.server.display()))?;
    let backends: Vec<&str> = options.backends.iter().map(String::as_str).collect();
    let postgres = backends.contains(&"postgres");
    let needs_pg =
        ["db_outage", "api_crash", "crash_after_commit", "graceful_stop", "soak"].iter().any(|f| wanted(options, f));
    let pg = if postgres && needs_pg {
        let pg = tokio::task::spawn_blocking(|| procs::PgCluster::create(procs::PG_OPTIONS)).await??;
        eprintln!("PostgreSQL cluster on 127.0.0.1:{} ({})", pg.port, pg.dir.display());
        Some(pg)
    } else {
        None
    };
    let ctx = Ctx {
        binary: server,
        out: options.out.clone(),
        client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
        cycles: options.cycles,
        soak_secs: options.soak_secs,
        pg,
        workers: options.workers,
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut plan: Vec<(&str, &str)> = Vec::new();
    if postgres {
        plan.push(("db_outage", "postgres"));
    }
    for fault in ["api_crash", "crash_after_commit", "graceful_stop"] {
        for backend in &backends {
            plan.push((fault, backend));
        }
    }
    plan.extend([("disk_full", "sqlite"), ("clock_skew", "sqlite"), ("slowloris", "sqlite")]);
    for backend in &backends {
        plan.push(("soak", backend));
    }
    for (fault, backend) in plan {
        if !wanted(options, fault) {
            continue;
        }
        eprintln!("== {fault} ({backend})");
        let t = Instant::now();
        let result = match fault {
            "db_outage" => faults::db_outage(&ctx).await,
            "api_crash" => faults::api_crash(&ctx, backend).await,
            "crash_after_commit" => faults::crash_after_commit(&ctx, backend).await,
            "graceful_stop" => faults::graceful_stop(&ctx, backend).await,
            "disk_full" => faults::disk_full(&ctx).await,
            "clock_skew" => faults::clock_skew(&ctx).await,
            "slowloris" => faults::slowloris(&ctx).await,
            _ => faults::soak(&ctx, backend).await,
        };
        let mut row = result.unwrap_or_else(|e| Row {
            fault: fault.into(),
            backend: backend.into(),
            violations: vec![format!("the harness failed: {e:#}")],
            ..Default::default()
        });
        row.duration_s = t.elapsed().as_secs_f64();
        for note in &row.notes {
            eprintln!("   {note}");
        }
        for violation in &row.violations {
            eprintln!("   VIOLATION: {violation}");
        }
        rows.push(row);
    }
    if let Some(pg) = ctx.pg {
        pg.destroy();
    }
    let table = table(&rows);
    println!("{table}");
    let ok = rows.iter().all(|r| r.violations.is_empty());
    let summary = serde_json::json!({
        "ok": ok,
        "cycles": options.cycles,
        "soak_secs": options.soak_secs,
        "duration_s": started.elapsed().as_secs_f64(),
        "rows": rows,
    });
    let path = options.out.join("summary.json");
    std::fs::write(&path, serde_json::to_string_pretty(&summary)?)?;
    std::fs::write(options.out.join("summary.md"), &table)?;
    eprintln!("summary written to {} ({:.0} s in all)", path.display(), started.elapsed().as_secs_f64());
    Ok(ok)
}

fn table(rows: &[Row]) -> String {
    let ms = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}"));
    let mut out = String::from(
        "| fault | backend | cycles | requests | acknowledged | verified | lost | half-applied | max 503 ms | recovery ms | time s | result |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} |\n",
            r.fault,
            r.backend,
            r.cycles,
            r.requests,
            r.acknowledged,
            r.verified,
            r.lost,
            r.half_applied,
            ms(r.max_503_ms),
            ms(r.recovery_ms),
            r.duration_s,
            if r.violations.is_empty() { "ok".to_owned() } else { format!("{} violation(s)", r.violations.len()) }
        ));
    }
    out
}
