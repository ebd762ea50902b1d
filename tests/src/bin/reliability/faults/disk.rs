//! The disk full: the SQLite database on a small tmpfs filled while clients write.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;

use super::{Ctx, Row, blocking};
use crate::{
    procs::{Server, mount_tmpfs, unmount},
    verify::{sqlite_integrity, verify},
    workload::{Ack, Ledger, TITLE_PREFIX, project_body, send, session},
};

fn fill(path: &std::path::Path) -> anyhow::Result<u64> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let mut written = 0u64;
    for chunk in [1 << 20, 1 << 12, 1 << 9] {
        let block = vec![0u8; chunk];
        while file.write_all(&block).is_ok() {
            written += chunk as u64;
        }
    }
    let _ = file.sync_all();
    Ok(written)
}

pub async fn disk_full(ctx: &Ctx) -> anyhow::Result<Row> {
    let mut row = Row::new("disk_full", "sqlite");
    let mount = mount_tmpfs(48)?;
    let result = disk_full_on(ctx, &mount, &mut row).await;
    unmount(&mount);
    result?;
    Ok(row)
}

async fn disk_full_on(ctx: &Ctx, mount: &std::path::Path, row: &mut Row) -> anyhow::Result<()> {
    let url = format!("sqlite://{}/djcd.db?mode=rwc", mount.display());
    let spec = ctx.spec(&url, "disk_full-sqlite");
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    let filler = mount.join("filler");
    let create = |title: String| {
        ctx.client
            .post(server.url("/api/v1/projects"))
            .bearer_auth(&session.token)
            .header("accept-language", "en")
            .json(&project_body(&session, &title))
    };
    for cycle in 0..ctx.cycles {
        let mut some_project = None;
        for i in 0..3 {
            let rid = format!("rel-{}", uuid::Uuid::new_v4().simple());
            let request = create(format!("{TITLE_PREFIX} avant {cycle}-{i}")).header("x-request-id", &rid);
            match send(&ledger, request, "write before the disk fills").await {
                Some((201, _, body)) => {
                    let id = body["id"].as_str().and_then(|s| s.parse().ok()).context("no id")?;
                    some_project = Some(id);
                    ledger.acknowledge(Ack::Project { id, request_id: rid });
                }
                other => row.violation(format!("cycle {cycle}: a write with free space answered {other:?}")),
            }
        }
        let path = filler.clone();
        let filled = blocking(move || fill(&path)).await?;
        let mut refusals = 0;
        let mut accepted_while_full = 0;
        for attempt in 0..60 {
            let rid = format!("rel-{}", uuid::Uuid::new_v4().simple());
            let started = Instant::now();
            let response =
                create(format!("{TITLE_PREFIX} plein {cycle}-{attempt}")).header("x-request-id", &rid).send().await;
            let Ok(response) = response else {
                row.violation(format!("cycle {cycle}: a write on a full disk got no answer"));
                continue;
            };
            row.requests += 1;
            let status = response.status().as_u16();
            let content_type =
                response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let retry = response.headers().contains_key("retry-after");
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            match status {
                201 => {
                    // It fitted in pages the database had already: acknowledged, so it must last.
                    accepted_while_full += 1;
                    let id = body["id"].as_str().and_then(|s| s.parse().ok()).context("no id")?;
                    ledger.acknowledge(Ack::Project { id, request_id: rid });
                }
                503 | 507 => {
                    refusals += 1;
                    row.ms_503(started.elapsed().as_secs_f64() * 1000.0);
                    let detail = body["detail"].as_str().unwrap_or("").to_lowercase();
                    if content_type != "application/problem+json" || !retry {
                        row.violation(format!(
                            "cycle {cycle}: disk full answered {status} as {content_type:?}, Retry-After {retry}"
                        ));
                    }
                    if !(detail.contains("disk") || detail.contains("space") || detail.contains("storage")) {
                        row.violation(format!("cycle {cycle}: the {status} does not say the disk is full: {body}"));
                    }
                }
                other => row.violation(format!("cycle {cycle}: a write on a full disk answered {other}: {body}")),
            }
            if refusals >= 3 {
                break;
            }
        }
        if refusals == 0 {
            row.violation(format!(
                "cycle {cycle}: no write was refused with {filled} bytes of filler: the disk never filled"
            ));
        }
        row.notes.push(format!(
            "cycle {cycle}: filler {} MB; {refusals} writes refused, {accepted_while_full} accepted in pages already allocated",
            filled >> 20
        ));
        // Reads keep working.
        for path in ["/api/v1/projects?limit=5".to_owned(), "/health/live".to_owned()]
            .into_iter()
            .chain(some_project.map(|id: uuid::Uuid| format!("/api/v1/projects/{id}")))
        {
            let r = ctx.client.get(server.url(&path)).bearer_auth(&session.token).send().await;
            match r {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => row.violation(format!("cycle {cycle}: reading {path} on a full disk answered {}", r.status())),
                Err(e) => row.violation(format!("cycle {cycle}: reading {path} on a full disk failed: {e}")),
            }
        }
        // Space freed: writes work again.
        std::fs::remove_file(&filler)?;
        let freed = Instant::now();
        let mut back = false;
        while freed.elapsed() < Duration::from_secs(10) {
            let rid = format!("rel-{}", uuid::Uuid::new_v4().simple());
            let request = create(format!("{TITLE_PREFIX} après {cycle}")).header("x-request-id", &rid);
            if let Some((201, _, body)) = send(&ledger, request, "write after freeing space").await {
                let id = body["id"].as_str().and_then(|s| s.parse().ok()).context("no id")?;
                ledger.acknowledge(Ack::Project { id, request_id: rid });
                back = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if back {
            row.recovery(freed.elapsed());
        } else {
            row.violation(format!("cycle {cycle}: writes did not work again within 10 s of freeing space"));
        }
        row.cycles += 1;
    }
    row.stats(&ledger.take_stats(), false);
    let _ = server.terminate(Duration::from_secs(35)).await;
    let integrity = sqlite_integrity(&url).await?;
    row.notes.push(format!("PRAGMA integrity_check: {integrity}"));
    if integrity != "ok" {
        row.violation(format!("integrity_check: {integrity}"));
    }
    row.verdict(&verify(&url, &ledger.acks()).await?);
    Ok(())
}
