//! One change of one record: who, when, which request, the values before and after.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    /// The server's own id of the request that made the change (unique).
    pub request_id: Option<String>,
    /// The `X-Request-Id` the client sent, if any (clients may reuse one).
    pub client_request_id: Option<String>,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

impl ActiveModelBehavior for ActiveModel {}
