//! Handlers of `/api/v1/funding-lines`: the rules and the writes live in
//! `domain::funding_lines`.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{FundingLineList, FundingLineResponse, ListFundingLinesQuery, UpdateFundingLine};
use crate::http::change::Change;
use crate::{
    auth::{
        Authorized,
        policy::{ReadProjects, RestoreRecords, WriteProjects},
    },
    domain::funding_lines::{service, store},
    error::ApiError,
    http::{concurrency::IfMatch, extract::ApiJson, pagination::page_limit},
    records::{listing::PageRequest, unit_of_work::Answer},
    state::AppState,
};

/// List funding lines
///
/// Across projects, with filters. Amounts are exact decimal strings in their currency, with their
/// XOF value at the rate in force on their date.
#[utoipa::path(
    tag = "financing",
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
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses((status = 200, description = "The funding line", body = FundingLineResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_funding_line(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<Answer, ApiError> {
    let (model, line) = store::find(&state.db, *id).await?;
    Answer::record(200, &line, model.version)
}

/// Change a funding line
///
/// Needs `If-Match`. Only the director sets `is_public`.
#[utoipa::path(
    tag = "financing",
    params(("id" = Uuid, Path, description = "The funding line's id")),
    request_body = UpdateFundingLine,
    responses((status = 200, description = "Updated", body = FundingLineResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{id}")]
pub async fn update_funding_line(
    change: Change<WriteProjects>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateFundingLine>,
) -> Result<Answer, ApiError> {
    service::update(change.begin().await?, &change.caller, *id, &if_match, body.into_inner()?.into())
        .await?
        .answer_record()
        .await
}

/// Archive a funding line
///
/// Kept with its history; left out of totals. Needs `If-Match`.
#[utoipa::path(
    tag = "financing",
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses(
        (status = 204, description = "Archived"),
        (status = 422, description = "The line's project is closed or cancelled: its lines no longer change", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[delete("/{id}")]
pub async fn archive_funding_line(
    change: Change<WriteProjects>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let context = change.context.clone();
    service::set_archived(change.db(), &context, &change.caller, *id, Some(&if_match), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore an archived funding line
#[utoipa::path(
    tag = "financing",
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses(
        (status = 200, description = "Restored", body = FundingLineResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 422, description = "The line's project is closed or cancelled: its lines no longer change", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/restore")]
pub async fn restore_funding_line(change: Change<RestoreRecords>, id: web::Path<Uuid>) -> Result<Answer, ApiError> {
    let context = change.context.clone();
    let (line, version) = service::set_archived(change.db(), &context, &change.caller, *id, None, false).await?;
    Answer::record(200, &line, version)
}
