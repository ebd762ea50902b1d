//! The writes of funding lines, on the unit of work. Each one first makes sure the project is
//! writable by the caller and still open (locked, so that its status holds still until the commit),
//! then marks the project as changed and queues the change-feed event partners follow.
use entity::{funding_line, project};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use super::{
    rules, store,
    store::ProjectFacts,
    types::{FundingLineChange, FundingLineFields, FundingLineInput, FundingLineResponse},
};
use crate::validate::Rules;
use crate::{
    auth::{CurrentUser, policy::may_write_division},
    error::ApiError,
    feed::EventKind,
    i18n::Text,
    records::{
        archive,
        audit::ChangeContext,
        unit_of_work::{AuditEntry, Done, UnitOfWork},
        versioning::{IfMatch, lock},
    },
};

/// The audited record type.
pub const ENTITY: &str = "funding_line";

/// The project of a line, locked, writable by the caller (division rule) and still open.
async fn open_project(
    db: &impl ConnectionTrait,
    caller: &CurrentUser,
    project_id: Uuid,
) -> Result<ProjectFacts, ApiError> {
    lock::<project::Entity>(db, project_id).await?;
    let project = store::project(db, project_id).await?;
    if !may_write_division(caller.role, caller.division, project.division) {
        return Err(ApiError::Forbidden);
    }
    rules::lines_may_change(&project.status)?;
    Ok(project)
}

/// Adds a line to `project_id` (a round table's pledge names its `event`). The project's
/// problems (404, 403, closed) come before the body's.
pub async fn create(
    mut work: UnitOfWork,
    caller: &CurrentUser,
    project_id: Uuid,
    input: FundingLineInput,
    event: Option<Uuid>,
) -> Result<Done<(FundingLineResponse, i32)>, ApiError> {
    rules::ensure_may_publish(caller.role, input.is_public)?;
    open_project(work.db(), caller, project_id).await?;
    let mut checks = Rules::default();
    let fields = checks.absorb(rules::new_fields(&input))?;
    if !store::is_funder(work.db(), project_id, input.partner_id).await? {
        checks.fail(
            "partner_id",
            "funder_not_participant",
            Text::fixed(
                "Le partenaire doit participer au projet avec le rôle « funding ».",
                "The partner must take part in the project with the \"funding\" role.",
            ),
        );
    }
    checks.finish()?;
    let Some(fields) = fields else { return Err(ApiError::Internal(anyhow::anyhow!("checked fields missing"))) };
    let id = store::insert(work.db(), project_id, input.partner_id, &fields, event).await?;
    let (saved, response) = store::find(work.db(), id).await?;
    store::touch_project(work.db(), project_id).await?;
    work.feed(EventKind::FundingLineAdded, project_id, Some(id));
    Ok(work.done(AuditEntry::created(ENTITY, id, &response)?, (response, saved.version)))
}

/// Changes the line `id` at the version `if_match` names.
pub async fn update(
    mut work: UnitOfWork,
    caller: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    change: FundingLineChange,
) -> Result<Done<(FundingLineResponse, i32)>, ApiError> {
    rules::ensure_may_publish(caller.role, change.is_public)?;
    work.lock::<funding_line::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    open_project(work.db(), caller, current.project_id).await?;
    work.check_version(if_match, current.version)?;
    let fields = rules::changed_fields(&FundingLineFields::of(&current)?, change)?;
    let mut model = funding_line::ActiveModel::default();
    store::write_fields(&mut model, &fields);
    work.save::<funding_line::Entity>(id, model, current.version).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    store::touch_project(work.db(), current.project_id).await?;
    work.feed(EventKind::ProjectUpdated, current.project_id, Some(id));
    Ok(work.done(AuditEntry::changed(ENTITY, id, "update", &before, &after)?, (after, saved.version)))
}

/// Archives (`DELETE`, with `If-Match`) or restores the line `id`; the project must be open.
pub async fn set_archived(
    db: &DatabaseConnection,
    context: &ChangeContext,
    caller: &CurrentUser,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
) -> Result<(FundingLineResponse, i32), ApiError> {
    archive::set_archived::<funding_line::Entity, _>(
        db,
        context,
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| store::find(db, id).await,
        async |db, line| open_project(db, caller, line.project_id).await.map(|_| ()),
        async |db, line| {
            store::touch_project(db, line.project_id).await?;
            crate::feed::record(db, EventKind::ProjectUpdated, line.project_id, Some(line.id)).await
        },
    )
    .await
}
