//! Creating accounts, shared by the bootstrap, the `api users create` command and `/users`, and
//! an account as the API and the audit trail show it (`AccountResponse`).
use chrono::{DateTime, Utc};
use entity::account;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::{Division, Role, password},
    error::ApiError,
    i18n::Text,
    records::audit::{self, ChangeContext},
    validate::{Rules, check_email, check_text},
};

pub const KIND_PERSON: &str = "person";
pub const KIND_MACHINE: &str = "machine";

/// Whether an account is a person's or a partner system's.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Person,
    Machine,
}

/// The caller's account.
#[derive(Serialize, ToSchema)]
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

impl From<account::Model> for AccountResponse {
    fn from(model: account::Model) -> Self {
        Self {
            id: model.id,
            kind: model.kind,
            email: model.email,
            full_name: model.full_name,
            role: Role::parse(&model.role).unwrap_or(Role::Partner),
            division: model.division.as_deref().and_then(Division::parse),
            partner_id: model.partner_id,
            is_active: model.is_active,
            last_login_at: model.last_login_at,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

/// A person's account before it exists.
pub struct NewPerson {
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub division: Option<Division>,
}

/// Checks the role/division pair: heads and agents have a division, the director none, and people
/// are never `partner` (that role is for machine accounts).
pub fn check_role(rules: &mut Rules, role: Role, division: Option<Division>) {
    if role == Role::Partner {
        rules.fail(
            "role",
            "machine_only",
            Text::fixed(
                "Le rôle partner est réservé aux comptes machine.",
                "The partner role is for machine accounts.",
            ),
        );
    } else if role.needs_division() && division.is_none() {
        rules.fail(
            "division",
            "required",
            Text::fixed("Une division est requise pour ce rôle.", "This role needs a division."),
        );
    } else if !role.needs_division() && division.is_some() {
        rules.fail(
            "division",
            "not_allowed",
            Text::fixed("Ce rôle n'a pas de division.", "This role has no division."),
        );
    }
}

/// Whether the account may get or use tokens: it is active and, for a partner's machine account,
/// its partner is not archived. Sign-in, refresh and every authenticated request ask this.
pub async fn may_sign_in(db: &impl ConnectionTrait, account: &account::Model) -> Result<bool, sea_orm::DbErr> {
    if !account.is_active {
        return Ok(false);
    }
    let Some(partner_id) = account.partner_id else {
        return Ok(true);
    };
    let partner = entity::partner::Entity::find_by_id(partner_id).one(db).await?;
    Ok(partner.is_some_and(|partner| partner.archived_at.is_none()))
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Validates and creates a person's account with a password, and records it in the audit trail
/// (use a transaction to keep both together). A taken e-mail is a 409.
pub async fn create_person(
    db: &impl ConnectionTrait,
    context: &ChangeContext,
    new: NewPerson,
    plain_password: &str,
) -> Result<account::Model, ApiError> {
    let email = normalize_email(&new.email);
    let mut rules = Rules::default();
    check_email(&mut rules, "email", &email);
    check_text(&mut rules, "full_name", &new.full_name, 1, 200);
    check_role(&mut rules, new.role, new.division);
    password::check_new(&mut rules, "password", plain_password);
    rules.finish()?;
    if account::Entity::find().filter(account::Column::Email.eq(email.clone())).one(db).await?.is_some() {
        return Err(email_taken());
    }
    let now = Utc::now();
    let account = account::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(KIND_PERSON.into()),
        email: Set(Some(email)),
        full_name: Set(new.full_name.trim().to_owned()),
        role: Set(new.role.as_str().into()),
        division: Set(new.division.map(|d| d.as_str().to_owned())),
        partner_id: Set(None),
        password_hash: Set(Some(password::hash(plain_password)?)),
        client_id: Set(None),
        client_secret_hash: Set(None),
        is_active: Set(true),
        token_version: Set(1),
        version: Set(1),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|error| match ApiError::from(error) {
        ApiError::Conflict { .. } => email_taken(),
        other => other,
    })?;
    let after = AccountResponse::from(account.clone());
    audit::record(db, context, "user", account.id, "create", None::<&()>, Some(&after)).await?;
    Ok(account)
}

pub fn email_taken() -> ApiError {
    ApiError::conflict(
        "email_taken",
        Text::fixed("Cette adresse e-mail est déjà utilisée.", "This e-mail address is already in use."),
    )
}
