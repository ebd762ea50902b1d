//! Bodies of the `/webhooks` routes.
use chrono::{DateTime, Utc};
use entity::webhook_delivery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::webhook_endpoints::types::WebhookResponse;
use crate::{
    domain::webhook_endpoints::types::EndpointInput, error::ApiError, feed::EventKind, webhooks::DeliveryStatus,
};

/// A new endpoint, with its secret shown once.
#[derive(Serialize, ToSchema)]
pub struct WebhookCreated {
    pub webhook: WebhookResponse,
    /// The HMAC-SHA256 key of `X-Signature`: shown only here.
    #[schema(format = Password)]
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookResponse>,
}

/// A new endpoint. A partner system registers its own; the director names the partner.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://partenaires.angers.fr/djcd/webhooks", "events": ["project.status_changed", "project.funding_line_added"]}))]
pub struct CreateWebhook {
    /// Required when the director registers an endpoint; a partner system's own partner otherwise.
    pub partner_id: Option<Uuid>,
    /// `https` (plain `http` is accepted outside production); it must resolve to a public address.
    #[schema(max_length = 500, format = "web-address")]
    pub url: String,
    #[schema(min_items = 1, max_items = 4)]
    pub events: Vec<EventKind>,
    /// 32 to 200 characters; generated when absent.
    #[schema(min_length = 32, max_length = 200, format = Password)]
    pub secret: Option<String>,
}

impl From<CreateWebhook> for EndpointInput {
    fn from(body: CreateWebhook) -> Self {
        Self { partner_id: body.partner_id, url: body.url, events: body.events, secret: body.secret }
    }
}

/// One delivery of one event to the endpoint.
#[derive(Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: EventKind,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last HTTP status.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl TryFrom<webhook_delivery::Model> for DeliveryResponse {
    type Error = ApiError;

    fn try_from(model: webhook_delivery::Model) -> Result<Self, ApiError> {
        let status = DeliveryStatus::from_stored(&model.status)?;
        Ok(Self {
            id: model.id,
            event_id: model.event_id,
            event_type: EventKind::from_stored(&model.event_type)?,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(model.next_attempt_at),
            status,
            attempts: model.attempts,
            last_status: model.last_status,
            last_error: model.last_error,
            created_at: model.created_at,
            delivered_at: model.delivered_at,
        })
    }
}

/// A page of deliveries, newest first.
#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryResponse>,
    pub next_cursor: Option<String>,
    /// The number of matching deliveries, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of an endpoint's deliveries: a field, prefixed with `-` for descending.
    pub enum DeliverySort {
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
        NextAttemptAt = "next_attempt_at",
        NextAttemptAtDescending = "-next_attempt_at",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    /// Free text in the event type and the last error, case ignored.
    #[param(inline)]
    pub q: Option<crate::validate::SearchParam>,
    /// `-created_at` (the newest first; the default), `created_at` or `next_attempt_at`; prefix `-`
    /// for descending.
    #[param(inline, example = "-created_at")]
    pub sort: Option<DeliverySort>,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    #[param(max_length = 2048, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}
