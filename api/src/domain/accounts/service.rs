//! The writes of accounts, each on a unit of work: the lock, `If-Match`, the versioned save, the
//! audit entry (the account as the API shows it: never a password or a secret hash) and the commit.
//! A change of standing, password or secret also ends the account's sessions, in the same unit.
use entity::account;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DatabaseTransaction};
use uuid::Uuid;

use super::{
    rules, store,
    types::{AccountResponse, KIND_MACHINE, KIND_PERSON, NewMachine, NewPerson, PersonChange, Standing, audit_entity},
};
use crate::{
    auth::{
        CurrentUser, password,
        policy::{AccountChange, may_change_account},
    },
    domain::outcome::Outcome,
    error::ApiError,
    records::{
        audit::ChangeContext,
        unit_of_work::{Answer, AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
};

/// An account with its version, as a write answers it.
pub type Saved = (AccountResponse, i32);

/// Hashes a password off the async workers (Argon2 is CPU-bound), before any transaction begins.
pub async fn hash_password(plain: String) -> Result<String, ApiError> {
    let hash = tokio::task::spawn_blocking(move || password::hash(&plain)).await.map_err(anyhow::Error::from)??;
    Ok(hash)
}

/// Refuses (409 `own_account`) what `auth::policy` does not let the caller do to `account`.
pub fn authorize(caller: &CurrentUser, account: Uuid, change: AccountChange) -> Result<(), ApiError> {
    if may_change_account(caller.role, caller.id, account, change) { Ok(()) } else { Err(rules::own_account()) }
}

/// Creates a person's account (checked by `rules::check_new_person`) with a hashed password.
pub async fn create_person(work: UnitOfWork, new: NewPerson, password_hash: String) -> Result<Done<Saved>, ApiError> {
    let model = store::insert_person(work.db(), &new, password_hash).await?;
    let version = model.version;
    let after = AccountResponse::try_from(model)?;
    Ok(work.done(AuditEntry::created(audit_entity(KIND_PERSON), after.id, &after)?, (after, version)))
}

/// Creates a person's account outside any request (the first director, `api users create`):
/// checks, hashes and commits it with its audit entry.
pub async fn create_person_directly(
    db: &DatabaseConnection,
    context: &ChangeContext,
    new: NewPerson,
    plain_password: &str,
) -> Result<AccountResponse, ApiError> {
    rules::check_new_person(&new, plain_password)?;
    let hash = hash_password(plain_password.to_owned()).await?;
    let work = UnitOfWork::begin(db, context.clone()).await?;
    let (_, (account, _)) = create_person(work, new, hash).await?.commit(|_| Ok(Answer::no_content())).await?;
    Ok(account)
}

/// Changes a person's name, role, division or activity. One's own standing is not changed here,
/// and the last active director stays one.
pub async fn update_person(
    work: UnitOfWork,
    caller: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    change: PersonChange,
) -> Result<Done<Saved>, ApiError> {
    work.lock::<account::Entity>(id).await?;
    let current = store::find(work.db(), KIND_PERSON, id).await?;
    work.check_version(if_match, current.version)?;
    let before = Standing::of(&current)?;
    let after = rules::standing_after(before, &change)?;
    let ends_sessions = after != before;
    authorize(caller, id, if ends_sessions { AccountChange::Standing } else { AccountChange::Profile })?;
    if rules::takes_a_director_away(before.role, after) {
        rules::check_directors_remain(store::other_active_directors(work.db(), id).await?)?;
    }
    let mut model: account::ActiveModel = current.clone().into();
    if let Some(name) = change.full_name {
        model.full_name = Set(name.trim().to_owned());
    }
    model.role = Set(after.role.as_str().into());
    model.division = Set(after.division.map(|division| division.as_str().to_owned()));
    model.is_active = Set(after.active);
    let saved = save(&work, &current, model, ends_sessions).await?;
    changed(work, "update", current, saved, |after, version| (after, version))
}

/// Deactivates an account of `kind`: it stays (history points at it) but its tokens stop working.
/// Not one's own, nor the last active director. An inactive account stays as it is.
pub async fn deactivate(
    work: UnitOfWork,
    caller: &CurrentUser,
    kind: &str,
    id: Uuid,
    if_match: &IfMatch,
) -> Result<Outcome<()>, ApiError> {
    work.lock::<account::Entity>(id).await?;
    let current = store::find(work.db(), kind, id).await?;
    work.check_version(if_match, current.version)?;
    authorize(caller, id, AccountChange::Standing)?;
    let before = Standing::of(&current)?;
    if rules::takes_a_director_away(before.role, Standing { active: false, ..before }) {
        rules::check_directors_remain(store::other_active_directors(work.db(), id).await?)?;
    }
    if !current.is_active {
        return Ok(Outcome::Unchanged(work, ()));
    }
    let mut model: account::ActiveModel = current.clone().into();
    model.is_active = Set(false);
    let saved = save(&work, &current, model, true).await?;
    Ok(Outcome::Changed(changed(work, "deactivate", current, saved, |_, _| ())?))
}

/// Sets a person's password to `password_hash` (a temporary one the director hands over) and ends
/// their sessions. The caller is authorized (`authorize`, `PasswordReset`) before hashing.
pub async fn reset_password(work: UnitOfWork, id: Uuid, password_hash: String) -> Result<Done<Saved>, ApiError> {
    work.lock::<account::Entity>(id).await?;
    let current = store::find(work.db(), KIND_PERSON, id).await?;
    let mut model: account::ActiveModel = current.clone().into();
    model.password_hash = Set(Some(password_hash));
    let saved = save(&work, &current, model, true).await?;
    changed(work, "password_reset", current, saved, |after, version| (after, version))
}

/// Sets one's own password (the current one checked by the caller), ends every session of the
/// account, and opens a new one with `new_session` in the same unit.
pub async fn change_own_password<S>(
    work: UnitOfWork,
    id: Uuid,
    password_hash: String,
    new_session: impl AsyncFnOnce(&DatabaseTransaction, &account::Model) -> Result<S, ApiError>,
) -> Result<Done<S>, ApiError> {
    work.lock::<account::Entity>(id).await?;
    let current = store::find_any(work.db(), id).await?;
    let mut model: account::ActiveModel = current.clone().into();
    model.password_hash = Set(Some(password_hash));
    let saved = save(&work, &current, model, true).await?;
    let session = new_session(work.db(), &saved).await?;
    changed(work, "password_change", current, saved, |_, _| session)
}

/// Creates a partner system's account, its client id and (hashed) secret. Returns the client id.
pub async fn create_machine(
    work: UnitOfWork,
    new: NewMachine,
    secret_hash: String,
) -> Result<Done<(AccountResponse, i32, String)>, ApiError> {
    crate::domain::partners::store::check_partners(work.db(), "partner_id", &[new.partner_id]).await?;
    let id = Uuid::now_v7();
    let client_id = rules::client_id_for(id);
    let model = store::insert_machine(work.db(), &new, id, client_id.clone(), secret_hash).await?;
    let version = model.version;
    let after = AccountResponse::try_from(model)?;
    Ok(work.done(AuditEntry::created(audit_entity(KIND_MACHINE), id, &after)?, (after, version, client_id)))
}

/// Replaces a machine account's secret and voids its tokens, if the account is still at the
/// version the request found on arrival (`rules::check_unchanged_since`). Returns the client id.
pub async fn rotate_secret(
    work: UnitOfWork,
    id: Uuid,
    seen_version: i32,
    secret_hash: String,
) -> Result<Done<(AccountResponse, i32, String)>, ApiError> {
    work.lock::<account::Entity>(id).await?;
    let current = store::find(work.db(), KIND_MACHINE, id).await?;
    rules::check_unchanged_since(seen_version, current.version)?;
    let mut model: account::ActiveModel = current.clone().into();
    model.client_secret_hash = Set(Some(secret_hash));
    let saved = save(&work, &current, model, true).await?;
    let client_id = saved
        .client_id
        .clone()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("machine account {id} has no client_id")))?;
    changed(work, "rotate_secret", current, saved, |after, version| (after, version, client_id))
}

