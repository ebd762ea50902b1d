//! The ledger against the database, read directly (not through the API): every acknowledged write
//! is there (else it is *lost*), and no write is half-applied, among all the rows the clients could
//! have written, acknowledged or not.
use std::collections::{HashMap, HashSet};

use anyhow::Context;
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::workload::{Ack, TITLE_PREFIX};

#[derive(Debug, Default, Clone, Serialize)]
pub struct Verdict {
    pub acknowledged: usize,
    pub verified: usize,
    pub lost: usize,
    pub half_applied: usize,
    /// Projects whose invariants were checked (all of the clients', acknowledged or not).
    pub projects_checked: usize,
    /// The first few problems, for the report.
    pub problems: Vec<String>,
}

impl Verdict {
    fn problem(&mut self, text: String) {
        if self.problems.len() < 20 {
            self.problems.push(text);
        }
    }
}

/// Checks `acks` and the invariants of every project the clients wrote, in the database at `url`.
pub async fn verify(url: &str, acks: &[Ack]) -> anyhow::Result<Verdict> {
    let db = Database::connect(url).await.with_context(|| format!("connecting to {url} to verify"))?;
    let result = check(&db, acks).await;
    db.close().await.ok();
    result
}

async fn check(db: &sea_orm::DatabaseConnection, acks: &[Ack]) -> anyhow::Result<Verdict> {
    use entity::{audit_event, change_event, project, project_domain, project_participant, project_status_update};
    let projects: HashMap<Uuid, project::Model> = project::Entity::find()
        .filter(project::Column::Title.starts_with(TITLE_PREFIX))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut participants: HashMap<Uuid, usize> = HashMap::new();
    for row in project_participant::Entity::find().all(db).await? {
        *participants.entry(row.project_id).or_default() += 1;
    }
    let mut domains: HashMap<Uuid, usize> = HashMap::new();
    for row in project_domain::Entity::find().all(db).await? {
        *domains.entry(row.project_id).or_default() += 1;
    }
    let mut timeline: HashMap<Uuid, Vec<project_status_update::Model>> = HashMap::new();
    for row in project_status_update::Entity::find().all(db).await? {
        timeline.entry(row.project_id).or_default().push(row);
    }
    let mut events: HashMap<Uuid, usize> = HashMap::new();
    for row in change_event::Entity::find().all(db).await? {
        *events.entry(row.project_id).or_default() += 1;
    }
    let audit = audit_event::Entity::find().filter(audit_event::Column::EntityType.eq("project")).all(db).await?;
    let mut audit_by_project: HashMap<Uuid, Vec<&audit_event::Model>> = HashMap::new();
    let mut audit_requests: HashMap<&str, &audit_event::Model> = HashMap::new();
    for event in &audit {
        if let Ok(id) = event.entity_id.parse::<Uuid>() {
            audit_by_project.entry(id).or_default().push(event);
        }
        // The harness sends its own X-Request-Id with each request; the audit keeps it beside the
        // server's id.
        if let Some(rid) = event.client_request_id.as_deref() {
            audit_requests.insert(rid, event);
        }
    }
    let status_ids: HashSet<Uuid> = timeline.values().flatten().map(|s| s.id).collect();

    let mut verdict = Verdict { acknowledged: acks.len(), projects_checked: projects.len(), ..Default::default() };
    // 1. Every acknowledged write is in the database.
    for (index, ack) in acks.iter().enumerate() {
        let found = match ack {
            Ack::Project { id, request_id } => {
                projects.contains_key(id)
                    && audit_requests.get(request_id.as_str()).is_some_and(|e| e.action == "create")
            }
            Ack::StatusUpdate { id, project_id, request_id } => {
                status_ids.contains(id)
                    && audit_requests.get(request_id.as_str()).is_some_and(|e| e.entity_id == project_id.to_string())
            }
            Ack::Patch { project_id, request_id, version } => {
                projects.get(project_id).is_some_and(|p| p.version >= *version)
                    && audit_requests.get(request_id.as_str()).is_some_and(|e| e.action == "update")
            }
        };
        if found {
            verdict.verified += 1;
        } else {
            verdict.lost += 1;
            let (id, rid) = match ack {
                Ack::Project { id, request_id } | Ack::StatusUpdate { id, request_id, .. } => (*id, request_id),
                Ack::Patch { project_id, request_id, .. } => (*project_id, request_id),
            };
            let audit = audit_requests.get(rid.as_str()).map(|e| e.action.clone());
            verdict.problem(format!(
                "lost: acknowledged write #{index} of {}: {ack:?} (project row: {}, status update row: {}, audit entry: {audit:?})",
                acks.len(),
                projects.contains_key(&id),
                status_ids.contains(&id)
            ));
        }
    }
    // 2. No half-applied write, acknowledged or not: each project has its links, one timeline entry
    //    and one feed event per audit entry, and as many versions as audited changes.
    for (id, project) in &projects {
        let audits = audit_by_project.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let count = |actions: &[&str]| audits.iter().filter(|e| actions.contains(&e.action.as_str())).count();
        let creates = count(&["create"]);
        let timeline_audits = count(&["create", "status_change", "progress_report"]);
        let changes = count(&["create", "update", "status_change", "progress_report"]);
        let entries = timeline.get(id).map_or(0, Vec::len);
        let mut wrong = Vec::new();
        if participants.get(id).copied().unwrap_or(0) != 2 {
            wrong.push(format!("{} participant rows instead of 2", participants.get(id).copied().unwrap_or(0)));
        }
        if domains.get(id).copied().unwrap_or(0) != 2 {
            wrong.push(format!("{} domains instead of 2", domains.get(id).copied().unwrap_or(0)));
        }
        if creates != 1 {
            wrong.push(format!("{creates} creation audit entries"));
        }
        if entries != timeline_audits {
            wrong.push(format!("{entries} timeline entries but {timeline_audits} audited timeline changes"));
        }
        if i64::from(project.version) != changes as i64 {
            wrong.push(format!("version {} but {changes} audited changes", project.version));
        }
        let feed = events.get(id).copied().unwrap_or(0);
        if feed != changes {
            wrong.push(format!("{feed} change-feed events but {changes} audited changes"));
        }
        if !wrong.is_empty() {
            verdict.half_applied += 1;
            verdict.problem(format!("half-applied project {id}: {}", wrong.join("; ")));
        }
    }
    // An audit entry, a timeline entry or a feed event of a harness request whose project is missing.
    for event in &audit {
        if event.client_request_id.as_deref().is_some_and(|r| r.starts_with("rel-"))
            && event.entity_id.parse::<Uuid>().is_ok_and(|id| !projects.contains_key(&id))
        {
            verdict.half_applied += 1;
            verdict.problem(format!("audit entry {} of a missing project {}", event.id, event.entity_id));
        }
    }
    Ok(verdict)
}

/// `PRAGMA integrity_check` of a SQLite database: `ok` or what it found.
pub async fn sqlite_integrity(url: &str) -> anyhow::Result<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = Database::connect(url).await?;
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), "PRAGMA integrity_check".to_owned()))
        .await?;
    let text = rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect::<Vec<_>>().join("; ");
    db.close().await.ok();
    Ok(text)
}
