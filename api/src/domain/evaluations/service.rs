//! The writes of evaluations, each on a unit of work, and the due list.
use chrono::{NaiveDate, Utc};
use entity::evaluation;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use super::{
    rules::{due_list, ensure_draft},
    store,
    types::{DueEvaluation, EvaluationFields, EvaluationResponse},
};
use crate::{
    auth::{
        CurrentUser, Division, Role,
        policy::{may_evaluate, may_sign_off_evaluation},
    },
    error::ApiError,
    records::{
        unit_of_work::{AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
};

/// The audited record type.
pub const ENTITY: &str = "evaluation";

/// A division rule of `policy` (who evaluates, who signs off): whether a role of a division may act
/// on an agreement of a division.
type RowRule = fn(Role, Option<Division>, Division) -> bool;

/// Applies `rule` to the caller and the agreement evaluated: 403 when it refuses, 404 when the
/// agreement is absent.
async fn ensure_allowed(
    db: &impl ConnectionTrait,
    caller: &CurrentUser,
    agreement_id: Uuid,
    rule: RowRule,
) -> Result<(), ApiError> {
    let division = store::agreement_division(db, agreement_id).await?;
    if rule(caller.role, caller.division, division) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Records a new evaluation of the agreement; returns it with its version.
pub async fn create(
    work: UnitOfWork,
    caller: &CurrentUser,
    agreement_id: Uuid,
    fields: EvaluationFields,
) -> Result<Done<(EvaluationResponse, i32)>, ApiError> {
    ensure_allowed(work.db(), caller, agreement_id, may_evaluate).await?;
    let now = Utc::now();
    let mut model = evaluation::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(agreement_id),
        signed_off_at: Set(None),
        signed_off_by: Set(None),
        created_by: Set(Some(caller.id)),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    store::write_fields(&mut model, &fields);
    let saved = model.insert(work.db()).await?;
    let (id, version) = (saved.id, saved.version);
    let view = EvaluationResponse::try_from(saved)?;
    let entry = AuditEntry::created(ENTITY, id, &view)?;
    Ok(work.done(entry, (view, version)))
}

/// Replaces the content of a draft evaluation (409 once signed off).
pub async fn update(
    work: UnitOfWork,
    caller: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    fields: EvaluationFields,
) -> Result<Done<(EvaluationResponse, i32)>, ApiError> {
    work.lock::<evaluation::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    ensure_allowed(work.db(), caller, current.agreement_id, may_evaluate).await?;
    work.check_version(if_match, current.version)?;
    ensure_draft(current.signed_off_at)?;
    let version = current.version;
    let mut change: evaluation::ActiveModel = current.into();
    store::write_fields(&mut change, &fields);
    work.save::<evaluation::Entity>(id, change, version).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    let entry = AuditEntry::changed(ENTITY, id, "update", &before, &after)?;
    Ok(work.done(entry, (after, saved.version)))
}

/// Signs off an evaluation: it is read-only after (409 when already signed off).
pub async fn sign_off(
    work: UnitOfWork,
    caller: &CurrentUser,
    id: Uuid,
) -> Result<Done<(EvaluationResponse, i32)>, ApiError> {
    work.lock::<evaluation::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    ensure_allowed(work.db(), caller, current.agreement_id, may_sign_off_evaluation).await?;
    ensure_draft(current.signed_off_at)?;
    let version = current.version;
    let mut change: evaluation::ActiveModel = current.into();
    change.signed_off_at = Set(Some(Utc::now()));
    change.signed_off_by = Set(Some(caller.id));
    work.save::<evaluation::Entity>(id, change, version).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    let entry = AuditEntry::changed(ENTITY, id, "sign_off", &before, &after)?;
    Ok(work.done(entry, (after, saved.version)))
}

/// The agreements in force (of `division` when given) whose evaluation is due on `as_of`.
pub async fn due(
    db: &impl ConnectionTrait,
    as_of: NaiveDate,
    division: Option<Division>,
) -> Result<Vec<DueEvaluation>, ApiError> {
    let agreements = store::in_force(db, division).await?;
    let latest = store::latest_evaluations(db).await?;
    Ok(due_list(agreements, &latest, as_of))
}
