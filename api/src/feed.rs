//! The change feed of projects. `record` appends an event in the transaction of the change; the
//! partner routes and the webhook worker read it in (txid, seq) order, only up to the oldest
//! transaction still running, so a cursor never skips an event that commits late nor repeats one.
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;

/// What happened to a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    ProjectCreated,
    ProjectUpdated,
    StatusChanged,
    FundingLineAdded,
}

impl EventKind {
    pub const ALL: [EventKind; 4] =
        [EventKind::ProjectCreated, EventKind::ProjectUpdated, EventKind::StatusChanged, EventKind::FundingLineAdded];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ProjectCreated => "project.created",
            EventKind::ProjectUpdated => "project.updated",
            EventKind::StatusChanged => "project.status_changed",
            EventKind::FundingLineAdded => "project.funding_line_added",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
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
