//! The first response to a POST sent with an `Idempotency-Key`, replayed to its retries.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    /// Whose key it is (the account id, or a hash of the credentials for anonymous calls).
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub request_hash: String,
    /// `None` while the first request is still being served.
    pub status: Option<i32>,
    pub response_body: Option<String>,
    pub response_headers: Option<Json>,
    pub created_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
