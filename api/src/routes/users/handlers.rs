//! Handlers of `/api/v1/users` (people).
use actix_web::{HttpResponse, delete, get, http::header, patch, post, web};
use chrono::Utc;
use entity::account;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::dto::{AccountList, AccountWithPassword, CreateUser, ListAccountsQuery, UpdateUser};
use crate::{
    accounts::{self, AccountResponse, KIND_MACHINE, KIND_PERSON, NewPerson},
    auth::{Authorized, Role, password, policy::ManageUsers, secrets},
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        middleware::RequestId,
        pagination::{decode_cursor, page_limit, split_page},
    },
    i18n::Text,
    records::{
        audit::{self, ChangeContext},
        versioning::lock,
    },
    sessions,
    state::AppState,
    validate::{Rules, check_text},
};

/// Lists accounts of `kind` with the filters of `query`, oldest first, one page.
pub async fn list_accounts(
    db: &impl ConnectionTrait,
    kind: &str,
    query: &ListAccountsQuery,
) -> Result<AccountList, ApiError> {
    let limit = page_limit(query.limit)?;
    let mut select = account::Entity::find().filter(account::Column::Kind.eq(kind));
    if let Some(role) = query.role {
        select = select.filter(account::Column::Role.eq(role.as_str()));
    }
    if let Some(division) = query.division {
        select = select.filter(account::Column::Division.eq(division.as_str()));
    }
    if let Some(active) = query.active {
        select = select.filter(account::Column::IsActive.eq(active));
    }
    if let Some(after) = decode_cursor::<Uuid>(query.cursor.as_deref())? {
        select = select.filter(account::Column::Id.gt(after));
    }
    let rows = select.order_by_asc(account::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| row.id);
    Ok(AccountList { items: rows.into_iter().map(AccountResponse::from).collect(), next_cursor })
}

/// Finds an account of `kind` by id (404 otherwise).
pub async fn find_account(db: &impl ConnectionTrait, kind: &str, id: Uuid) -> Result<account::Model, ApiError> {
    account::Entity::find_by_id(id).filter(account::Column::Kind.eq(kind)).one(db).await?.ok_or(ApiError::NotFound)
}

/// The audit trail's name for accounts of `kind`.
pub fn audit_entity(kind: &str) -> &'static str {
    if kind == KIND_MACHINE { "machine_account" } else { "user" }
}

/// Saves `change` only if the account is still at `read_version`; bumps the version, and the token
/// version when `void_tokens`, ending the account's sessions; and records `action` in the audit
/// trail, as the API shows the account (no password or secret hash).
pub async fn save_account(
    db: &impl ConnectionTrait,
    context: &ChangeContext,
    action: &str,
    current: &account::Model,
    mut change: account::ActiveModel,
    void_tokens: bool,
) -> Result<account::Model, ApiError> {
    change.version = Set(current.version + 1);
    change.updated_at = Set(Utc::now());
    if void_tokens {
        change.token_version = Set(current.token_version + 1);
        sessions::revoke_account(db, current.id).await?;
    }
    let result = account::Entity::update_many()
        .set(change)
        .filter(account::Column::Id.eq(current.id))
        .filter(account::Column::Version.eq(current.version))
        .exec(db)
        .await?;
    let saved = account::Entity::find_by_id(current.id).one(db).await?.ok_or(ApiError::NotFound)?;
    if result.rows_affected == 0 {
        return Err(ApiError::PreconditionFailed { current_etag: etag(saved.version) });
    }
    let before = AccountResponse::from(current.clone());
    let after = AccountResponse::from(saved.clone());
    audit::record(db, context, audit_entity(&saved.kind), saved.id, action, Some(&before), Some(&after)).await?;
    Ok(saved)
}

fn with_etag(status: actix_web::http::StatusCode, model: &account::Model) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response.insert_header((header::ETAG, etag(model.version)));
    response
}

/// List the DJCD's people
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(ListAccountsQuery),
    responses((status = 200, description = "A page of accounts", body = AccountList))
)]
#[get("")]
pub async fn list_users(
    _caller: Authorized<ManageUsers>,
    state: web::Data<AppState>,
    query: web::Query<ListAccountsQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(list_accounts(&state.db, KIND_PERSON, &query).await?))
}

