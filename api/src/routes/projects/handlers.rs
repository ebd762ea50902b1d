//! Handlers of `/api/v1/projects`: extract, call `domain::projects`, answer.
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use super::dto::{CreateProject, ListProjectsQuery, ProjectList, ProjectResponse, ProjectSort, UpdateProject};
use crate::http::change::Change;
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
    http::{concurrency::IfMatch, extract::ApiJson, pagination::page_limit},
    records::audit_trail::AuditEventList,
    records::{
        listing::{PageRequest, Sort},
        unit_of_work::Answer,
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
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "The project", body = ProjectResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_project(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<Answer, ApiError> {
    let (model, response) = store::find(&state.db, *id).await?;
    Answer::record(200, &response, model.version)
}

/// Record a new project
///
/// It starts in `pipeline` with a first timeline entry. Agents and division heads record projects
/// of their own division. A project under an agreement must involve at least one of the
/// agreement's partners. Honours `Idempotency-Key`.
#[utoipa::path(
    tag = "projects",
    request_body = CreateProject,
    responses((status = 201, description = "Created", body = ProjectResponse, headers(
        ("Location" = String, description = "The new project"), ("ETag" = String, description = "Its version"))))
)]
#[post("")]
pub async fn create_project(change: Change<WriteProjects>, body: ApiJson<CreateProject>) -> Result<Answer, ApiError> {
    let fields = ProjectFields::from(body.into_inner()?);
    service::create(change.begin().await?, &change.caller, fields)
        .await?
        .answer_created(|response| location(response.id))
        .await
}

/// Change a project
///
/// Needs `If-Match`. Status and progress change through `POST …/status-updates`.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id")),
    request_body = UpdateProject,
    responses((status = 200, description = "Updated", body = ProjectResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{id}")]
pub async fn update_project(
    change: Change<WriteProjects>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateProject>,
) -> Result<Answer, ApiError> {
    let edits = body.into_inner()?.into();
    service::update(change.begin().await?, &change.caller, *id, &if_match, edits).await?.answer_record().await
}

/// Archive a project
///
/// Hidden from lists unless `include_archived=true`, kept with its history and timeline; the
/// director can restore it. Needs `If-Match`.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_project(
    change: Change<WriteProjects>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<Answer, ApiError> {
    let context = change.context.clone();
    service::set_archived(change.db(), &context, &change.caller, *id, Some(&if_match), true).await?;
    Ok(Answer::no_content())
}

/// Restore an archived project
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "Restored", body = ProjectResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/{id}/restore")]
pub async fn restore_project(change: Change<RestoreRecords>, id: web::Path<Uuid>) -> Result<Answer, ApiError> {
    let context = change.context.clone();
    let (response, version) = service::set_archived(change.db(), &context, &change.caller, *id, None, false).await?;
    Answer::record(200, &response, version)
}

/// The history of a project
///
/// Every change of the record, newest first, with who, when, which request, before and after.
#[utoipa::path(
    tag = "projects",
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
    crate::routes::audit::record_history(&state.db, ENTITY, *id, &query).await
}
