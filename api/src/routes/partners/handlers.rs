//! Handlers of `/api/v1/partners`: extract, call the partners' service or store, answer.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{CreatePartner, ListPartnersQuery, PartnerList, PartnerResponse, PartnerSort, UpdatePartner};
use crate::http::change::Change;
use crate::{
    auth::{
        Authorized,
        policy::{ReadPartners, RestoreRecords, WritePartners},
    },
    domain::partners::{
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

/// Where a partner is read.
fn location(id: Uuid) -> String {
    format!("/api/v1/partners/{id}")
}

/// List partners
///
/// Filters combine with AND. `q` searches the name, short name, locality, country and description,
/// ignoring accents and case. Keyset pagination: pass `next_cursor` back as `cursor`.
#[utoipa::path(
    tag = "partners",
    params(ListPartnersQuery),
    responses((status = 200, description = "A page of partners", body = PartnerList))
)]
#[get("")]
pub async fn list_partners(
    _caller: Authorized<ReadPartners>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListPartnersQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(query.sort.map(PartnerSort::as_str), store::SORTS, "name")?;
    crate::validate::check_param_code("country", query.country.as_deref(), 2)?;
    let listing = Listing {
        select: store::select(&query.filter()?)?,
        sort,
        id_column: entity::partner::Column::Id,
        position: store::position,
    };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "partners",
            |db, rows| async move { store::views(&db, rows).await },
            |items, next_cursor, total| PartnerList { items, next_cursor, total },
        )
        .await
}

/// Read a partner
#[utoipa::path(
    tag = "partners",
    params(("id" = Uuid, Path, description = "The partner's id")),
    responses((status = 200, description = "The partner", body = PartnerResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_partner(
    _caller: Authorized<ReadPartners>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<Answer, ApiError> {
    let (model, view) = store::find(&state.db, *id).await?;
    Answer::record(200, &view, model.version)
}

/// Add a partner
///
/// A partner with the same name (accents and case ignored) in the same country is a 409. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "partners",
    request_body = CreatePartner,
    responses(
        (status = 201, description = "Created", body = PartnerResponse, headers(
            ("Location" = String, description = "The new partner"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "The partner exists", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_partner(change: Change<WritePartners>, body: ApiJson<CreatePartner>) -> Result<Answer, ApiError> {
    let fields = body.into_inner()?.into();
    service::create(change.begin().await?, fields).await?.answer_created(|view| location(view.id)).await
}

/// Change a partner
///
/// Needs `If-Match`. Absent fields keep their value; `null` clears an optional one; `domains` and
/// `contacts` replace the lists.
#[utoipa::path(
    tag = "partners",
    params(("id" = Uuid, Path, description = "The partner's id")),
    request_body = UpdatePartner,
    responses(
        (status = 200, description = "Updated", body = PartnerResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Another partner has this name in this country", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_partner(
    change: Change<WritePartners>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdatePartner>,
) -> Result<Answer, ApiError> {
    let edits = body.into_inner()?.into();
    service::update(change.begin().await?, *id, &if_match, edits).await?.answer_record().await
}

/// Archive a partner
///
/// The partner is hidden from lists (unless `include_archived=true`) but kept, with its history;
/// the director can restore it. Needs `If-Match`.
#[utoipa::path(
    tag = "partners",
    params(("id" = Uuid, Path, description = "The partner's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_partner(
    change: Change<WritePartners>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<Answer, ApiError> {
    service::set_archived(change.db(), change.context.clone(), *id, Some(&if_match), true).await?;
    Ok(Answer::no_content())
}

/// Restore an archived partner
#[utoipa::path(
    tag = "partners",
    params(("id" = Uuid, Path, description = "The partner's id")),
    responses((status = 200, description = "Restored", body = PartnerResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/{id}/restore")]
pub async fn restore_partner(change: Change<RestoreRecords>, id: web::Path<Uuid>) -> Result<Answer, ApiError> {
    let (view, version) = service::set_archived(change.db(), change.context.clone(), *id, None, false).await?;
    Answer::record(200, &view, version)
}

/// The history of a partner
///
/// Every change, newest first, with who made it, when, in which request, and the values before
/// and after.
#[utoipa::path(
    tag = "partners",
    params(("id" = Uuid, Path, description = "The partner's id"), HistoryQuery),
    responses((status = 200, description = "A page of changes", body = AuditEventList))
)]
#[get("/{id}/history")]
pub async fn partner_history(
    _caller: Authorized<ReadPartners>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    store::find_model(&state.db, *id).await?;
    crate::routes::audit::record_history(&state.db, ENTITY, *id, &query).await
}
