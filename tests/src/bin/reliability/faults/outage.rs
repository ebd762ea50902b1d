//! The database outage (PostgreSQL): the cluster stopped while clients write, then started again.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;

use super::{Ctx, Row, blocking, until_ok};
use crate::{
    procs::Server,
    verify::verify,
    workload::{Ledger, Load, TITLE_PREFIX, project_body, session},
};

pub async fn db_outage(ctx: &Ctx) -> anyhow::Result<Row> {
    let mut row = Row::new("db_outage", "postgres");
    let (url, _) = ctx.database("postgres", "outage").await?;
    let spec = ctx.spec(&url, "db_outage-postgres");
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    let pg = ctx.pg.as_ref().context("no PostgreSQL cluster")?;
    for cycle in 0..ctx.cycles {
        let mode = if cycle % 2 == 0 { "fast" } else { "immediate" };
        let load = Load::start(&ctx.client, &server.base, &session, &ledger, 4, 0, &format!("outage{cycle}-"));
        tokio::time::sleep(Duration::from_secs(2)).await;
        let stopped = Instant::now();
        {
            let (cluster, stop_mode) = (pg.clone(), mode.to_owned());
            blocking(move || cluster.stop(&stop_mode)).await?;
        }
        row.notes.push(format!("cycle {cycle}: pg_ctl stop -m {mode} took {:.1} s", stopped.elapsed().as_secs_f64()));
        // While it is down: not ready, and requests answer 503 problem+json with Retry-After, fast.
        let probe_until = Instant::now() + Duration::from_secs(3);
        let mut probes = 0;
        while Instant::now() < probe_until {
            probes += 1;
            let ready = ctx.client.get(server.url("/health/ready")).send().await;
            match ready {
                Ok(r) if r.status().as_u16() == 503 => {}
                Ok(r) => row.violation(format!(
                    "cycle {cycle}: /health/ready answered {} while PostgreSQL was down",
                    r.status()
                )),
                Err(e) => row.violation(format!("cycle {cycle}: /health/ready gave no answer: {e}")),
            }
            let started = Instant::now();
            let write = ctx
                .client
                .post(server.url("/api/v1/projects"))
                .bearer_auth(&session.token)
                .json(&project_body(&session, &format!("{TITLE_PREFIX} sonde {cycle}-{probes}")))
                .send()
                .await;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            match write {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let problem = r.headers().get("content-type").is_some_and(|v| v == "application/problem+json");
                    let retry = r.headers().contains_key("retry-after");
                    if status != 503 || !problem || !retry {
                        row.violation(format!(
                            "cycle {cycle}: a write during the outage answered {status} (problem+json: {problem}, Retry-After: {retry})"
                        ));
                    }
                    row.ms_503(ms);
                    if ms > 2000.0 {
                        row.violation(format!("cycle {cycle}: a 503 took {ms:.0} ms (more than 2 s)"));
                    }
                }
                Err(e) => row.violation(format!("cycle {cycle}: a write during the outage got no answer: {e}")),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        {
            let cluster = pg.clone();
            blocking(move || cluster.start()).await?;
        }
        // The API serves again by itself: a read with the database behind it.
        match until_ok(
            &ctx.client,
            &server.url("/api/v1/projects?limit=1"),
            Some(&session.token),
            Duration::from_secs(10),
        )
        .await
        {
            Some(elapsed) => row.recovery(elapsed),
            None => {
                row.violation(format!("cycle {cycle}: the API did not serve again within 10 s of PostgreSQL's restart"))
            }
        }
        if until_ok(&ctx.client, &server.url("/health/ready"), None, Duration::from_secs(10)).await.is_none() {
            row.violation(format!("cycle {cycle}: /health/ready did not turn ready within 10 s"));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        load.stop().await;
        row.cycles += 1;
    }
    let stats = ledger.take_stats();
    if stats.max_503_ms > 2000.0 {
        row.violation(format!("a client's 503 took {:.0} ms (more than 2 s)", stats.max_503_ms));
    }
    row.stats(&stats, false);
    let _ = server.terminate(Duration::from_secs(35)).await;
    row.verdict(&verify(&url, &ledger.acks()).await?);
    Ok(row)
}
