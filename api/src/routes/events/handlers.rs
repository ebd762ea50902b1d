//! Handlers of `/api/v1/events`: extract, call `domain::events`, respond.
use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use uuid::Uuid;

use super::dto::{CreatePledge, EventInput, EventList, EventResponse, ListEventsQuery};
use crate::http::change::Change;
use crate::records::unit_of_work::Answer;
use crate::{
    auth::{
        Authorized,
        policy::{ReadEvents, WriteEvents, WriteProjects},
    },
    domain::events::{rules::pledge_note, service, store, types::EventFields},
    domain::funding_lines,
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        pagination::page_limit,
    },
    records::listing::PageRequest,
    routes::funding_lines::dto::{CreateFundingLine, FundingKind},
    state::AppState,
};

/// The content of a request body; the service checks its rules and links together (one 422).
fn fields_of(body: ApiJson<EventInput>) -> Result<EventFields, ApiError> {
    Ok(EventFields::from(body.into_inner()?))
}

/// List events
///
/// Upcoming events first (soonest first), then past ones (most recent first). Filters by period,
/// kind, partner and text.
#[utoipa::path(
    tag = "events",
    params(ListEventsQuery),
    responses((status = 200, description = "A page of events", body = EventList))
)]
#[get("")]
pub async fn list_events(
    _caller: Authorized<ReadEvents>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListEventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let listing = store::listing(&query.filter()?)?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "events",
            |db, rows| async move { store::views(&db, rows).await },
            |items, next_cursor, total| EventList { items, next_cursor, total },
        )
        .await
}

/// Record an event
#[utoipa::path(
    tag = "events",
    request_body = EventInput,
    responses((status = 201, description = "Recorded", body = EventResponse, headers(
        ("Location" = String, description = "The event"), ("ETag" = String, description = "Its version"))))
)]
#[post("")]
pub async fn create_event(change: Change<WriteEvents>, body: ApiJson<EventInput>) -> Result<Answer, ApiError> {
    let fields = fields_of(body)?;
    service::create(change.begin().await?, &change.caller, fields)
        .await?
        .answer_created(|view| format!("/api/v1/events/{}", view.id))
        .await
}

/// Read an event
#[utoipa::path(
    tag = "events",
    params(("id" = Uuid, Path, description = "The event's id")),
    responses((status = 200, description = "The event", body = EventResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_event(
    _caller: Authorized<ReadEvents>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, view) = store::find(&state.db, *id).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(model.version))).json(view))
}

/// Replace an event's record
///
/// Minutes and decisions are usually added after the event. Needs `If-Match`.
#[utoipa::path(
    tag = "events",
    params(("id" = Uuid, Path, description = "The event's id")),
    request_body = EventInput,
    responses((status = 200, description = "Updated", body = EventResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[put("/{id}")]
pub async fn update_event(
    change: Change<WriteEvents>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<EventInput>,
) -> Result<Answer, ApiError> {
    let fields = fields_of(body)?;
    service::replace(change.begin().await?, &change.caller, *id, &if_match, fields).await?.answer_record().await
}

/// Archive an event
///
/// Kept with its history. Needs `If-Match`.
#[utoipa::path(
    tag = "events",
    params(("id" = Uuid, Path, description = "The event's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_event(
    change: Change<WriteEvents>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    service::archive(change.db(), &change.context.clone(), &change.caller, *id, &if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record a pledge announced at a round table
///
/// A `pledge` funding line of the project, linked to the round table; the dashboard follows it to
/// commitment and disbursement. Only round tables take pledges (422 otherwise).
#[utoipa::path(
    tag = "events",
    params(("id" = Uuid, Path, description = "The round table's id")),
    request_body = CreatePledge,
    responses((status = 201, description = "The pledge", body = crate::routes::funding_lines::dto::FundingLineResponse, headers(
        ("Location" = String, description = "The funding line"), ("ETag" = String, description = "Its version"))))
)]
#[post("/{id}/pledges")]
pub async fn create_pledge(
    change: Change<WriteProjects>,
    id: web::Path<Uuid>,
    body: ApiJson<CreatePledge>,
) -> Result<Answer, ApiError> {
    let body = body.into_inner()?;
    let round_table = service::round_table_for_pledge(change.db(), *id).await?;
    let line = CreateFundingLine {
        partner_id: body.partner_id,
        kind: FundingKind::Pledge,
        amount: body.amount,
        currency: body.currency,
        transaction_date: body.pledged_on.unwrap_or(round_table.starts_on),
        reference: body.reference,
        note: Some(pledge_note(&round_table.title)),
        is_public: None,
    };
    funding_lines::service::create(
        change.begin().await?,
        &change.caller,
        body.project_id,
        line.into(),
        Some(round_table.id),
    )
    .await?
    .answer_created(crate::routes::funding_lines::location)
    .await
}
