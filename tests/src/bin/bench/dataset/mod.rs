//! The benchmark's data set, written straight into a migrated database: 500 partners and N
//! projects over 20 years and both divisions, each with 1–3 domains, 1–2 communes, 1–4
//! participants, 0–10 funding lines, 1–20 timeline entries and the change-feed events those
//! writes would have produced. Deterministic for a given seed (a SplitMix64 generator).
mod history;
mod partners;
mod projects;
mod rng;
mod vocabulary;

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use entity::{
    change_event, funding_line, project, project_commune, project_domain, project_participant, project_status_update,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Statement, TransactionTrait,
};

pub use rng::Rng;

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counts {
    pub partners: usize,
    pub projects: usize,
    pub project_domains: usize,
    pub project_communes: usize,
    pub participants: usize,
    pub funding_lines: usize,
    pub status_updates: usize,
    pub change_events: usize,
    pub seconds: f64,
}

/// Projects written per transaction.
const BATCH: usize = 2_000;

/// Rows per INSERT: bounded by the number of bind parameters (SQLite allows 32,766).
fn chunk_rows(columns: usize) -> usize {
    (30_000 / columns).max(1)
}

pub(super) async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>, columns: usize) -> Result<(), sea_orm::DbErr>
where
    A: ActiveModelTrait + Send,
{
    let size = chunk_rows(columns);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(size).collect();
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

pub(super) fn day(time: DateTime<Utc>) -> NaiveDate {
    time.date_naive()
}

/// The rows of one batch of projects, written in one transaction.
#[derive(Default)]
pub(super) struct Rows {
    p_rows: Vec<project::ActiveModel>,
    d_rows: Vec<project_domain::ActiveModel>,
    c_rows: Vec<project_commune::ActiveModel>,
    pp_rows: Vec<project_participant::ActiveModel>,
    f_rows: Vec<funding_line::ActiveModel>,
    s_rows: Vec<project_status_update::ActiveModel>,
    e_rows: Vec<change_event::ActiveModel>,
}

/// Writes the data set. `now` is the end of the 20 years.
pub async fn generate(db: &DatabaseConnection, projects: usize, seed: u64) -> anyhow::Result<Counts> {
    let started = Instant::now();
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Sqlite {
        // Loading only: the server reopens the file with its own (durable) settings.
        db.execute_unprepared("PRAGMA synchronous = OFF").await?;
    } else {
        db.execute_unprepared("SET synchronous_commit = off").await?;
    }
    let mut rng = Rng::new(seed);
    let now = Utc::now();
    let start = now - Duration::days(365 * 20);
    let span_secs = (now - start).num_seconds() - 86_400;
    let mut counts = Counts::default();

    let partners = partners::write(db, &mut rng, start, span_secs).await?;
    counts.partners = partners.len();

    // Project creation times, in order, so that ids (UUID v7) grow with them as in real life.
    let mut times: Vec<i64> = (0..projects).map(|_| rng.range(0, span_secs)).collect();
    times.sort_unstable();
    for (batch_number, batch) in times.chunks(BATCH).enumerate() {
        let mut rows = Rows::default();
        for (offset, secs) in batch.iter().enumerate() {
            let n = batch_number * BATCH + offset;
            let created = start + Duration::seconds(*secs);
            let project = projects::write(&mut rng, &mut rows, n, created, now, &partners);
            history::write(&mut rng, &mut rows, &project, &partners);
        }
        counts.projects += rows.p_rows.len();
        counts.project_domains += rows.d_rows.len();
        counts.project_communes += rows.c_rows.len();
        counts.participants += rows.pp_rows.len();
        counts.funding_lines += rows.f_rows.len();
        counts.status_updates += rows.s_rows.len();
        counts.change_events += rows.e_rows.len();
        // One transaction per batch, as if each batch had been one import.
        let txn = db.begin().await?;
        insert_all(&txn, rows.p_rows, 21).await?;
        insert_all(&txn, rows.d_rows, 2).await?;
        insert_all(&txn, rows.c_rows, 2).await?;
        insert_all(&txn, rows.pp_rows, 3).await?;
        insert_all(&txn, rows.f_rows, 15).await?;
        insert_all(&txn, rows.s_rows, 9).await?;
        insert_all(&txn, rows.e_rows, 6).await?;
        if backend == DatabaseBackend::Postgres {
            // The feed reads events in (writing transaction, sequence) order, as the API writes them.
            txn.execute_unprepared("UPDATE change_event SET txid = pg_current_xact_id()::text::bigint WHERE txid = 0")
                .await?;
        }
        txn.commit().await?;
        if projects >= 100_000 && (batch_number + 1) % 25 == 0 {
            eprintln!("  … {} projects written ({:.0} s)", counts.projects, started.elapsed().as_secs_f64());
        }
    }
    if backend == DatabaseBackend::Postgres {
        // What autovacuum does on its own within a minute: statistics and the visibility map.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    counts.seconds = started.elapsed().as_secs_f64();
    Ok(counts)
}

/// The row counts of a database generated earlier (`--database-url`).
pub async fn count(db: &DatabaseConnection) -> anyhow::Result<Counts> {
    let backend = db.get_database_backend();
    let mut numbers = Vec::new();
    for table in [
        "partner",
        "project",
        "project_domain",
        "project_commune",
        "project_participant",
        "funding_line",
        "project_status_update",
        "change_event",
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row =
            db.query_one_raw(Statement::from_string(backend, sql)).await?.ok_or_else(|| anyhow::anyhow!("no count"))?;
        numbers.push(row.try_get::<i64>("", "n")? as usize);
    }
    Ok(Counts {
        partners: numbers[0],
        projects: numbers[1],
        project_domains: numbers[2],
        project_communes: numbers[3],
        participants: numbers[4],
        funding_lines: numbers[5],
        status_updates: numbers[6],
        change_events: numbers[7],
        seconds: 0.0,
    })
}

/// A time as the API writes it in JSON (RFC 3339, UTC).
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A fixed instant, `years` before now.
pub fn years_ago(years: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(Utc::now().timestamp() - years * 365 * 86_400, 0).single().unwrap_or_else(Utc::now)
}
