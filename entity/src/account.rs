//! A person of the DJCD (`kind = person`, signs in by e-mail and password) or a partner's system
//! (`kind = machine`, signs in by client credentials). Never deleted: deactivated.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub email: Option<String>,
    pub full_name: String,
    pub role: String,
    pub division: Option<String>,
    pub partner_id: Option<Uuid>,
    pub password_hash: Option<String>,
    pub client_id: Option<String>,
    pub client_secret_hash: Option<String>,
    pub is_active: bool,
    /// Bumped when the account's tokens must stop working (deactivation, role or password change).
    pub token_version: i32,
    pub version: i32,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
