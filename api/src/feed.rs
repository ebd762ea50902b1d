//! The change feed of projects. `record` appends an event in the transaction of the change; the
//! partner routes and the webhook worker read it in (txid, seq) order, only up to the oldest
//! transaction still running, so a cursor never skips an event that commits late nor repeats one.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use uuid::Uuid;

use crate::error::ApiError;

crate::code_list! {
    /// What happened to a project.
    pub enum EventKind {
        ProjectCreated = "project.created",
        ProjectUpdated = "project.updated",
        StatusChanged = "project.status_changed",
        FundingLineAdded = "project.funding_line_added",
    }
}

/// Appends an event to the feed, inside the caller's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    kind: EventKind,
    project: Uuid,
    funding_line: Option<Uuid>,
) -> Result<(), ApiError> {
    let backend = db.get_database_backend();
    let txid = match backend {
        DatabaseBackend::Postgres => "pg_current_xact_id()::text::bigint",
        _ => "0",
    };
    let placeholders = match backend {
        DatabaseBackend::Postgres => "$1, $2, $3, $4, $5",
        _ => "?, ?, ?, ?, ?",
    };
    let sql = format!(
        "INSERT INTO change_event (txid, id, kind, project_id, funding_line_id, occurred_at) VALUES ({txid}, {placeholders})"
    );
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [Uuid::now_v7().into(), kind.as_str().into(), project.into(), funding_line.into(), Utc::now().into()],
    ))
    .await?;
    Ok(())
}

/// An event read from the feed, with its position (txid, seq).
#[derive(Clone, Debug)]
pub struct FeedEvent {
    pub position: (i64, i64),
    pub id: Uuid,
    pub kind: String,
    pub project_id: Uuid,
    pub funding_line_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
}

/// The events after `after`, in feed order: all of them, or those `partner` may see (events of
/// projects it takes part in; an event about a funding line — added, changed, archived — only
/// when `domain::partner_view::may_see_line` holds for that line, written here in SQL).
pub async fn events_after(
    db: &impl ConnectionTrait,
    partner: Option<Uuid>,
    after: (i64, i64),
    limit: u64,
) -> Result<Vec<FeedEvent>, ApiError> {
    let backend = db.get_database_backend();
    let postgres = backend == DatabaseBackend::Postgres;
    // Numbered placeholders: `$n` for PostgreSQL, `?n` for SQLite.
    let p = |n: u8| if postgres { format!("${n}") } else { format!("?{n}") };
    // On PostgreSQL, only events of transactions older than every running one: an event that
    // commits late is never overtaken by a later one that a reader already went past. (SQLite
    // serialises writers, so commit order is feed order there.)
    let horizon = if postgres { " AND e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint" } else { "" };
    // Each database gets the form its planner reads as index ranges (plans in the benchmark's
    // summary). PostgreSQL: a row comparison, a range of the (txid, seq) index, and EXISTS probes
    // per event, or the partner's projects' events through (project_id, txid, seq). SQLite (where
    // txid is always 0): the OR of two comparisons, which it splits into two ranges (it reads a
    // row comparison as `txid > ?` only, i.e. the whole feed), and `IN` lists of the partner's
    // projects and lines.
    let (after_position, visibility) = if postgres {
        (
            format!("(e.txid, e.seq) > ({p1}, {p2})", p1 = p(1), p2 = p(2)),
            format!(
                " AND EXISTS (SELECT 1 FROM project_participant pp WHERE pp.project_id = e.project_id AND pp.partner_id = {p4}) \
                 AND (e.funding_line_id IS NULL OR EXISTS (SELECT 1 FROM funding_line f \
                      WHERE f.id = e.funding_line_id AND (f.partner_id = {p4} OR f.is_public = TRUE)))",
                p4 = p(4),
            ),
        )
    } else {
        (
            format!("(e.txid > {p1} OR (e.txid = {p1} AND e.seq > {p2}))", p1 = p(1), p2 = p(2)),
            format!(
                " AND e.project_id IN (SELECT project_id FROM project_participant WHERE partner_id = {p4}) \
                 AND (e.funding_line_id IS NULL OR e.funding_line_id IN \
                      (SELECT id FROM funding_line WHERE partner_id = {p4} OR is_public = 1))",
                p4 = p(4),
            ),
        )
    };
    let visibility = if partner.is_some() { visibility } else { String::new() };
    let sql = format!(
        "SELECT e.txid, e.seq, e.id, e.kind, e.project_id, e.funding_line_id, e.occurred_at FROM change_event e \
         WHERE {after_position}{horizon}{visibility} ORDER BY e.txid, e.seq LIMIT {p3}",
        p3 = p(3),
    );
    let mut values: Vec<sea_orm::Value> =
        vec![after.0.into(), after.1.into(), i64::try_from(limit).unwrap_or(200).into()];
    if let Some(partner) = partner {
        values.push(partner.into());
    }
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    rows.into_iter()
        .map(|row| {
            Ok(FeedEvent {
                position: (row.try_get("", "txid")?, row.try_get("", "seq")?),
                id: row.try_get("", "id")?,
                kind: row.try_get("", "kind")?,
                project_id: row.try_get("", "project_id")?,
                funding_line_id: row.try_get("", "funding_line_id")?,
                occurred_at: row.try_get("", "occurred_at")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()
        .map_err(ApiError::from)
}
