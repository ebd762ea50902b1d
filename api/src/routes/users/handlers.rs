//! Handlers of `/api/v1/users` (people): extract, call `domain::accounts`, answer.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{
    AccountList, AccountResponse, AccountSort, AccountWithPassword, CreateUser, ListAccountsQuery, UpdateUser,
};
use crate::{
    auth::{
        Authorized,
        policy::{AccountChange, ManageUsers},
        secrets,
    },
    domain::accounts::{
        rules, service, store,
        store::AccountFilter,
        types::{KIND_PERSON, PersonChange},
    },
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        middleware::RequestId,
        pagination::page_limit,
    },
    records::{
        audit::ChangeContext,
        listing::PageRequest,
        unit_of_work::{Answer, UnitOfWork},
    },
    state::AppState,
    vocabulary::CodeSet,
};

/// One page of the accounts of `kind` that `query` filters, oldest first.
pub async fn list_accounts(
    db: &sea_orm::DatabaseConnection,
    kind: &'static str,
    query: &ListAccountsQuery,
) -> Result<AccountList, ApiError> {
    let limit = page_limit(query.limit)?;
    let filter = AccountFilter {
        kind,
        role: CodeSet::of(&query.role, "role")?,
        division: CodeSet::of(&query.division, "division")?,
        active: query.active,
        q: query.q.as_deref(),
        search_email: true,
        sort: query.sort.map(AccountSort::as_str),
    };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    let paged = store::listing(filter)?.page(db, request).await?;
    let items = paged.rows.into_iter().map(AccountResponse::try_from).collect::<Result<_, _>>()?;
    Ok(AccountList { items, next_cursor: paged.next_cursor, total: paged.total })
}

/// An account with its version as ETag.
pub fn with_etag(model: entity::account::Model) -> Result<HttpResponse, ApiError> {
    let version = model.version;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::ETAG, etag(version)))
        .json(AccountResponse::try_from(model)?))
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
    let (new, chosen) = body.into_inner()?.into_new();
    let (password, temporary) = match chosen {
        Some(password) => (password, None),
        None => {
            let generated = secrets::random_secret()?;
            (generated.clone(), Some(generated))
        }
    };
    rules::check_new_person(&new, &password)?;
    let hash = service::hash_password(password).await?;
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    let answer = service::create_person(work, new, hash)
        .await?
        .respond(|(account, version)| {
            let location = format!("/api/v1/users/{}", account.id);
            let body = AccountWithPassword { account: account.clone(), temporary_password: temporary };
            Answer::created(location, &body, *version)
        })
        .await?;
    Ok(answer.into())
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
    with_etag(store::find(&state.db, KIND_PERSON, *id).await?)
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
    let change = PersonChange::from(body.into_inner()?);
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    let answer = service::update_person(work, &caller, *id, &if_match, change)
        .await?
        .respond(|(account, version)| Answer::record(200, account, *version))
        .await?;
    Ok(answer.into())
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
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    let outcome = service::deactivate(work, &caller, KIND_PERSON, *id, &if_match).await?;
    Ok(outcome.respond(|()| Ok(Answer::no_content())).await?.into())
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
    service::authorize(&caller, *id, AccountChange::PasswordReset)?;
    let temporary = secrets::random_secret()?;
    let hash = service::hash_password(temporary.clone()).await?;
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    let answer = service::reset_password(work, *id, hash)
        .await?
        .respond(|(account, version)| {
            let body = AccountWithPassword { account: account.clone(), temporary_password: Some(temporary) };
            Answer::record(200, &body, *version)
        })
        .await?;
    Ok(answer.into())
}
