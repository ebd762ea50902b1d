//! The server dies between the commit of a change and its answer: `FAULT_INJECTION=exit_after_commit`
//! makes it exit right after committing a change made with an `Idempotency-Key`, before answering.
//! The client's retry with the same key, once the server is back, must get the first answer
//! replayed, and the change must exist once: the unit of work stores the answer in the change's
//! own transaction (`records::unit_of_work`).
use std::time::Instant;

use serde_json::Value;

use super::{Ctx, Row};
use crate::{
    procs::Server,
    verify::verify,
    workload::{TITLE_PREFIX, login, project_body, session},
};

pub async fn crash_after_commit(ctx: &Ctx, backend: &str) -> anyhow::Result<Row> {
    let mut row = Row::new("crash_after_commit", backend);
    let (url, db) = ctx.database(backend, "commit").await?;
    let port = crate::procs::free_port()?;
    let faulty = ctx.spec(&url, &format!("crash_after_commit-{backend}")).env("FAULT_INJECTION", "exit_after_commit");
    let server = Server::start_on(&faulty, &ctx.client, port).await?;
    let session = session(&ctx.client, &server.base).await?;
    let key = format!("commit-{}", uuid::Uuid::new_v4().simple());
    let title = format!("{TITLE_PREFIX} commit {key}");
    let body = project_body(&session, &title);
    let create = |base: &str, token: &str| {
        ctx.client
            .post(format!("{base}/api/v1/projects"))
            .bearer_auth(token.to_owned())
            .header("Idempotency-Key", key.clone())
            .json(&body)
    };
    match create(&server.base, &session.token).send().await {
        Ok(answer) => {
            row.violation(format!("the server answered {} instead of exiting after the commit", answer.status()))
        }
        Err(_) => row.notes.push("the first request got no answer: the server exited after its commit".into()),
    }
    // The process is gone already (exit 70); this reaps it.
    server.kill().await;
    let restarted = Instant::now();
    let server =
        Server::start_on(&ctx.spec(&url, &format!("crash_after_commit-{backend}-restarted")), &ctx.client, port)
            .await?;
    row.recovery(restarted.elapsed());
    row.cycles = 1;
    let token = login(&ctx.client, &server.base).await?;
    let retry = create(&server.base, &token).send().await?;
    let status = retry.status().as_u16();
    let replayed = retry.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let answer: Value = retry.json().await.unwrap_or(Value::Null);
    if status != 201 || !replayed {
        row.violation(format!(
            "the retry answered {status} (replayed: {replayed}), not the first answer replayed: {answer}"
        ));
    }
    let found: Value = ctx
        .client
        .get(format!("{}/api/v1/projects?limit=100&q={}", server.base, key))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let ids: Vec<&str> = found["items"].as_array().into_iter().flatten().filter_map(|p| p["id"].as_str()).collect();
    row.acknowledged = 1;
    match ids.as_slice() {
        [id] if Some(*id) == answer["id"].as_str() => row.verified = 1,
        [] => {
            row.lost = 1;
            row.violation("the committed project is not in the database");
        }
        _ => row.violation(format!(
            "the project exists {} times (ids {ids:?}), the answer names {}",
            ids.len(),
            answer["id"]
        )),
    }
    let _ = server.terminate(std::time::Duration::from_secs(35)).await;
    row.verdict(&verify(&url, &[]).await?);
    db.drop_files();
    Ok(row)
}
