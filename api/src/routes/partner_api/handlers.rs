//! Handlers of `/api/v1/partner/…`.
use actix_web::{HttpRequest, HttpResponse, get, web};
use entity::project;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::{
    caller::PartnerCaller,
    dto::{
        ChangeEvent, ChangeFeed, ChangesQuery, PartnerProject, PartnerProjectList, PartnerProjectsQuery,
        PartnerStatusUpdate, PartnerTimeline,
    },
};
use crate::{
    domain::partner_view as view,
    error::ApiError,
    feed,
    http::{
        conditional,
        pagination::{decode_cursor, encode_cursor, page_limit},
    },
    records::listing::{Listing, PageRequest, Paged, Sort, SortField, SortKind, SortValue},
    routes::projects::timeline::{TimelineQuery, timeline_page},
    state::AppState,
};

const BY_UPDATE: &[SortField] =
    &[SortField { name: "updated_at", expr: || Expr::col(project::Column::UpdatedAt), kind: SortKind::Timestamp }];

/// The projects the caller takes part in
///
/// Least recently updated first, so that a client can page through everything changed since its
/// last poll with `updated_since`. Public fields only; the caller's own funding lines and those
/// the director made public; the project's totals. Supports `If-None-Match` and
/// `If-Modified-Since` (304).
#[utoipa::path(
    tag = "partner",
    params(PartnerProjectsQuery),
    responses(
        (status = 200, description = "A page of projects", body = PartnerProjectList, headers(
            ("ETag" = String, description = "The version of this answer"), ("Last-Modified" = String, description = "The latest change among its projects"),
            ("RateLimit-Limit" = u32, description = "Requests allowed per minute"), ("RateLimit-Remaining" = u32, description = "Requests left now"),
            ("RateLimit-Reset" = u32, description = "Seconds until the allowance is full again"))),
        (status = 304, description = "Not modified since the client's copy"),
    )
)]
#[get("/projects")]
pub async fn list_partner_projects(
    caller: PartnerCaller,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<PartnerProjectsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(None, BY_UPDATE, "updated_at")?;
    let mut select = project::Entity::find()
        .filter(project::Column::ArchivedAt.is_null())
        .filter(view::participating(caller.partner_id));
    if let Some(since) = query.updated_since {
        select = select.filter(project::Column::UpdatedAt.gte(since));
    }
    let listing = Listing {
        select,
        sort,
        id_column: project::Column::Id,
        position: |_, row: &project::Model| (SortValue::Timestamp(row.updated_at), row.id),
    };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: false };
    let Paged { rows, next_cursor, .. } = listing.page(&state.db, request).await?;
    let last_modified = rows.iter().map(|r| r.updated_at).max();
    let items = view::build(&state.db, caller.partner_id, rows).await?;
    conditional::respond(&req, &PartnerProjectList { items, next_cursor }, last_modified)
}

/// One of the caller's projects
///
/// 404 for any project the caller does not take part in, whether it exists or not.
#[utoipa::path(
    tag = "partner",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The project", body = PartnerProject, headers(
            ("ETag" = String, description = "The version of this answer"), ("Last-Modified" = String, description = "The project's last change"))),
        (status = 304, description = "Not modified since the client's copy"),
    )
)]
#[get("/projects/{id}")]
pub async fn get_partner_project(
    caller: PartnerCaller,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let model = view::visible(&state.db, caller.partner_id, *id).await?;
    let updated = model.updated_at;
    let project = view::build(&state.db, caller.partner_id, vec![model]).await?.pop().ok_or(ApiError::NotFound)?;
    conditional::respond(&req, &project, Some(updated))
}

/// The timeline of one of the caller's projects
///
/// Status moves and progress reports, oldest first; entries never change.
#[utoipa::path(
    tag = "partner",
    params(("id" = Uuid, Path, description = "The project's id"), TimelineQuery),
    responses(
        (status = 200, description = "A page of the timeline", body = PartnerTimeline, headers(
            ("ETag" = String, description = "The version of this answer"), ("Last-Modified" = String, description = "The latest entry"))),
        (status = 304, description = "Not modified since the client's copy"),
    )
)]
#[get("/projects/{id}/status-updates")]
pub async fn list_partner_status_updates(
    caller: PartnerCaller,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<TimelineQuery>,
) -> Result<HttpResponse, ApiError> {
    view::visible(&state.db, caller.partner_id, *id).await?;
    let timeline = timeline_page(&state.db, *id, &query).await?;
    let last_modified = timeline.items.iter().map(|e| e.created_at).max();
    let items = timeline
        .items
        .into_iter()
        .map(|e| PartnerStatusUpdate {
            id: e.id,
            occurred_on: e.occurred_on,
            from_status: e.from_status,
            to_status: e.to_status,
            progress: e.progress,
            note: e.note,
            created_at: e.created_at,
        })
        .collect();
    conditional::respond(&req, &PartnerTimeline { items, next_cursor: timeline.next_cursor }, last_modified)
}

/// The change feed of the caller's projects
///
/// Events in commit order: `project.created`, `project.updated`, `project.status_changed`,
/// `project.funding_line_added`. Poll with the `next_cursor` of the previous answer: the feed
/// never skips an event nor repeats one, even when writes commit concurrently (an event appears
/// only once every transaction older than it has ended). Unchanged → 304 with `If-None-Match`.
#[utoipa::path(
    tag = "partner",
    params(ChangesQuery),
    responses(
        (status = 200, description = "The next events", body = ChangeFeed, headers(
            ("ETag" = String, description = "The version of this answer"), ("Last-Modified" = String, description = "The latest event returned"))),
        (status = 304, description = "Nothing new since the client's copy"),
    )
)]
#[get("/changes")]
pub async fn list_partner_changes(
    caller: PartnerCaller,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let after: (i64, i64) = decode_cursor(query.cursor.as_deref())?.unwrap_or((0, 0));
    let events = feed::events_after(&state.db, Some(caller.partner_id), after, limit).await?;
    let position = events.last().map(|event| event.position).unwrap_or(after);
    let last_modified = events.iter().map(|e| e.occurred_at).max();
    let items = events.into_iter().map(ChangeEvent::try_from).collect::<Result<_, _>>()?;
    let feed = ChangeFeed { items, next_cursor: encode_cursor(&position) };
    conditional::respond(&req, &feed, last_modified)
}
