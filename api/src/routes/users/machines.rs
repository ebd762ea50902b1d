//! Handlers of `/api/v1/machine-accounts` (partners' systems).
use actix_web::{HttpResponse, delete, get, http::header, post, web};
use chrono::Utc;
use entity::account;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use uuid::Uuid;

use super::{
    dto::{AccountList, CreateMachineAccount, ListAccountsQuery, MachineCredentials},
    handlers::{audit_entity, find_account, list_accounts, save_account},
};
use crate::{
    accounts::{AccountResponse, KIND_MACHINE},
    auth::{Authorized, Role, policy::ManageUsers, secrets},
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        middleware::RequestId,
    },
    i18n::Text,
    records::{
        audit::{self, ChangeContext},
        versioning::lock,
    },
    state::AppState,
    validate::{Rules, check_text},
};

/// List partners' machine accounts
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
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
    security(("bearer" = [])),
    request_body = CreateMachineAccount,
    responses((status = 201, description = "Created", body = MachineCredentials, headers(("Location" = String, description = "The new account"))))
)]
#[post("")]
pub async fn create_machine_account(
    caller: Authorized<ManageUsers>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreateMachineAccount>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let mut rules = Rules::default();
    check_text(&mut rules, "name", &body.name, 1, 200);
    rules.finish()?;
    crate::domain::partners::store::check_partners(&state.db, "partner_id", &[body.partner_id]).await?;
    let secret = secrets::random_secret()?;
    let txn = crate::db::begin_write(&state.db).await?;
    let id = Uuid::now_v7();
    let client_id = format!("djcd-{}", id.simple());
    let now = Utc::now();
    let account = account::ActiveModel {
        id: Set(id),
        kind: Set(KIND_MACHINE.into()),
        email: Set(None),
        full_name: Set(body.name.trim().to_owned()),
        role: Set(Role::Partner.as_str().into()),
        division: Set(None),
        partner_id: Set(Some(body.partner_id)),
        password_hash: Set(None),
        client_id: Set(Some(client_id.clone())),
        client_secret_hash: Set(Some(secrets::hash_secret(&secret))),
        is_active: Set(true),
        token_version: Set(1),
        version: Set(1),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let after = AccountResponse::from(account.clone());
    let context = ChangeContext::new(&caller, &request_id);
    audit::record(&txn, &context, audit_entity(KIND_MACHINE), account.id, "create", None::<&()>, Some(&after)).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/machine-accounts/{}", account.id)))
        .insert_header((header::ETAG, etag(account.version)))
        .json(MachineCredentials { account: account.into(), client_id, client_secret: secret }))
}

/// Read a machine account
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id")),
    responses((status = 200, description = "The account", body = AccountResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_machine_account(
    _caller: Authorized<ManageUsers>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let account = find_account(&state.db, KIND_MACHINE, *id).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(account.version))).json(AccountResponse::from(account)))
}

/// Rotate a machine account's secret
///
/// The old secret stops working at once and tokens issued with it are void. The new secret is
/// shown only in this answer. Of two rotations at the same moment one answers 200 (its secret is
/// the one in force) and the other 409 `concurrent_change`, issuing nothing.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The new credentials", body = MachineCredentials),
        (status = 409, description = "Another change of the account (a rotation) raced this one; no secret was issued", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/secret")]
pub async fn rotate_machine_secret(
    caller: Authorized<ManageUsers>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    // The version this request found on arrival. Of two rotations racing, both would otherwise
    // answer 200 and the first secret handed out would never work: the one that finds the
    // account changed under it answers 409 instead, and the other's secret is the one in force.
    let seen = find_account(&state.db, KIND_MACHINE, *id).await?;
    let secret = secrets::random_secret()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<account::Entity>(&txn, *id).await?;
    let current = find_account(&txn, KIND_MACHINE, *id).await?;
    if current.version != seen.version {
        return Err(ApiError::conflict(
            "concurrent_change",
            Text::fixed(
                "Le compte a changé pendant la rotation (une autre rotation ?) ; aucun secret n'a été créé. \
                 Relisez le compte avant de réessayer.",
                "The account changed during the rotation (another rotation?); no secret was issued. Read the \
                 account again before retrying.",
            ),
        ));
    }
    let mut change: account::ActiveModel = current.clone().into();
    change.client_secret_hash = Set(Some(secrets::hash_secret(&secret)));
    let context = ChangeContext::new(&caller, &request_id);
    let saved = save_account(&txn, &context, "rotate_secret", &current, change, true).await?;
    txn.commit().await?;
    let client_id = saved.client_id.clone().unwrap_or_default();
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(saved.version))).json(MachineCredentials {
        account: saved.into(),
        client_id,
        client_secret: secret,
    }))
}

/// Deactivate a machine account
///
/// Its tokens stop working at once. Needs `If-Match`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id")),
    responses((status = 204, description = "Deactivated"))
)]
#[delete("/{id}")]
pub async fn deactivate_machine_account(
    caller: Authorized<ManageUsers>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<account::Entity>(&txn, *id).await?;
    let current = find_account(&txn, KIND_MACHINE, *id).await?;
    if_match.check(current.version)?;
    if current.is_active {
        let mut change: account::ActiveModel = current.clone().into();
        change.is_active = Set(false);
        save_account(&txn, &ChangeContext::new(&caller, &request_id), "deactivate", &current, change, true).await?;
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
