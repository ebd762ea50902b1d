//! Handlers of `/api/v1/agreements`: extract, call the agreements' service or store, answer.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{
    AgreementList, AgreementResponse, AgreementSort, ChangeStatus, CreateAgreement, ListAgreementsQuery,
    ListStatusChangesQuery, StatusChangeList, StatusChangeResponse, StatusChangeSort, UpdateAgreement,
};
use crate::http::change::Change;
use crate::{
    auth::{
        Authorized,
        policy::{MoveAgreements, ReadAgreements, RestoreRecords, WriteAgreements},
    },
    domain::agreements::{
        service::{self, ENTITY},
        store,
    },
    error::ApiError,
    http::{concurrency::IfMatch, extract::ApiJson, pagination::page_limit},
    records::audit_trail::AuditEventList,
    records::{
        listing::{Listing, PageRequest, Sort},
        unit_of_work::Answer,
    },
    routes::audit::HistoryQuery,
    state::AppState,
};

/// Where an agreement is read.
fn location(id: Uuid) -> String {
    format!("/api/v1/agreements/{id}")
}

/// List agreements
///
/// Filters combine with AND. Keyset pagination: pass `next_cursor` back as `cursor`.
#[utoipa::path(
    tag = "agreements",
    params(ListAgreementsQuery),
    responses((status = 200, description = "A page of agreements", body = AgreementList))
)]
#[get("")]
pub async fn list_agreements(
    caller: Authorized<ReadAgreements>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListAgreementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(query.sort.map(AgreementSort::as_str), store::SORTS, "title")?;
    crate::validate::check_param_range("year_from", query.year_from, 1900, 2100)?;
    crate::validate::check_param_range("year_to", query.year_to, 1900, 2100)?;
    let listing = Listing {
        select: store::select(&query.filter(caller.id)?)?,
        sort,
        id_column: entity::agreement::Column::Id,
        position: store::position,
    };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "agreements",
            |db, rows| async move { store::views(&db, rows).await },
            |items, next_cursor, total| AgreementList { items, next_cursor, total },
        )
        .await
}

/// Read an agreement
#[utoipa::path(
    tag = "agreements",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement", body = AgreementResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_agreement(
    _caller: Authorized<ReadAgreements>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<Answer, ApiError> {
    let (model, view) = store::find(&state.db, *id).await?;
    Answer::record(200, &view, model.version)
}

/// Record a new agreement
///
/// It starts `in_gestation`; signing it (`active`) is a status change by the director. Its
/// division follows from its kind (`twinning` for twinnings, `decentralized_cooperation`
/// otherwise); division heads record agreements of their own division only. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "agreements",
    request_body = CreateAgreement,
    responses((status = 201, description = "Created", body = AgreementResponse, headers(
        ("Location" = String, description = "The new agreement"), ("ETag" = String, description = "Its version"))))
)]
#[post("")]
pub async fn create_agreement(
    change: Change<WriteAgreements>,
    body: ApiJson<CreateAgreement>,
) -> Result<Answer, ApiError> {
    let (kind, fields) = body.into_inner()?.into_fields();
    service::create(change.begin().await?, &change.caller, kind, fields)
        .await?
        .answer_created(|view| location(view.id))
        .await
}

/// Change an agreement
///
/// Needs `If-Match`. Absent fields keep their value; `null` clears an optional one; `parties`,
/// `domains` and `city_roles` replace the lists.
#[utoipa::path(
    tag = "agreements",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    request_body = UpdateAgreement,
    responses((status = 200, description = "Updated", body = AgreementResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{id}")]
pub async fn update_agreement(
    change: Change<WriteAgreements>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateAgreement>,
) -> Result<Answer, ApiError> {
    let edits = body.into_inner()?.into();
    service::update(change.begin().await?, &change.caller, *id, &if_match, edits).await?.answer_record().await
}

/// Move an agreement's status
///
/// Allowed moves: `in_gestation` → `active` (signing) | `ended`; `active` → `dormant` |
/// `suspended` | `ended`; `dormant` → `active` (revived) | `suspended` | `ended`; `suspended` →
/// `active` | `ended`. The director makes every move; a division head only `active` ↔ `dormant`
/// for an agreement of their division. A move that does not exist from the current status is a
/// 409 listing the allowed ones. A reason is required; the move is kept in the history. Honours
/// `If-Match` when sent.
#[utoipa::path(
    tag = "agreements",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    request_body = ChangeStatus,
    responses(
        (status = 201, description = "Moved; the agreement as it now is", body = AgreementResponse, headers(
            ("ETag" = String, description = "The new version"), ("Location" = String, description = "The agreement"))),
        (status = 409, description = "Not a move allowed from the current status; `allowed` lists those that are", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/status-changes")]
pub async fn change_agreement_status(
    change: Change<MoveAgreements>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<ChangeStatus>,
) -> Result<Answer, ApiError> {
    let body = body.into_inner()?;
    service::change_status(change.begin().await?, &change.caller, *id, &if_match, body.to, &body.reason)
        .await?
        .answer_created(|view| location(view.id))
        .await
}

/// The moves of an agreement's status
///
/// Oldest first, each with who, when and why.
#[utoipa::path(
    tag = "agreements",
    params(("id" = Uuid, Path, description = "The agreement's id"), ListStatusChangesQuery),
    responses((status = 200, description = "A page of moves", body = StatusChangeList))
)]
#[get("/{id}/status-changes")]
pub async fn list_agreement_status_changes(
    _caller: Authorized<ReadAgreements>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ListStatusChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    store::find_model(&state.db, *id).await?;
    let to = crate::vocabulary::CodeSet::of(&query.to, "to")?;
    let listing = store::status_changes(*id, &to, query.q.as_deref(), query.sort.map(StatusChangeSort::as_str))?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond_json(&state.db, request, StatusChangeResponse::try_from, |items, next_cursor, total| {
            StatusChangeList { items, next_cursor, total }
        })
        .await
}

/// Archive an agreement
///
/// Hidden from lists unless `include_archived=true`, kept with its history; the director can
/// restore it. Needs `If-Match`.
#[utoipa::path(
    tag = "agreements",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_agreement(
    change: Change<WriteAgreements>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<Answer, ApiError> {
    let context = change.context.clone();
    service::set_archived(change.db(), context, &change.caller, *id, Some(&if_match), true).await?;
    Ok(Answer::no_content())
}

/// Restore an archived agreement
#[utoipa::path(
    tag = "agreements",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "Restored", body = AgreementResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/{id}/restore")]
pub async fn restore_agreement(change: Change<RestoreRecords>, id: web::Path<Uuid>) -> Result<Answer, ApiError> {
    let context = change.context.clone();
    let (view, version) = service::set_archived(change.db(), context, &change.caller, *id, None, false).await?;
    Answer::record(200, &view, version)
}

/// The history of an agreement
///
/// Every change, newest first, with who, when, which request, and the values before and after.
#[utoipa::path(
    tag = "agreements",
    params(("id" = Uuid, Path, description = "The agreement's id"), HistoryQuery),
    responses((status = 200, description = "A page of changes", body = AuditEventList))
)]
#[get("/{id}/history")]
pub async fn agreement_history(
    _caller: Authorized<ReadAgreements>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    store::find_model(&state.db, *id).await?;
    crate::routes::audit::record_history(&state.db, ENTITY, *id, &query).await
}
