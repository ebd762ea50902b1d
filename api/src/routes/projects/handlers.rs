//! Handlers of `/api/v1/projects`: extract, call `domain::projects`, answer.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{CreateProject, ListProjectsQuery, ProjectList, ProjectResponse, ProjectSort, UpdateProject};
use crate::{
    auth::{
        Authorized,
        policy::{ReadProjects, RestoreRecords, WriteProjects},
    },
    domain::projects::{
        fields::ProjectFields,
        list::{self, SORTS},
        service, store,
        types::ENTITY,
    },
    error::ApiError,
    http::{concurrency::IfMatch, extract::ApiJson, middleware::RequestId, pagination::page_limit},
    records::audit_trail::AuditEventList,
    records::{
        audit::ChangeContext,
        listing::{PageRequest, Sort},
        unit_of_work::{Answer, UnitOfWork},
    },
    routes::audit::HistoryQuery,
    state::AppState,
};

/// Where a project is read.
pub fn location(id: Uuid) -> String {
    format!("/api/v1/projects/{id}")
}

/// List projects
///
/// Newest first by default, with their domains, communes and participants. Filters combine with
/// AND. Keyset pagination: pass `next_cursor` back as `cursor`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(ListProjectsQuery),
    responses((status = 200, description = "A page of projects", body = ProjectList))
)]
#[get("")]
pub async fn list_projects(
    caller: Authorized<ReadProjects>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListProjectsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(query.sort.map(ProjectSort::as_str), SORTS, "-created_at")?;
    crate::validate::check_param_range("year_from", query.year_from, 1900, 2100)?;
    crate::validate::check_param_range("year_to", query.year_to, 1900, 2100)?;
    let listing = list::listing(&query.filter(caller.id)?, sort)?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "projects",
            |db, rows| async move { store::responses(&db, rows).await },
            |items, next_cursor, total| ProjectList { items, next_cursor, total },
        )
        .await
}

/// Read a project
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "The project", body = ProjectResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_project(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, response) = store::find(&state.db, *id).await?;
    Ok(Answer::record(200, &response, model.version)?.into())
}

/// Record a new project
///
/// It starts in `pipeline` with a first timeline entry. Agents and division heads record projects
/// of their own division. A project under an agreement must involve at least one of the
/// agreement's partners. Honours `Idempotency-Key`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first response to a retry with the same key and body")),
    request_body = CreateProject,
    responses((status = 201, description = "Created", body = ProjectResponse, headers(
        ("Location" = String, description = "The new project"), ("ETag" = String, description = "Its version"))))
)]
#[post("")]
pub async fn create_project(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreateProject>,
) -> Result<HttpResponse, ApiError> {
    let fields = ProjectFields::from(body.into_inner()?);
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    let answer = service::create(work, &caller, fields)
        .await?
        .respond(|(response, version)| Answer::created(location(response.id), response, *version))
        .await?;
    Ok(answer.into())
}

/// Change a project
///
/// Needs `If-Match`. Status and progress change through `POST …/status-updates`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The project's id")),
    request_body = UpdateProject,
    responses((status = 200, description = "Updated", body = ProjectResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{id}")]
pub async fn update_project(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateProject>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_inner()?.into();
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    let answer = service::update(work, &caller, *id, &if_match, change)
        .await?
        .respond(|(response, version)| Answer::record(200, response, *version))
        .await?;
    Ok(answer.into())
}

/// Archive a project
///
/// Hidden from lists unless `include_archived=true`, kept with its history and timeline; the
/// director can restore it. Needs `If-Match`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_project(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let context = ChangeContext::new(&caller, &request_id);
    service::set_archived(&state.db, &context, &caller, *id, Some(&if_match), true).await?;
    Ok(Answer::no_content().into())
}

/// Restore an archived project
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "Restored", body = ProjectResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/{id}/restore")]
pub async fn restore_project(
    caller: Authorized<RestoreRecords>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let context = ChangeContext::new(&caller, &request_id);
    let (response, version) = service::set_archived(&state.db, &context, &caller, *id, None, false).await?;
    Ok(Answer::record(200, &response, version)?.into())
}

/// The history of a project
///
/// Every change of the record, newest first, with who, when, which request, before and after.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The project's id"), HistoryQuery),
    responses((status = 200, description = "A page of changes", body = AuditEventList))
)]
#[get("/{id}/history")]
pub async fn project_history(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    store::exists(&state.db, *id).await?;
    let id = id.to_string();
    let list = crate::records::audit_trail::page(
        &state.db,
        None,
        Some(ENTITY),
        Some(&id),
        None,
        query.limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(list))
}
