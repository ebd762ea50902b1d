//! The queries of accounts, on any connection (the pool for reads and sign-in, a unit of work's
//! transaction for writes).
use chrono::Utc;
use entity::account;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::Expr,
};
use uuid::Uuid;

use super::{
    rules::{email_taken, normalize_email},
    types::{KIND_MACHINE, KIND_PERSON, NewMachine, NewPerson},
};
use crate::{
    auth::{Division, Role},
    error::ApiError,
    records::listing::{Listing, Sort, SortField, SortKind, SortValue},
};

/// The account `id` of `kind` (404 otherwise).
pub async fn find(db: &impl ConnectionTrait, kind: &str, id: Uuid) -> Result<account::Model, ApiError> {
    account::Entity::find_by_id(id).filter(account::Column::Kind.eq(kind)).one(db).await?.ok_or(ApiError::NotFound)
}

/// The account `id`, of either kind (404 otherwise).
pub async fn find_any(db: &impl ConnectionTrait, id: Uuid) -> Result<account::Model, ApiError> {
    account::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)
}

/// The person who signs in with `email` (normalized), if any.
pub async fn find_person_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<account::Model>, ApiError> {
    Ok(account::Entity::find()
        .filter(account::Column::Email.eq(normalize_email(email)))
        .filter(account::Column::Kind.eq(KIND_PERSON))
        .one(db)
        .await?)
}

/// The machine account of `client_id`, if any.
pub async fn find_machine_by_client_id(
    db: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Option<account::Model>, ApiError> {
    Ok(account::Entity::find()
        .filter(account::Column::ClientId.eq(client_id))
        .filter(account::Column::Kind.eq(KIND_MACHINE))
        .one(db)
        .await?)
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

/// Notes a sign-in (not a change of the account: no version, no audit).
pub async fn touch_last_login(db: &impl ConnectionTrait, account: account::Model) -> Result<(), ApiError> {
    let mut seen: account::ActiveModel = account.into();
    seen.last_login_at = Set(Some(Utc::now()));
    seen.update(db).await?;
    Ok(())
}

/// Inserts a person's account at version 1; a taken e-mail is a 409.
pub async fn insert_person(
    db: &impl ConnectionTrait,
    new: &NewPerson,
    password_hash: String,
) -> Result<account::Model, ApiError> {
    let email = normalize_email(&new.email);
    if account::Entity::find().filter(account::Column::Email.eq(email.clone())).one(db).await?.is_some() {
        return Err(email_taken());
    }
    let mut model = blank(KIND_PERSON, &new.full_name, new.role);
    model.email = Set(Some(email));
    model.division = Set(new.division.map(|division| division.as_str().to_owned()));
    model.password_hash = Set(Some(password_hash));
    model.insert(db).await.map_err(|error| match ApiError::from(error) {
        ApiError::Conflict { .. } => email_taken(),
        other => other,
    })
}

/// Inserts a partner system's account at version 1, with its client id and secret hash.
pub async fn insert_machine(
    db: &impl ConnectionTrait,
    new: &NewMachine,
    id: Uuid,
    client_id: String,
    secret_hash: String,
) -> Result<account::Model, ApiError> {
    let mut model = blank(KIND_MACHINE, &new.name, Role::Partner);
    model.id = Set(id);
    model.partner_id = Set(Some(new.partner_id));
    model.client_id = Set(Some(client_id));
    model.client_secret_hash = Set(Some(secret_hash));
    Ok(model.insert(db).await?)
}

/// A new active account without credentials, division nor partner.
fn blank(kind: &str, full_name: &str, role: Role) -> account::ActiveModel {
    let now = Utc::now();
    account::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.into()),
        email: Set(None),
        full_name: Set(full_name.trim().to_owned()),
        role: Set(role.as_str().into()),
        division: Set(None),
        partner_id: Set(None),
        password_hash: Set(None),
        client_id: Set(None),
        client_secret_hash: Set(None),
        is_active: Set(true),
        token_version: Set(1),
        version: Set(1),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// How many active directors there are besides `except`. Two directors demoting each other at once
/// would each see the other still active (write skew): the count is taken one transaction at a
/// time.
pub async fn other_active_directors(db: &impl ConnectionTrait, except: Uuid) -> Result<u64, ApiError> {
    crate::db::serialize_on(db, "last-director").await?;
    Ok(account::Entity::find()
        .filter(account::Column::Role.eq(Role::Director.as_str()))
        .filter(account::Column::IsActive.eq(true))
        .filter(account::Column::Id.ne(except))
        .count(db)
        .await?)
}

/// The orders of an account list; oldest first by default.
pub const SORTS: &[SortField] = &[
    SortField { name: "created_at", expr: || Expr::col(account::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(account::Column::UpdatedAt), kind: SortKind::Timestamp },
    SortField { name: "full_name", expr: || Expr::col(account::Column::FullName), kind: SortKind::Text },
];

/// The filters of an account list; all combine with AND.
pub struct AccountFilter<'a> {
    pub kind: &'static str,
    /// Any of these roles, any of these divisions (none: all).
    pub role: Vec<Role>,
    pub division: Vec<Division>,
    pub active: Option<bool>,
    /// Free text in the full name, and in the e-mail when `search_email`.
    pub q: Option<&'a str>,
    pub search_email: bool,
    /// `created_at` (the default), `updated_at`, `full_name`; `-` for descending.
    pub sort: Option<&'static str>,
}

/// The accounts matching `filter`, in its order, for `records::listing`.
pub fn listing(filter: AccountFilter) -> Result<Listing<account::Entity>, ApiError> {
    let mut select = account::Entity::find().filter(account::Column::Kind.eq(filter.kind));
    if !filter.role.is_empty() {
        select = select.filter(account::Column::Role.is_in(filter.role.iter().map(|r| r.as_str())));
    }
    if !filter.division.is_empty() {
        select = select.filter(account::Column::Division.is_in(filter.division.iter().map(|d| d.as_str())));
    }
    if let Some(active) = filter.active {
        select = select.filter(account::Column::IsActive.eq(active));
    }
    let searched: &[account::Column] = if filter.search_email {
        &[account::Column::FullName, account::Column::Email]
    } else {
        &[account::Column::FullName]
    };
    if let Some(condition) = crate::records::search::matching_any(searched, filter.q)? {
        select = select.filter(condition);
    }
    Ok(Listing {
        select,
        sort: Sort::parse(filter.sort, SORTS, "created_at")?,
        id_column: account::Column::Id,
        position: |sort, row: &account::Model| {
            let value = match sort.field.name {
                "updated_at" => SortValue::Timestamp(row.updated_at),
                "full_name" => SortValue::Text(row.full_name.clone()),
                _ => SortValue::Timestamp(row.created_at),
            };
            (value, row.id)
        },
    })
}

/// Marks every live token of an account revoked (deactivation, password change or reset).
pub async fn revoke_account(db: &impl ConnectionTrait, account: Uuid) -> Result<(), ApiError> {
    entity::refresh_token::Entity::update_many()
        .col_expr(entity::refresh_token::Column::RevokedAt, chrono::Utc::now().into())
        .filter(entity::refresh_token::Column::AccountId.eq(account))
        .filter(entity::refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
