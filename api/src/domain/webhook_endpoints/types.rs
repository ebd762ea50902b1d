//! The endpoint as the API shows it (never with its secret), and what a new one is made of.
use chrono::{DateTime, Utc};
use entity::webhook_endpoint;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{error::ApiError, feed::EventKind, webhooks::WebhookStatus};

/// A webhook endpoint. Its secret is shown only when it is created.
#[derive(Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "partner_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e",
    "url": "https://partenaires.angers.fr/djcd/webhooks", "events": ["project.status_changed"], "status": "active",
    "archived": false, "created_at": "2026-03-01T10:00:00Z", "updated_at": "2026-03-01T10:00:00Z"
}))]
pub struct WebhookResponse {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub url: String,
    pub events: Vec<EventKind>,
    pub status: WebhookStatus,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<webhook_endpoint::Model> for WebhookResponse {
    type Error = ApiError;

    fn try_from(model: webhook_endpoint::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: model.id,
            partner_id: model.partner_id,
            url: model.url,
            events: serde_json::from_value(model.events)
                .map_err(|error| ApiError::Internal(anyhow::anyhow!("stored webhook events: {error}")))?,
            status: WebhookStatus::from_stored(&model.status)?,
            archived: model.archived_at.is_some(),
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

/// What a caller asks for, before any check.
pub struct EndpointInput {
    /// The partner the caller names, if any.
    pub partner_id: Option<Uuid>,
    pub url: String,
    pub events: Vec<EventKind>,
    pub secret: Option<String>,
}

/// A new endpoint, checked: its partner, its URL, its events (sorted, once each) and its secret.
pub struct NewEndpoint {
    pub partner_id: Uuid,
    pub url: String,
    pub events: Vec<EventKind>,
    pub secret: String,
}

/// The server's limits on endpoints (from the settings).
pub struct EndpointLimits {
    /// Plain `http` URLs are accepted (never in production).
    pub allow_http: bool,
    /// URLs resolving to private addresses are accepted (tests only).
    pub allow_private: bool,
    pub max_per_partner: u64,
}