/// Saves `model` if the account is still at its version; when `end_sessions`, bumps the token
/// version (access tokens die at their next request) and revokes the refresh tokens. Returns the
/// account as saved.
async fn save(
    work: &UnitOfWork,
    current: &account::Model,
    mut model: account::ActiveModel,
    end_sessions: bool,
) -> Result<account::Model, ApiError> {
    if end_sessions {
        model.token_version = Set(current.token_version + 1);
        store::revoke_account(work.db(), current.id).await?;
    }
    work.save::<account::Entity>(current.id, model, current.version).await?;
    store::find_any(work.db(), current.id).await
}

/// Ends a change of `current` into `saved`: its audit entry under `action`, and the value the
/// answer is made from (`value` of the account's view and version).
fn changed<T>(
    work: UnitOfWork,
    action: &'static str,
    current: account::Model,
    saved: account::Model,
    value: impl FnOnce(AccountResponse, i32) -> T,
) -> Result<Done<T>, ApiError> {
    let (entity, version) = (audit_entity(&saved.kind), saved.version);
    let before = AccountResponse::try_from(current)?;
    let after = AccountResponse::try_from(saved)?;
    let entry = AuditEntry::changed(entity, after.id, action, &before, &after)?;
    Ok(work.done(entry, value(after, version)))
}
