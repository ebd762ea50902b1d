//! Handlers of `/api/v1/machine-accounts` (partners' systems): extract, call `domain::accounts`,
//! answer. The secret is shown once, in the answer, and stored only as a hash.
use actix_web::{HttpResponse, delete, get, post, web};
use uuid::Uuid;

use super::{
    dto::{AccountList, CreateMachineAccount, ListAccountsQuery, MachineCredentials},
    handlers::{list_accounts, with_etag},
};
use crate::http::change::Change;
use crate::{
    auth::{Authorized, policy::ManageUsers, secrets},
    domain::accounts::{
        rules, service, store,
        types::{AccountResponse, KIND_MACHINE, NewMachine},
    },
    error::ApiError,
    http::{concurrency::IfMatch, extract::ApiJson},
    records::unit_of_work::Answer,
    state::AppState,
};

/// List partners' machine accounts
#[utoipa::path(
    tag = "users",
    params(ListAccountsQuery),
    responses((status = 200, description = "A page of machine accounts", body = AccountList))
)]
#[get("")]
pub async fn list_machine_accounts(
    _caller: Authorized<ManageUsers>,
    state: web::Data<AppState>,
    query: web::Query<ListAccountsQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(list_accounts(&state.db, KIND_MACHINE, &query).await?))
}

/// Create a machine account for a partner's system
///
/// The answer carries the `client_id` and the `client_secret`; the secret is shown only here.
#[utoipa::path(
    tag = "users",
    request_body = CreateMachineAccount,
    responses((status = 201, description = "Created", body = MachineCredentials, headers(("Location" = String, description = "The new account"))))
)]
#[post("")]
pub async fn create_machine_account(
    change: Change<ManageUsers>,
    body: ApiJson<CreateMachineAccount>,
) -> Result<Answer, ApiError> {
    let new = NewMachine::from(body.into_inner()?);
    rules::check_machine_name(&new.name)?;
    let secret = secrets::random_secret()?;
    service::create_machine(change.begin().await?, new, secrets::hash_secret(&secret))
        .await?
        .respond(|(account, version, client_id)| {
            let location = format!("/api/v1/machine-accounts/{}", account.id);
            Answer::created(location, &credentials(account, client_id, secret), *version)
        })
        .await
}

/// Read a machine account
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "The account's id")),
    responses((status = 200, description = "The account", body = AccountResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_machine_account(
    _caller: Authorized<ManageUsers>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    with_etag(store::find(&state.db, KIND_MACHINE, *id).await?)
}

/// Rotate a machine account's secret
///
/// The old secret stops working at once and tokens issued with it are void. The new secret is
/// shown only in this answer. Of two rotations at the same moment one answers 200 (its secret is
/// the one in force) and the other 409 `concurrent_change`, issuing nothing.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The new credentials", body = MachineCredentials),
        (status = 409, description = "Another change of the account (a rotation) raced this one; no secret was issued", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/secret")]
pub async fn rotate_machine_secret(change: Change<ManageUsers>, id: web::Path<Uuid>) -> Result<Answer, ApiError> {
    // The version this request found on arrival: see `rules::check_unchanged_since`.
    let seen = store::find(change.db(), KIND_MACHINE, *id).await?.version;
    let secret = secrets::random_secret()?;
    service::rotate_secret(change.begin().await?, *id, seen, secrets::hash_secret(&secret))
        .await?
        .respond(|(account, version, client_id)| {
            Answer::record(200, &credentials(account, client_id, secret), *version)
        })
        .await
}

/// Deactivate a machine account
///
/// Its tokens stop working at once. Needs `If-Match`.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "The account's id")),
    responses((status = 204, description = "Deactivated"))
)]
#[delete("/{id}")]
pub async fn deactivate_machine_account(
    change: Change<ManageUsers>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let work = change.begin().await?;
    let outcome = service::deactivate(work, &change.caller, KIND_MACHINE, *id, &if_match).await?;
    Ok(outcome.answer_no_content().await?.into())
}

fn credentials(account: &AccountResponse, client_id: &str, client_secret: String) -> MachineCredentials {
    MachineCredentials { account: account.clone(), client_id: client_id.to_owned(), client_secret }
}
