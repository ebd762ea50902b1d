//! The unit of work: the one write script of the API. Every change to an official record goes
//! through it, and it fixes the steps that must never vary — the write transaction, the row lock,
//! the version check (`If-Match`), the versioned save, the audit entry, the change-feed events, the
//! answer kept for an `Idempotency-Key`, and the commit — while the steps that vary (validation,
//! rules, links, what the answer holds) stay plain code in each aggregate's service.
//!
//! The audit entry, the idempotent answer and the commit are one call ([`UnitOfWork::commit`]), so
//! a write cannot skip its audit, and a retry after a crash between the commit and the answer
//! finds the answer the first request committed instead of acting twice.
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Utc;
use entity::idempotency_key;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Value,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    audit::{self, ChangeContext},
    versioning::{IfMatch, Versioned, etag, lock, save_versioned},
};
use crate::{error::ApiError, feed};

/// A change about to be committed: what the audit trail records.
pub struct AuditEntry {
    entity_type: &'static str,
    entity_id: String,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

impl AuditEntry {
    /// A record created: no `before`.
    pub fn created(entity_type: &'static str, id: impl ToString, after: &impl Serialize) -> Result<Self, ApiError> {
        Ok(Self { entity_type, entity_id: id.to_string(), action: "create", before: None, after: Some(json(after)?) })
    }

    /// A record changed by `action` (`update`, `archive`, `status`…): both states.
    pub fn changed(
        entity_type: &'static str,
        id: impl ToString,
        action: &'static str,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            entity_type,
            entity_id: id.to_string(),
            action,
            before: Some(json(before)?),
            after: Some(json(after)?),
        })
    }

    /// A record removed for good (links, secrets, sessions — never an official record): no `after`.
    pub fn removed(
        entity_type: &'static str,
        id: impl ToString,
        action: &'static str,
        before: &impl Serialize,
    ) -> Result<Self, ApiError> {
        Ok(Self { entity_type, entity_id: id.to_string(), action, before: Some(json(before)?), after: None })
    }
}

fn json(value: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|error| ApiError::Internal(error.into()))
}

/// The answer to the request, as the client will receive it: kept with the change when the request
/// carries an `Idempotency-Key`, so that a retry replays it. `http` turns it into a response.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    /// JSON; `None` for an empty answer (204).
    pub body: Option<Vec<u8>>,
}

impl Answer {
    /// A JSON answer with the record's version as its ETag.
    pub fn record(status: u16, body: &impl Serialize, version: i32) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(body).map_err(|error| ApiError::Internal(error.into()))?;
        Ok(Self { status, headers: vec![("etag", etag(version))], body: Some(body) })
    }

    /// A JSON answer without a version.
    pub fn json(status: u16, body: &impl Serialize) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(body).map_err(|error| ApiError::Internal(error.into()))?;
        Ok(Self { status, headers: Vec::new(), body: Some(body) })
    }

    /// `201 Created` with the new record's `Location`.
    pub fn created(location: String, body: &impl Serialize, version: i32) -> Result<Self, ApiError> {
        let mut answer = Self::record(201, body, version)?;
        answer.headers.push(("location", location));
        Ok(answer)
    }

    /// `204 No Content`.
    pub fn no_content() -> Self {
        Self { status: 204, headers: Vec::new(), body: None }
    }
}

/// The `Idempotency-Key` this request claimed (by `http::idempotency`), whose answer the unit of
/// work stores in its transaction.
#[derive(Clone, Debug)]
pub struct ClaimedKey {
    pub scope: String,
    pub key: String,
}

/// Set at start-up from `FAULT_INJECTION=exit_after_commit` (never in production): the process
/// exits right after committing a change made with an `Idempotency-Key`, before answering, so the tests can prove nothing is lost or done
/// twice when the server dies at the worst moment.
static EXIT_AFTER_COMMIT: AtomicBool = AtomicBool::new(false);

pub fn inject_exit_after_commit() {
    EXIT_AFTER_COMMIT.store(true, Ordering::SeqCst);
}

/// A write transaction with its context. Stores read and write through [`UnitOfWork::db`].
pub struct UnitOfWork {
    txn: DatabaseTransaction,
    context: ChangeContext,
    feed: Vec<(feed::EventKind, Uuid, Option<Uuid>)>,
}

impl UnitOfWork {
    /// Begins a write transaction (SQLite: `BEGIN IMMEDIATE`, so writers queue instead of failing).
    pub async fn begin(db: &DatabaseConnection, context: ChangeContext) -> Result<Self, ApiError> {
        let txn = crate::db::begin_write(db).await?;
        Ok(Self { txn, context, feed: Vec::new() })
    }

