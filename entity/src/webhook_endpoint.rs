//! Where a partner's system wants to be told of changes, and which changes.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub url: String,
    /// JSON array of event types.
    pub events: Json,
    /// The HMAC key of the signatures; never shown after creation.
    pub secret: String,
    /// `active`, `failing` (a delivery was given up) or `paused` (circuit breaker).
    pub status: String,
    pub created_by: Option<Uuid>,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Until when a worker holds the endpoint (one delivery in flight per endpoint).
    pub lease_until: Option<DateTimeUtc>,
    /// When a paused endpoint gets its probe delivery.
    pub paused_until: Option<DateTimeUtc>,
    /// Failed attempts since the last success.
    pub consecutive_failures: i32,
}

impl ActiveModelBehavior for ActiveModel {}
