//! The timeline of a project: status moves and progress reports, append-only.
use actix_web::{HttpResponse, get, post, web};
use sea_orm::ConnectionTrait;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    dto::{CreateStatusUpdate, StatusUpdateList, StatusUpdateResponse},
    handlers::location,
};
use crate::http::change::Change;
use crate::records::unit_of_work::Answer;
use crate::{
    auth::{
        Authorized,
        policy::{ReadProjects, WriteProjects},
    },
    domain::projects::{service, store, timeline},
    error::ApiError,
    http::{
        concurrency::IfMatch,
        extract::ApiJson,
        pagination::{decode_cursor, page_limit, split_page},
    },
    state::AppState,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TimelineQuery {
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A page of a project's timeline, oldest first.
pub async fn timeline_page(
    db: &impl ConnectionTrait,
    project: Uuid,
    query: &TimelineQuery,
) -> Result<StatusUpdateList, ApiError> {
    let limit = page_limit(query.limit)?;
    let after = decode_cursor::<Uuid>(query.cursor.as_deref())?;
    let rows = timeline::entries(db, project, after, limit + 1).await?;
    let (items, next_cursor) = split_page(rows, limit, |row| row.id);
    Ok(StatusUpdateList { items, next_cursor })
}

/// The timeline of a project
///
/// Status moves and progress reports, oldest first. Entries are never edited: a later entry
/// corrects an earlier one.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id"), TimelineQuery),
    responses((status = 200, description = "A page of the timeline", body = StatusUpdateList))
)]
#[get("/{id}/status-updates")]
pub async fn list_status_updates(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<TimelineQuery>,
) -> Result<HttpResponse, ApiError> {
    store::exists(&state.db, *id).await?;
    Ok(HttpResponse::Ok().json(timeline_page(&state.db, *id, &query).await?))
}

/// Move a project's status or report its progress
///
/// Adds an entry to the timeline: a dated note, its author, and optionally a new status and a new
/// progress figure. Allowed moves: `pipeline` → `implementation` | `cancelled`; `implementation` →
/// `finalisation` | `suspended` | `cancelled`; `suspended` → `implementation` | `cancelled`;
/// `finalisation` → `closed`. Another move is a 409 listing the allowed ones. Honours `If-Match`
/// when sent.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id")),
    request_body = CreateStatusUpdate,
    responses(
        (status = 201, description = "The new timeline entry", body = StatusUpdateResponse, headers(
            ("Location" = String, description = "The project's timeline"), ("ETag" = String, description = "The project's new version"))),
        (status = 409, description = "Not a move allowed from the current status; `allowed` lists those that are", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/status-updates")]
pub async fn create_status_update(
    change: Change<WriteProjects>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<CreateStatusUpdate>,
) -> Result<Answer, ApiError> {
    let report = body.into_inner()?.into();
    service::report(change.begin().await?, &change.caller, *id, &if_match, report)
        .await?
        .answer_created(|entry| location(entry.project_id) + "/status-updates")
        .await
}