/// Create a person's account
///
/// Without `password`, a temporary one is generated and returned once in the answer.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = AccountWithPassword, headers(("Location" = String, description = "The new account"))),
        (status = 409, description = "The e-mail is taken", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_user(
    caller: Authorized<ManageUsers>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (password, temporary) = match body.password {
        Some(password) => (password, None),
        None => {
            let generated = secrets::random_secret()?;
            (generated.clone(), Some(generated))
        }
    };
    let new =
        NewPerson { email: body.email, full_name: body.full_name, role: body.role.into(), division: body.division };
    let txn = crate::db::begin_write(&state.db).await?;
    let account = accounts::create_person(&txn, &ChangeContext::new(&caller, &request_id), new, &password).await?;
    txn.commit().await?;
    Ok(with_etag(actix_web::http::StatusCode::CREATED, &account)
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", account.id)))
        .json(AccountWithPassword { account: account.into(), temporary_password: temporary }))
}

/// Read a person's account
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id")),
    responses((status = 200, description = "The account", body = AccountResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_user(
    _caller: Authorized<ManageUsers>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let account = find_account(&state.db, KIND_PERSON, *id).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &account).json(AccountResponse::from(account)))
}

/// Change a person's name, role, division or activity
///
/// Needs `If-Match`. A change of role, division or activity ends the account's sessions at once.
/// The last active director cannot be demoted or deactivated, and nobody changes their own role,
/// division or activity here (409).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "Updated", body = AccountResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "It would leave no active director", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_user(
    caller: Authorized<ManageUsers>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<account::Entity>(&txn, *id).await?;
    let current = find_account(&txn, KIND_PERSON, *id).await?;
    if_match.check(current.version)?;
    let current_role = Role::parse(&current.role).unwrap_or(Role::Agent);
    let role = body.role.map(Role::from).unwrap_or(current_role);
    // A division changes only together with the role, so that the pair is judged as a whole.
    let division = match (body.role, body.division) {
        (None, Some(_)) => {
            return Err(ApiError::invalid(
                "role",
                "required",
                Text::fixed("La division change avec le rôle.", "The division changes together with the role."),
            ));
        }
        (None, None) => current.division.as_deref().and_then(crate::auth::Division::parse),
        (Some(_), division) => division.flatten(),
    };
    let mut rules = Rules::default();
    if let Some(name) = &body.full_name {
        check_text(&mut rules, "full_name", name, 1, 200);
    }
    accounts::check_role(&mut rules, role, division);
    rules.finish()?;
    let active = body.is_active.unwrap_or(current.is_active);
    if current.id == caller.id
        && (role != current_role
            || active != current.is_active
            || division.map(|d| d.as_str().to_owned()) != current.division)
    {
        return Err(own_account());
    }
    if current_role == Role::Director && (role != Role::Director || !active) {
        ensure_another_director(&txn, current.id).await?;
    }
    let void_tokens = role != current_role
        || division.map(|d| d.as_str().to_owned()) != current.division
        || active != current.is_active;
    let mut change: account::ActiveModel = current.clone().into();
    if let Some(name) = body.full_name {
        change.full_name = Set(name.trim().to_owned());
    }
    change.role = Set(role.as_str().into());
    change.division = Set(division.map(|d| d.as_str().to_owned()));
    change.is_active = Set(active);
    let context = ChangeContext::new(&caller, &request_id);
    let saved = save_account(&txn, &context, "update", &current, change, void_tokens).await?;
    txn.commit().await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &saved).json(AccountResponse::from(saved)))
}

/// Deactivate a person's account
///
/// The account stays (history points at it) but can no longer sign in; its tokens stop working at
/// once. Needs `If-Match`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 409, description = "It would leave no active director, or it is one's own account", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn deactivate_user(
    caller: Authorized<ManageUsers>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<account::Entity>(&txn, *id).await?;
    let current = find_account(&txn, KIND_PERSON, *id).await?;
    if_match.check(current.version)?;
    if current.id == caller.id {
        return Err(own_account());
    }
    if current.role == Role::Director.as_str() {
        ensure_another_director(&txn, current.id).await?;
    }
    if current.is_active {
        let mut change: account::ActiveModel = current.clone().into();
        change.is_active = Set(false);
        save_account(&txn, &ChangeContext::new(&caller, &request_id), "deactivate", &current, change, true).await?;
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reset a person's password
///
/// Sets a new random password, returned once, and ends the account's sessions. Not for one's own
/// account (409): that takes the current password, at `PUT /api/v1/auth/password`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The new temporary password", body = AccountWithPassword),
        (status = 409, description = "One's own account", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/password-reset")]
pub async fn reset_user_password(
    caller: Authorized<ManageUsers>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    // A stolen token must not be enough to take an account over: one's own password changes
    // with the current one (`PUT /auth/password`).
    if *id == caller.id {
        return Err(own_account());
    }
    let temporary = secrets::random_secret()?;
    let for_hash = temporary.clone();
    let hash = web::block(move || password::hash(&for_hash)).await.map_err(|e| anyhow::anyhow!(e))??;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<account::Entity>(&txn, *id).await?;
    let current = find_account(&txn, KIND_PERSON, *id).await?;
    let mut change: account::ActiveModel = current.clone().into();
    change.password_hash = Set(Some(hash));
    let context = ChangeContext::new(&caller, &request_id);
    let saved = save_account(&txn, &context, "password_reset", &current, change, true).await?;
    txn.commit().await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &saved)
        .json(AccountWithPassword { account: saved.into(), temporary_password: Some(temporary) }))
}

fn own_account() -> ApiError {
    ApiError::conflict(
        "own_account",
        Text::fixed(
            "On ne change pas son propre rôle, sa division, son activité ni son mot de passe par cette route.",
            "One's own role, division, activity or password cannot be changed through this route.",
        ),
    )
}

/// Refuses a change that would leave the city without an active director.
/// Two directors demoting each other at once would each see the other still active (write skew):
/// the rule is judged one transaction at a time.
async fn ensure_another_director(db: &impl ConnectionTrait, except: Uuid) -> Result<(), ApiError> {
    crate::db::serialize_on(db, "last-director").await?;
    let others = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Director.as_str()))
        .filter(account::Column::IsActive.eq(true))
        .filter(account::Column::Id.ne(except))
        .count(db)
        .await?;
    if others == 0 {
        return Err(ApiError::conflict(
            "last_director",
            Text::fixed("Il doit rester au moins un directeur actif.", "At least one active director must remain."),
        ));
    }
    Ok(())
}
