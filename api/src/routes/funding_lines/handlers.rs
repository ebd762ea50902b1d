//! Handlers of `/api/v1/funding-lines`: the rules and the writes live in
//! `domain::funding_lines`.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::dto::{CreateFundingLine, FundingLineList, FundingLineResponse, ListFundingLinesQuery, UpdateFundingLine};
use crate::{
    auth::{
        Authorized, CurrentUser,
        policy::{ReadProjects, RestoreRecords, WriteProjects},
    },
    domain::funding_lines::{service, store},
    error::ApiError,
    http::{concurrency::IfMatch, extract::ApiJson, middleware::RequestId, pagination::page_limit},
    records::{
        audit::ChangeContext,
        listing::PageRequest,
        unit_of_work::{Answer, UnitOfWork},
    },
    state::AppState,
};

fn location(line: &FundingLineResponse) -> String {
    format!("/api/v1/funding-lines/{}", line.id)
}

/// Creates a funding line of `project_id` (used by `POST /projects/{id}/funding-lines`, and by
/// `POST /events/{id}/pledges` with the round table's id).
pub async fn create(
    state: &AppState,
    caller: &CurrentUser,
    request_id: &RequestId,
    project_id: Uuid,
    body: CreateFundingLine,
    event_id: Option<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(caller, request_id)).await?;
    let answer = service::create(work, caller, project_id, body.into(), event_id)
        .await?
        .respond(|(line, version)| Answer::created(location(line), line, *version))
        .await?;
    Ok(answer.into())
}

/// A page of funding lines matching `query`, oldest first.
pub async fn list(db: &impl ConnectionTrait, query: &ListFundingLinesQuery) -> Result<FundingLineList, ApiError> {
    let limit = page_limit(query.limit)?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    let paged = store::listing(&query.filter()?)?.page(db, request).await?;
    let items = store::responses(db, paged.rows).await?;
    Ok(FundingLineList { items, next_cursor: paged.next_cursor, total: paged.total })
}

/// List funding lines
///
/// Across projects, with filters. Amounts are exact decimal strings in their currency, with their
/// XOF value at the rate in force on their date.
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(ListFundingLinesQuery),
    responses((status = 200, description = "A page of funding lines", body = FundingLineList))
)]
#[get("")]
pub async fn list_funding_lines(
    _caller: Authorized<ReadProjects>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListFundingLinesQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    store::listing(&query.filter()?)?
        .respond(
            &req,
            &state.db,
            request,
            "funding-lines",
            |db, rows| async move { store::responses(&db, rows).await },
            |items, next_cursor, total| FundingLineList { items, next_cursor, total },
        )
        .await
}

/// Read a funding line
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses((status = 200, description = "The funding line", body = FundingLineResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_funding_line(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, line) = store::find(&state.db, *id).await?;
    Ok(Answer::record(200, &line, model.version)?.into())
}

/// Change a funding line
///
/// Needs `If-Match`. Only the director sets `is_public`.
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    request_body = UpdateFundingLine,
    responses((status = 200, description = "Updated", body = FundingLineResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{id}")]
pub async fn update_funding_line(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateFundingLine>,
) -> Result<HttpResponse, ApiError> {
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    let answer = service::update(work, &caller, *id, &if_match, body.into_inner()?.into())
        .await?
        .respond(|(line, version)| Answer::record(200, line, *version))
        .await?;
    Ok(answer.into())
}

/// Archive a funding line
///
/// Kept with its history; left out of totals. Needs `If-Match`.
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses(
        (status = 204, description = "Archived"),
        (status = 422, description = "The line's project is closed or cancelled: its lines no longer change", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn archive_funding_line(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let context = ChangeContext::new(&caller, &request_id);
    service::set_archived(&state.db, &context, &caller, *id, Some(&if_match), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore an archived funding line
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses(
        (status = 200, description = "Restored", body = FundingLineResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 422, description = "The line's project is closed or cancelled: its lines no longer change", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/restore")]
pub async fn restore_funding_line(
    caller: Authorized<RestoreRecords>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let context = ChangeContext::new(&caller, &request_id);
    let (line, version) = service::set_archived(&state.db, &context, &caller, *id, None, false).await?;
    Ok(Answer::record(200, &line, version)?.into())
}
