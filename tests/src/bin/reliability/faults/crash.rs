//! The server killed (SIGKILL) and stopped (SIGTERM with a request in flight) while clients write.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Ctx, Row};
use crate::{
    procs::Server,
    verify::verify,
    workload::{Ack, Ledger, Load, Session, TITLE_PREFIX, project_body, session},
};

pub async fn api_crash(ctx: &Ctx, backend: &str) -> anyhow::Result<Row> {
    let mut row = Row::new("api_crash", backend);
    let (url, db) = ctx.database(backend, "crash").await?;
    let spec = ctx.spec(&url, &format!("api_crash-{backend}"));
    let port = crate::procs::free_port()?;
    let mut server = Server::start_on(&spec, &ctx.client, port).await?;
    let session = session(&ctx.client, &server.base).await?;
    let ledger = Arc::new(Ledger::default());
    for cycle in 0..ctx.cycles {
        let load = Load::start(&ctx.client, &server.base, &session, &ledger, 4, 0, &format!("crash{cycle}-"));
        tokio::time::sleep(Duration::from_millis(1500 + 400 * u64::from(cycle))).await;
        server.kill().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        load.stop().await;
        let restarted = Instant::now();
        server = Server::start_on(&spec, &ctx.client, port).await?;
        row.recovery(restarted.elapsed());
        row.cycles += 1;
    }
    row.stats(&ledger.take_stats(), true);
    let _ = server.terminate(Duration::from_secs(35)).await;
    row.verdict(&verify(&url, &ledger.acks()).await?);
    db.drop_files();
    Ok(row)
}

// Graceful stop (SIGTERM under load)
/// A POST whose body arrives slowly: in flight when SIGTERM comes. Returns the answer's status.
async fn slow_post(port: u16, token: String, body: String, request_id: String) -> anyhow::Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let head = format!(
        "POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nX-Request-Id: {request_id}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let half = body.len() / 2;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body.as_bytes()[..half]).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stream.write_all(&body.as_bytes()[half..]).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer)).await??;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

pub async fn graceful_stop(ctx: &Ctx, backend: &str) -> anyhow::Result<Row> {
    const GRACE: u64 = 5;
    let mut row = Row::new("graceful_stop", backend);
    let (url, db) = ctx.database(backend, "graceful").await?;
    let spec = ctx.spec(&url, &format!("graceful_stop-{backend}")).env("SHUTDOWN_GRACE_SECS", GRACE);
    let ledger = Arc::new(Ledger::default());
    let mut slowest_exit = 0.0f64;
    for cycle in 0..ctx.cycles {
        let server = Server::start(&spec, &ctx.client).await?;
        let session: Session = session(&ctx.client, &server.base).await?;
        let load = Load::start(&ctx.client, &server.base, &session, &ledger, 4, 0, &format!("term{cycle}-"));
        tokio::time::sleep(Duration::from_millis(800)).await;
        let request_id = format!("rel-{}", uuid::Uuid::new_v4().simple());
        let body = project_body(&session, &format!("{TITLE_PREFIX} en vol {cycle}")).to_string();
        let in_flight = tokio::spawn(slow_post(server.port, session.token.clone(), body, request_id.clone()));
        tokio::time::sleep(Duration::from_millis(400)).await;
        let port = server.port;
        let term = tokio::spawn(server.terminate(Duration::from_secs(GRACE + 5)));
        // New connections are refused once the listener is closed.
        let mut refused_after = None;
        let since = Instant::now();
        while since.elapsed() < Duration::from_secs(2) {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                refused_after = Some(since.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        match refused_after {
            Some(t) => row.notes.push(format!(
                "cycle {cycle}: new connections refused {:.0} ms after SIGTERM",
                t.as_secs_f64() * 1000.0
            )),
            None => row.violation(format!("cycle {cycle}: new connections were still accepted 2 s after SIGTERM")),
        }
        match in_flight.await? {
            Ok((201, body)) => {
                let id = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|b| b["id"].as_str().and_then(|s| s.parse().ok()));
                match id {
                    Some(id) => ledger.acknowledge(Ack::Project { id, request_id }),
                    None => row.violation(format!("cycle {cycle}: the in-flight request's 201 has no id: {body}")),
                }
            }
            Ok((status, body)) => row.violation(format!(
                "cycle {cycle}: the request in flight at SIGTERM answered {status}: {}",
                body.chars().take(200).collect::<String>()
            )),
            Err(e) => row.violation(format!("cycle {cycle}: the request in flight at SIGTERM failed: {e}")),
        }
        load.stop().await;
        match term.await? {
            Ok(exit) => {
                slowest_exit = slowest_exit.max(exit.as_secs_f64());
                if exit > Duration::from_secs(GRACE + 1) {
                    row.violation(format!(
                        "cycle {cycle}: exited {:.1} s after SIGTERM (grace {GRACE} s)",
                        exit.as_secs_f64()
                    ));
                }
            }
            Err(e) => row.violation(format!("cycle {cycle}: {e}")),
        }
        row.cycles += 1;
    }
    row.recovery_ms = None;
    row.notes.push(format!("slowest exit after SIGTERM: {slowest_exit:.2} s (grace {GRACE} s)"));
    row.stats(&ledger.take_stats(), true);
    row.verdict(&verify(&url, &ledger.acks()).await?);
    db.drop_files();
    Ok(row)
}
