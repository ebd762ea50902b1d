//! Slow clients (slowloris): connections that send their headers a byte at a time.
use std::time::{Duration, Instant};

use anyhow::bail;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Ctx, Row};
use crate::{
    procs::Server,
    workload::{Ledger, send, session},
};

/// Connects and sends `prefix`, then one more header byte every 200 ms until the server closes the
/// connection. Returns how long the connection lived (or `None` past `limit`).
async fn slow_client(port: u16, prefix: Vec<u8>, limit: Duration) -> anyhow::Result<Option<Duration>> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let started = Instant::now();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(&prefix).await?;
    if prefix.ends_with(b"\r\n\r\n") {
        // A complete first request: read its answer, then start the slow second one.
        let mut buf = [0u8; 4096];
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            bail!("the server closed before answering the first request");
        }
    }
    writer.write_all(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n").await?;
    let mut buf = [0u8; 1024];
    loop {
        if started.elapsed() > limit {
            return Ok(None);
        }
        tokio::select! {
            read = reader.read(&mut buf) => {
                // Closed (0), reset, or an answer such as 408: the server is done with it.
                let _ = read;
                return Ok(Some(started.elapsed()));
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                if writer.write_all(b"x").await.is_err() {
                    return Ok(Some(started.elapsed()));
                }
            }
        }
    }
}

pub async fn slowloris(ctx: &Ctx) -> anyhow::Result<Row> {
    const TIMEOUT_MS: u64 = 3000;
    const SLOW: usize = 200;
    let mut row = Row::new("slowloris", "sqlite");
    let (url, db) = ctx.database("sqlite", "slowloris").await?;
    let spec = ctx.spec(&url, "slowloris-sqlite").env("CLIENT_REQUEST_TIMEOUT_MS", TIMEOUT_MS);
    let server = Server::start(&spec, &ctx.client).await?;
    let session = session(&ctx.client, &server.base).await?;
    for cycle in 0..ctx.cycles {
        let limit = Duration::from_secs(30);
        let mut slow = Vec::new();
        for i in 0..SLOW {
            // Most send the first head byte by byte; some first finish a request, then crawl on the
            // same keep-alive connection.
            let prefix: Vec<u8> =
                if i % 5 == 0 { b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_vec() } else { Vec::new() };
            slow.push(tokio::spawn(slow_client(server.port, prefix, limit)));
        }
        // Normal requests meanwhile.
        let ledger = Ledger::default();
        let started = Instant::now();
        let mut max_ms: f64 = 0.0;
        while started.elapsed() < Duration::from_millis(TIMEOUT_MS + 2000) {
            let t = Instant::now();
            let request = ctx.client.get(server.url("/api/v1/projects?limit=5")).bearer_auth(&session.token);
            match send(&ledger, request, "normal read").await {
                Some((200, _, _)) => {}
                other => row.violation(format!(
                    "cycle {cycle}: a normal request during the slowloris got {:?}",
                    other.map(|o| o.0)
                )),
            }
            max_ms = max_ms.max(t.elapsed().as_secs_f64() * 1000.0);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if max_ms > 1000.0 {
            row.violation(format!("cycle {cycle}: a normal request took {max_ms:.0} ms during the slowloris"));
        }
        let mut cut = Vec::new();
        for task in slow {
            match task.await? {
                Ok(Some(lived)) => cut.push(lived.as_secs_f64()),
                Ok(None) => {
                    row.violation(format!("cycle {cycle}: a slow connection was not cut within {} s", limit.as_secs()))
                }
                Err(e) => row.violation(format!("cycle {cycle}: a slow client failed: {e}")),
            }
        }
        let longest = cut.iter().copied().fold(0.0, f64::max);
        // Head timer on the first request; keep-alive (5 s) then the head timer on a later one.
        let bound = (TIMEOUT_MS as f64 / 1000.0) + 5.0 + 3.0;
        if longest > bound {
            row.violation(format!("cycle {cycle}: a slow connection lived {longest:.1} s (bound {bound:.0} s)"));
        }
        row.notes.push(format!(
            "cycle {cycle}: {} slow connections cut after at most {longest:.1} s (request time-out {} s); {} normal requests, slowest {max_ms:.0} ms",
            cut.len(),
            TIMEOUT_MS / 1000,
            ledger.stats().requests
        ));
        row.requests += ledger.stats().requests;
        row.recovery(Duration::from_secs_f64(longest));
        row.cycles += 1;
    }
    let _ = server.terminate(Duration::from_secs(35)).await;
    db.drop_files();
    Ok(row)
}
