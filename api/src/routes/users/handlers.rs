//! Handlers of `/api/v1/users` (people): extract, call `domain::accounts`, answer.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{
    AccountList, AccountResponse, AccountSort, AccountWithPassword, CreateUser, ListAccountsQuery, UpdateUser,
};
use crate::http::change::Change;
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
        pagination::page_limit,
    },
    records::{listing::PageRequest, unit_of_work::Answer},
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
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = AccountWithPassword, headers(("Location" = String, description = "The new account"))),
        (status = 409, description = "The e-mail is taken", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_user(change: Change<ManageUsers>, body: ApiJson<CreateUser>) -> Result<Answer, ApiError> {
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
    service::create_person(change.begin().await?, new, hash)
        .await?
        .respond(|(account, version)| {
            let location = format!("/api/v1/users/{}", account.id);
            let body = AccountWithPassword { account: account.clone(), temporary_password: temporary };
            Answer::created(location, &body, *version)
        })
        .await
}

/// Read a person's account
#[utoipa::path(
    tag = "users",
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
    params(("id" = Uuid, Path, description = "The account's id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "Updated", body = AccountResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "It would leave no active director", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_user(
    change: Change<ManageUsers>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateUser>,
) -> Result<Answer, ApiError> {
    let edits = PersonChange::from(body.into_inner()?);
    service::update_person(change.begin().await?, &change.caller, *id, &if_match, edits).await?.answer_record().await
}

/// Deactivate a person's account
///
/// The account stays (history points at it) but can no longer sign in; its tokens stop working at
/// once. Needs `If-Match`.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "The account's id")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 409, description = "It would leave no active director, or it is one's own account", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn deactivate_user(
    change: Change<ManageUsers>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let work = change.begin().await?;
    let outcome = service::deactivate(work, &change.caller, KIND_PERSON, *id, &if_match).await?;
    Ok(outcome.answer_no_content().await?.into())
}

/// Reset a person's password
///
/// Sets a new random password, returned once, and ends the account's sessions. Not for one's own
/// account (409): that takes the current password, at `PUT /api/v1/auth/password`.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The new temporary password", body = AccountWithPassword),
        (status = 409, description = "One's own account", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/password-reset")]
pub async fn reset_user_password(change: Change<ManageUsers>, id: web::Path<Uuid>) -> Result<Answer, ApiError> {
    service::authorize(&change.caller, *id, AccountChange::PasswordReset)?;
    let temporary = secrets::random_secret()?;
    let hash = service::hash_password(temporary.clone()).await?;
    service::reset_password(change.begin().await?, *id, hash)
        .await?
        .respond(|(account, version)| {
            let body = AccountWithPassword { account: account.clone(), temporary_password: Some(temporary) };
            Answer::record(200, &body, *version)
        })
        .await
}
