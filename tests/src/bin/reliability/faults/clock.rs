//! The clock skewed: the server started with its wall clock moved (libfaketime).
use std::time::Duration;

use super::{Ctx, Row};
use crate::{procs::Server, workload::login};

pub async fn clock_skew(ctx: &Ctx) -> anyhow::Result<Row> {
    const TTL: i64 = 120;
    const LEEWAY: i64 = 30;
    let mut row = Row::new("clock_skew", "sqlite");
    crate::procs::faketime_library()?;
    let (url, db) = ctx.database("sqlite", "clock").await?;
    let spec = ctx.spec(&url, "clock_skew-sqlite").env("ACCESS_TOKEN_TTL_SECS", TTL).env("JWT_LEEWAY_SECS", LEEWAY);
    // Tokens issued by a server with the true clock.
    let server = Server::start(&spec, &ctx.client).await?;
    let token = login(&ctx.client, &server.base).await?;
    let _ = server.terminate(Duration::from_secs(35)).await;
    // (offset of the server's clock, whether the token must be accepted, why)
    let cases = [
        (-20, true, "server 20 s behind: iat/nbf 20 s ahead, within the leeway"),
        (-90, false, "server 90 s behind: nbf beyond the leeway"),
        (TTL + 20, true, "expired 20 s ago, within the leeway"),
        (TTL + 90, false, "expired 90 s ago, beyond the leeway"),
    ];
    for cycle in 0..ctx.cycles {
        for (offset, accepted, why) in cases {
            let mut faked = spec.clone();
            faked.faketime = Some(format!("{offset:+}s"));
            let server = Server::start(&faked, &ctx.client).await?;
            let response = ctx.client.get(server.url("/api/v1/auth/me")).bearer_auth(&token).send().await?;
            let status = response.status().as_u16();
            // The server's own clock, from its Date header, proves the shift.
            let skew = response
                .headers()
                .get("date")
                .and_then(|d| d.to_str().ok())
                .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
                .map(|d| d.timestamp() - chrono::Utc::now().timestamp());
            let expected = if accepted { 200 } else { 401 };
            if skew.is_none_or(|s| (s - offset).abs() > 3) {
                row.violation(format!("faketime {offset:+}s: the server's Date is off by {skew:?} s, not {offset} s"));
            }
            if status != expected {
                row.violation(format!("{why}: answered {status}, expected {expected}"));
            }
            if cycle == 0 {
                row.notes.push(format!("clock {offset:+} s ({why}): {status}"));
            }
            let _ = server.terminate(Duration::from_secs(35)).await;
        }
        row.cycles += 1;
    }
    db.drop_files();
    Ok(row)
}
