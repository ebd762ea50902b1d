//! The writes of agreements, each in the caller's unit of work: the division rule, the fields'
//! rules, the references and the status moves are here; lock, version, audit and commit are the
//! unit's.
use chrono::Utc;
use entity::agreement;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use uuid::Uuid;

use super::{
    rules::{check_move, check_reason, is_routine_move},
    store,
    types::{AgreementChange, AgreementFields, AgreementKind, AgreementResponse, AgreementStatus},
};
use crate::validate::Rules;
use crate::{
    auth::{
        CurrentUser,
        policy::{may_move_agreement, may_write_division},
    },
    error::ApiError,
    records::{
        archive,
        audit::ChangeContext,
        unit_of_work::{AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
};

/// The audit trail's name of the record type.
pub const ENTITY: &str = "agreement";

/// The row rule: division heads write only the agreements of their division.
fn ensure_division(user: &CurrentUser, division: crate::auth::Division) -> Result<(), ApiError> {
    if may_write_division(user.role, user.division, division) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Records a new agreement of `kind`, `in_gestation`, in the division its kind names.
pub async fn create(
    work: UnitOfWork,
    user: &CurrentUser,
    kind: AgreementKind,
    mut fields: AgreementFields,
) -> Result<Done<(AgreementResponse, i32)>, ApiError> {
    ensure_division(user, kind.division())?;
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    checks.absorb(store::check_references(work.db(), &fields, Some(kind.division())).await)?;
    checks.finish()?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = agreement::ActiveModel {
        id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        division: Set(kind.division().as_str().to_owned()),
        status: Set(AgreementStatus::InGestation.as_str().to_owned()),
        source: Set(None),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    store::write_fields(&mut model, &fields)?;
    model.insert(work.db()).await?;
    store::set_links(work.db(), id, &fields.parties, &fields.domains).await?;
    let (saved, view) = store::find(work.db(), id).await?;
    Ok(work.done(AuditEntry::created(ENTITY, id, &view)?, (view, saved.version)))
}

/// Changes an agreement of the caller's division at the version `if_match` names.
pub async fn update(
    work: UnitOfWork,
    user: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    change: AgreementChange,
) -> Result<Done<(AgreementResponse, i32)>, ApiError> {
    work.lock::<agreement::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    ensure_division(user, before.division)?;
    work.check_version(if_match, current.version)?;
    let mut fields = AgreementFields::from_current(&current, &before);
    fields.apply(change);
    let mut checks = Rules::default();
    checks.absorb(fields.validate())?;
    // A new agent in charge must be of the agreement's division; one named before the rule stays.
    let new_agent = fields.agent_in_charge_id != current.agent_in_charge_id;
    checks.absorb(store::check_references(work.db(), &fields, new_agent.then_some(before.division)).await)?;
    checks.finish()?;
    let mut model: agreement::ActiveModel = current.clone().into();
    store::write_fields(&mut model, &fields)?;
    work.save::<agreement::Entity>(id, model, current.version).await?;
    store::set_links(work.db(), id, &fields.parties, &fields.domains).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    Ok(work.done(AuditEntry::changed(ENTITY, id, "update", &before, &after)?, (after, saved.version)))
}

/// Moves an agreement's status to `to`, for `reason`; `If-Match` is checked when sent. A move that
/// does not exist is a 409 (before who may make it: the caller learns what is possible).
pub async fn change_status(
    work: UnitOfWork,
    user: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    to: AgreementStatus,
    reason: &str,
) -> Result<Done<(AgreementResponse, i32)>, ApiError> {
    check_reason(reason)?;
    work.lock::<agreement::Entity>(id).await?;
    let (current, before) = store::find(work.db(), id).await?;
    if if_match.is_present() {
        work.check_version(if_match, current.version)?;
    }
    let from = before.status;
    check_move(from, to)?;
    if !may_move_agreement(user.role, user.division, before.division, is_routine_move(from, to)) {
        return Err(ApiError::Forbidden);
    }
    let mut model: agreement::ActiveModel = current.clone().into();
    model.status = Set(to.as_str().to_owned());
    work.save::<agreement::Entity>(id, model, current.version).await?;
    store::record_move(work.db(), id, Some(from), to, reason.trim(), Some(user.id)).await?;
    let (saved, after) = store::find(work.db(), id).await?;
    Ok(work.done(AuditEntry::changed(ENTITY, id, "status_change", &before, &after)?, (after, saved.version)))
}

/// Archives (`archive = true`, needs `if_match`) or restores an agreement of the caller's division;
/// returns it with its version.
pub async fn set_archived(
    db: &DatabaseConnection,
    context: ChangeContext,
    user: &CurrentUser,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
) -> Result<(AgreementResponse, i32), ApiError> {
    archive::set_archived::<agreement::Entity, _>(
        db,
        &context,
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| store::find(db, id).await,
        async |_, view| ensure_division(user, view.division),
        async |_, _| Ok(()),
    )
    .await
}
