//! The audit trail. Every change writes who, when, which request, and the values before and after,
//! through `record`, in the same transaction as the change: no change without its entry.
use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use serde::Serialize;
use uuid::Uuid;

use crate::error::ApiError;

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
