//! The audit trail. Every change writes who, when, which request, and the values before and after,
//! through `record`, in the same transaction as the change: no change without its entry.
use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde::Serialize;
use uuid::Uuid;

use crate::error::ApiError;

crate::code_list! {
    /// The kind of record a change is about.
    pub enum AuditEntityType {
        Partner = "partner",
        Agreement = "agreement",
        Project = "project",
        FundingLine = "funding_line",
        ExchangeRate = "exchange_rate",
        Evaluation = "evaluation",
        Event = "event",
        Domain = "domain",
        Webhook = "webhook",
        User = "user",
        MachineAccount = "machine_account",
    }
}

crate::code_list! {
    /// What a change did to its record.
    pub enum AuditAction {
        Create = "create",
        Update = "update",
        Archive = "archive",
        Restore = "restore",
        /// An agreement's or a project's status moved.
        StatusChange = "status_change",
        /// A project's timeline entry that reports progress without moving its status.
        ProgressReport = "progress_report",
        /// An evaluation signed off (read-only from then on).
        SignOff = "sign_off",
        /// An account deactivated.
        Deactivate = "deactivate",
        /// A person's password reset by the director.
        PasswordReset = "password_reset",
        /// A person's password changed by that person.
        PasswordChange = "password_change",
        /// A machine account's secret rotated.
        RotateSecret = "rotate_secret",
    }
}

/// Who is changing things, and in which request.
#[derive(Clone, Debug)]
pub struct ChangeContext {
    pub actor: Option<Uuid>,
    /// The server's own id of the request (unique).
    pub request_id: Option<String>,
    /// The `X-Request-Id` the client sent, if any.
    pub client_request_id: Option<String>,
    /// The `Idempotency-Key` the request claimed: its answer is kept with the change.
    pub idempotency: Option<super::unit_of_work::ClaimedKey>,
}

// A request's context (`ChangeContext::new(&user, &request_id)`) is made in `http::middleware`,
// beside the request id: the audit knows nothing of requests.
impl ChangeContext {
    /// Changes made by the server itself (seed data).
    pub fn system() -> Self {
        Self { actor: None, request_id: None, client_request_id: None, idempotency: None }
    }
}

/// Appends one entry to the audit trail. `before`/`after` are the record as the API shows it.
pub async fn record<B: Serialize, A: Serialize>(
    db: &impl ConnectionTrait,
    context: &ChangeContext,
    entity_type: &str,
    entity_id: impl ToString,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), ApiError> {
    // The audit trail serves these as closed lists (`AuditEntityType`, `AuditAction`): a new kind
    // of record or change is added there first, or its write fails here, not its later reading.
    if AuditEntityType::parse(entity_type).is_none() || AuditAction::parse(action).is_none() {
        return Err(ApiError::Internal(anyhow::anyhow!("unlisted audit entry: {entity_type} {action}")));
    }
    let before = before.map(serde_json::to_value).transpose().map_err(anyhow::Error::from)?;
    let after = after.map(serde_json::to_value).transpose().map_err(anyhow::Error::from)?;
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(Utc::now()),
        actor_id: Set(context.actor),
        request_id: Set(context.request_id.clone()),
        client_request_id: Set(context.client_request_id.clone()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id.to_string()),
        action: Set(action.to_owned()),
        before: Set(before),
        after: Set(after),
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::AuditEntityType;
    use crate::auth::policy::AUDIT_READERS;

    /// Every kind of record the audit trail lists has its read permission, and no other.
    #[test]
    fn every_audited_kind_of_record_has_its_readers() {
        let readers: Vec<&str> = AUDIT_READERS.iter().map(|(kind, _)| *kind).collect();
        let kinds: Vec<&str> = AuditEntityType::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(readers, kinds);
    }
}
