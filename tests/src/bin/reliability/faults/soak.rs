//! The soak: mixed reads and writes for a while, memory and latency watched.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use super::{Ctx, Row};
use crate::{
    procs::Server,
    verify::verify,
    workload::{Ledger, Load, session},
};

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

pub async fn soak(ctx: &Ctx, backend: &str) -> anyhow::Result<Row> {
    let mut row = Row::new("soak", backend);
    let (url, db) = ctx.database(backend, "soak").await?;
    let spec = ctx.spec(&url, &format!("soak-{backend}"));
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    let started = Instant::now();
    let (rss_start, _) = server.memory_kb();
    let load = Load::start(&ctx.client, &server.base, &session, &ledger, 6, 70, "soak");
    let total = Duration::from_secs(ctx.soak_secs.max(10));
    let warm_up = (total / 10).clamp(Duration::from_secs(5), Duration::from_secs(30));
    tokio::time::sleep(warm_up).await;
    let (rss_warm, _) = server.memory_kb();
    let mut rss_max = rss_warm;
    while started.elapsed() < total {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss_max = rss_max.max(server.memory_kb().0);
    }
    let (rss_end, hwm) = server.memory_kb();
    load.stop().await;
    let mut stats = ledger.take_stats();
    let p50 = percentile(&mut stats.latencies_ms, 50.0);
    let p99 = percentile(&mut stats.latencies_ms, 99.0);
    let errors: u64 = stats.refused.values().sum::<u64>() + stats.transport_errors;
    let bound = 2 * rss_warm + 32 * 1024;
    row.notes.push(format!(
        "{:.0} s, {} requests ({:.0}/s), {errors} errors, p50 {p50:.1} ms, p99 {p99:.1} ms; RSS start {} MB, after warm-up {} MB, end {} MB, peak {} MB (bound {} MB)",
        started.elapsed().as_secs_f64(),
        stats.requests,
        stats.requests as f64 / started.elapsed().as_secs_f64(),
        rss_start / 1024,
        rss_warm / 1024,
        rss_end / 1024,
        hwm / 1024,
        bound / 1024
    ));
    if rss_end > bound {
        row.violation(format!(
            "RSS grew from {} MB to {} MB (bound {} MB)",
            rss_warm / 1024,
            rss_end / 1024,
            bound / 1024
        ));
    }
    if errors > 0 {
        row.violation(format!("{errors} errors during the soak"));
    }
    row.stats(&stats, false);
    row.cycles = 1;
    let _ = server.terminate(Duration::from_secs(35)).await;
    row.verdict(&verify(&url, &ledger.acks()).await?);
    db.drop_files();
    Ok(row)
}
