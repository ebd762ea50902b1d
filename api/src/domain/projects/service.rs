//! The writes of projects, each on a unit of work: the handler begins it, the service checks the
//! rules and changes the records, the handler composes the answer that commits it.
use chrono::Utc;
use entity::project;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use uuid::Uuid;

use super::{
    fields::{ProjectChange, ProjectFields},
    rules::{self, ensure_division},
    store,
    timeline::{self, NewEntry},
    types::{ENTITY, ProjectResponse, ProjectStatus, StatusUpdateResponse},
};
use crate::validate::Rules;
use crate::{
    auth::CurrentUser,
    error::ApiError,
    feed::EventKind,
    records::{
        archive,
        audit::ChangeContext,
        unit_of_work::{AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
};

/// Records a new project in `pipeline`, with its first timeline entry.
pub async fn create(
    mut work: UnitOfWork,
    caller: &CurrentUser,
    mut fields: ProjectFields,
) -> Result<Done<(ProjectResponse, i32)>, ApiError> {
    ensure_division(caller, fields.division)?;
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    checks.absorb(store::check_references(work.db(), &fields, true).await)?;
    checks.finish()?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = project::ActiveModel {
        id: Set(id),
        status: Set(ProjectStatus::Pipeline.as_str().to_owned()),
        progress: Set(0),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    store::write_fields(&mut model, &fields, now);
    model.insert(work.db()).await?;
    store::set_links(work.db(), id, &fields).await?;
    let first = NewEntry {
        occurred_on: now.date_naive(),
        from_status: None,
        to_status: Some(ProjectStatus::Pipeline),
        progress: Some(0),
        note: "Projet enregistré.".to_owned(),
        author_id: Some(caller.id),
    };
    timeline::append(work.db(), id, first).await?;
    let (saved, response) = store::find(work.db(), id).await?;
    work.feed(EventKind::ProjectCreated, id, None);
    let entry = AuditEntry::created(ENTITY, id, &response)?;
    Ok(work.done(entry, (response, saved.version)))
}

/// Changes the fields of a project (not its status or progress: see [`report`]).
pub async fn update(
    mut work: UnitOfWork,
    caller: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    change: ProjectChange,
) -> Result<Done<(ProjectResponse, i32)>, ApiError> {
    work.lock::<project::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    ensure_division(caller, before.division)?;
    work.check_version(if_match, current.version)?;
    let mut fields = ProjectFields::from_current(&before);
    fields.apply(change);
    ensure_division(caller, fields.division)?;
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    let new_agent = rules::agent_to_check(
        (current.agent_in_charge_id, before.division),
        (fields.agent_in_charge_id, fields.division),
    );
    checks.absorb(store::check_references(work.db(), &fields, new_agent).await)?;
    checks.finish()?;
    let mut model: project::ActiveModel = current.clone().into();
    store::write_fields(&mut model, &fields, current.created_at);
    work.save::<project::Entity>(id, model, current.version).await?;
    store::set_links(work.db(), id, &fields).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    work.feed(EventKind::ProjectUpdated, id, None);
    let entry = AuditEntry::changed(ENTITY, id, "update", &before, &after)?;
    Ok(work.done(entry, (after, saved.version)))
}

/// A status move or a progress report, as a timeline entry.
pub struct Report {
    pub status: Option<ProjectStatus>,
    pub progress: Option<i32>,
    pub note: String,
    pub occurred_on: Option<chrono::NaiveDate>,
}

/// Appends a timeline entry and moves the project's status and progress with it. `If-Match` is
/// checked when sent. Returns the entry and the project's new version.
pub async fn report(
    mut work: UnitOfWork,
    caller: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    report: Report,
) -> Result<Done<(StatusUpdateResponse, i32)>, ApiError> {
    rules::check_report(&report.note, report.progress)?;
    work.lock::<project::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    ensure_division(caller, before.division)?;
    if if_match.is_present() {
        work.check_version(if_match, current.version)?;
    }
    let from = before.status;
    let moves_to = rules::check_move(from, report.status)?;
    let entry = NewEntry {
        occurred_on: report.occurred_on.unwrap_or_else(|| Utc::now().date_naive()),
        from_status: moves_to.map(|_| from),
        to_status: moves_to,
        progress: report.progress,
        note: report.note.trim().to_owned(),
        author_id: Some(caller.id),
    };
    let entry = timeline::append(work.db(), id, entry).await?;
    let mut model: project::ActiveModel = current.clone().into();
    if let Some(to) = moves_to {
        model.status = Set(to.as_str().to_owned());
    }
    if let Some(progress) = report.progress {
        model.progress = Set(progress);
    }
    work.save::<project::Entity>(id, model, current.version).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    let (action, kind) = match moves_to {
        Some(_) => ("status_change", EventKind::StatusChanged),
        None => ("progress_report", EventKind::ProjectUpdated),
    };
    work.feed(kind, id, None);
    let audit = AuditEntry::changed(ENTITY, id, action, &before, &after)?;
    Ok(work.done(audit, (entry, saved.version)))
}

/// Archives (`archive = true`, `If-Match` required) or restores a project of a division the
/// caller writes; partners polling the feed see it change.
pub async fn set_archived(
    db: &DatabaseConnection,
    context: &ChangeContext,
    caller: &CurrentUser,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
) -> Result<(ProjectResponse, i32), ApiError> {
    archive::set_archived::<project::Entity, _>(
        db,
        context,
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| store::find(db, id).await,
        async |_, response| ensure_division(caller, response.division),
        async |db, model| crate::feed::record(db, EventKind::ProjectUpdated, model.id, None).await,
    )
    .await
}
