//! An account as the API and the audit trail show it (never a password or a secret hash), and the
//! input of its writes.
use chrono::{DateTime, Utc};
use entity::account;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::{Division, Role},
    error::ApiError,
};

/// `account.kind` of a person's account (e-mail and password).
pub const KIND_PERSON: &str = "person";
/// `account.kind` of a partner system's account (client credentials).
pub const KIND_MACHINE: &str = "machine";

/// The audit trail's name for accounts of `kind`.
pub fn audit_entity(kind: &str) -> &'static str {
    if kind == KIND_MACHINE { "machine_account" } else { "user" }
}

/// Whether an account is a person's or a partner system's.
#[derive(Clone, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Person,
    Machine,
}

/// The caller's account.
#[derive(Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "kind": "person", "email": "agent@djcd.bamako.ml",
    "full_name": "Awa Traoré", "role": "agent", "division": "twinning", "partner_id": null,
    "is_active": true, "last_login_at": "2026-11-27T09:00:00Z", "created_at": "2026-11-01T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z"
}))]
pub struct AccountResponse {
    pub id: Uuid,
    /// `person` or `machine`.
    #[schema(value_type = AccountKind)]
    pub kind: String,
    pub email: Option<String>,
    pub full_name: String,
    pub role: Role,
    pub division: Option<Division>,
    /// For machine accounts: the partner they act for.
    pub partner_id: Option<Uuid>,
    pub is_active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored role or division no enum knows is a 500 (the database's CHECK refuses them), never a
/// guess.
impl TryFrom<account::Model> for AccountResponse {
    type Error = ApiError;

    fn try_from(model: account::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            kind: model.kind,
            email: model.email,
            full_name: model.full_name,
            role: Role::from_stored(&model.role)?,
            division: model.division.as_deref().map(Division::from_stored).transpose()?,
            partner_id: model.partner_id,
            is_active: model.is_active,
            last_login_at: model.last_login_at,
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

crate::code_list! {
    /// The roles of the DJCD's people (`partner` is for machine accounts).
    pub enum StaffRole {
        Director = "director",
        DivisionHead = "division_head",
        Agent = "agent",
    }
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Director => Role::Director,
            StaffRole::DivisionHead => Role::DivisionHead,
            StaffRole::Agent => Role::Agent,
        }
    }
}

/// A person's account before it exists (checked by `rules::check_new_person`).
pub struct NewPerson {
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub division: Option<Division>,
}

/// The facts about a person that, changed, end their sessions: role, division and activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    pub division: Option<Division>,
    pub active: bool,
}

impl Standing {
    /// The standing of a stored account.
    pub fn of(model: &account::Model) -> Result<Self, ApiError> {
        Ok(Self {
            role: Role::from_stored(&model.role)?,
            division: model.division.as_deref().map(Division::from_stored).transpose()?,
            active: model.is_active,
        })
    }
}

/// Changes to a person's account; `None` keeps the value. The division changes only with the role
/// (`Some(None)` removes it).
pub struct PersonChange {
    pub full_name: Option<String>,
    pub role: Option<Role>,
    pub division: Option<Option<Division>>,
    pub active: Option<bool>,
}

/// A new machine account for a partner's system.
pub struct NewMachine {
    pub partner_id: Uuid,
    pub name: String,
}