    /// The transaction, for the stores.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    pub fn context(&self) -> &ChangeContext {
        &self.context
    }

    /// Locks the row `id` of `E` until the end of the unit (a second writer queues behind and then
    /// reads what the first wrote).
    pub async fn lock<E: Versioned>(&self, id: impl Into<Value>) -> Result<(), ApiError> {
        lock::<E>(&self.txn, id).await
    }

    /// Checks `If-Match` against the version read under the lock: 428 when absent, 412 when stale.
    pub fn check_version(&self, if_match: &IfMatch, current_version: i32) -> Result<(), ApiError> {
        if_match.check(current_version)
    }

    /// Writes `change` to the row `id` if it is still at `read_version`, bumping the version.
    pub async fn save<E>(
        &self,
        id: impl Into<Value> + Clone,
        change: E::ActiveModel,
        read_version: i32,
    ) -> Result<(), ApiError>
    where
        E: Versioned,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        save_versioned::<E>(&self.txn, id, change, read_version).await
    }

    /// Queues a change-feed event of a project; written with the commit.
    pub fn feed(&mut self, kind: feed::EventKind, project: Uuid, funding_line: Option<Uuid>) {
        self.feed.push((kind, project, funding_line));
    }

    /// Ends the service's part: the change is made and audited, the unit waits for the answer
    /// (which the handler composes from `value`) to commit all together.
    pub fn done<T>(self, entry: AuditEntry, value: T) -> Done<T> {
        Done { work: self, entries: vec![entry], value }
    }

    /// [`UnitOfWork::done`] for a change of several records.
    pub fn done_all<T>(self, entries: Vec<AuditEntry>, value: T) -> Done<T> {
        Done { work: self, entries, value }
    }

    /// Writes the audit entry, the feed events and the answer kept for the request's
    /// `Idempotency-Key`, then commits — all or nothing.
    pub async fn commit(self, entry: AuditEntry, answer: &Answer) -> Result<(), ApiError> {
        self.commit_entries(vec![entry], answer).await
    }

    /// [`UnitOfWork::commit`] for a change of several records (each one audited).
    pub async fn commit_entries(self, entries: Vec<AuditEntry>, answer: &Answer) -> Result<(), ApiError> {
        if entries.is_empty() {
            return Err(ApiError::Internal(anyhow::anyhow!("a unit of work must audit what it changes")));
        }
        for entry in entries {
            audit::record(
                &self.txn,
                &self.context,
                entry.entity_type,
                entry.entity_id,
                entry.action,
                entry.before.as_ref(),
                entry.after.as_ref(),
            )
            .await?;
        }
        for (kind, project, funding_line) in &self.feed {
            feed::record(&self.txn, *kind, *project, *funding_line).await?;
        }
        let idempotent = self.context.idempotency.is_some();
        if let Some(claimed) = &self.context.idempotency {
            store_answer(&self.txn, claimed, answer).await?;
        }
        self.txn.commit().await?;
        if idempotent && EXIT_AFTER_COMMIT.load(Ordering::SeqCst) {
            tracing::error!("FAULT_INJECTION=exit_after_commit: exiting after the commit, before the answer");
            std::process::exit(70);
        }
        Ok(())
    }

    /// Ends a unit that changed nothing (e.g. archiving an archived record): no audit entry.
    pub async fn commit_unchanged(self, answer: &Answer) -> Result<(), ApiError> {
        if let Some(claimed) = &self.context.idempotency {
            store_answer(&self.txn, claimed, answer).await?;
        }
        self.txn.commit().await?;
        Ok(())
    }
}

/// A change made and audited, not yet committed. Dropping it rolls the change back; the only way to
/// commit is [`Done::commit`], with the answer.
#[must_use = "a change is kept only when committed"]
pub struct Done<T> {
    work: UnitOfWork,
    entries: Vec<AuditEntry>,
    pub value: T,
}

impl<T> Done<T> {
    /// Composes the answer from the service's result, then commits the change, its audit, its feed
    /// events and the answer together. Returns the answer and the result.
    pub async fn commit(self, answer: impl FnOnce(&T) -> Result<Answer, ApiError>) -> Result<(Answer, T), ApiError> {
        let answer = answer(&self.value)?;
        self.work.commit_entries(self.entries, &answer).await?;
        Ok((answer, self.value))
    }

    /// Commits with the answer, and returns it as the response.
    pub async fn respond(self, answer: impl FnOnce(&T) -> Result<Answer, ApiError>) -> Result<Answer, ApiError> {
        Ok(self.commit(answer).await?.0)
    }
}

/// The usual answers to a write that yields a record and its version.
impl<V: Serialize> Done<(V, i32)> {
    /// Commits, answering `200` with the record and its ETag.
    pub async fn answer_record(self) -> Result<Answer, ApiError> {
        self.respond(|(view, version)| Answer::record(200, view, *version)).await
    }

    /// Commits, answering `201 Created` with the record, its ETag and its `Location`.
    pub async fn answer_created(self, location: impl FnOnce(&V) -> String) -> Result<Answer, ApiError> {
        self.respond(|(view, version)| Answer::created(location(view), view, *version)).await
    }
}

impl Done<()> {
    /// Commits, answering `204 No Content`.
    pub async fn answer_no_content(self) -> Result<Answer, ApiError> {
        self.respond(|()| Ok(Answer::no_content())).await
    }
}

/// Completes the claimed key with the answer, in the change's transaction. The idempotency
/// middleware then finds it completed and leaves it as it is.
async fn store_answer(txn: &DatabaseTransaction, claimed: &ClaimedKey, answer: &Answer) -> Result<(), ApiError> {
    let mut headers: serde_json::Map<String, serde_json::Value> = answer
        .headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), serde_json::Value::from(value.clone())))
        .collect();
    if answer.body.is_some() {
        headers.insert("content-type".into(), "application/json".into());
    }
    let body = answer.body.as_deref().map(|body| String::from_utf8_lossy(body).into_owned()).unwrap_or_default();
    idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::Status, i32::from(answer.status).into())
        .col_expr(idempotency_key::Column::ResponseBody, body.into())
        .col_expr(idempotency_key::Column::ResponseHeaders, serde_json::Value::Object(headers).into())
        .col_expr(idempotency_key::Column::CompletedAt, Utc::now().into())
        .filter(idempotency_key::Column::Scope.eq(claimed.scope.as_str()))
        .filter(idempotency_key::Column::Key.eq(claimed.key.as_str()))
        .filter(idempotency_key::Column::Status.is_null())
        .exec(txn)
        .await?;
    Ok(())
}
