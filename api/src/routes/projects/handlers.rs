//! Handlers of `/api/v1/projects`.
use actix_web::{HttpResponse, delete, get, http::header, patch, post, web};
use chrono::Utc;
use entity::{agreement, project, project_status_update};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    dto::{CreateProject, ListProjectsQuery, ProjectFields, ProjectList, ProjectResponse, ProjectSort, UpdateProject},
    queries,
    status::ProjectStatus,
};
use crate::{
    auth::{
        Authorized, CurrentUser,
        policy::{ReadProjects, RestoreRecords, WriteProjects, may_write_division},
    },
    domain::{partners::store::check_partners, staff::check_staff},
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        middleware::RequestId,
        pagination::page_limit,
    },
    i18n::Text,
    records::{
        archive,
        audit::{self, ChangeContext},
        listing::{Listing, PageRequest, Sort, SortField, SortKind, SortValue, linked, linked_few},
        search,
        versioning::{lock, save_versioned},
    },
    routes::{
        audit::{AuditEventList, HistoryQuery},
        domains::queries::check_domains,
    },
    state::AppState,
};

pub const ENTITY: &str = "project";

const SORTS: &[SortField] = &[
    SortField { name: "created_at", expr: || Expr::col(project::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(project::Column::UpdatedAt), kind: SortKind::Timestamp },
    SortField { name: "title", expr: || Expr::col(project::Column::Title), kind: SortKind::Text },
    SortField { name: "start_year", expr: || Expr::col(project::Column::StartYear), kind: SortKind::Int },
];

fn sort_value(sort: &Sort, model: &project::Model) -> SortValue {
    match sort.field.name {
        "updated_at" => SortValue::Timestamp(model.updated_at),
        "title" => SortValue::Text(model.title.clone()),
        "start_year" => SortValue::Int(i64::from(model.start_year)),
        _ => SortValue::Timestamp(model.created_at),
    }
}

fn respond(status: actix_web::http::StatusCode, response: &ProjectResponse, version: i32) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::ETAG, etag(version)));
    if status == actix_web::http::StatusCode::CREATED {
        builder.insert_header((header::LOCATION, format!("/api/v1/projects/{}", response.id)));
    }
    builder.json(response)
}

/// The row rule: agents and division heads write the projects of their own division.
pub fn ensure_division(user: &CurrentUser, division: crate::auth::Division) -> Result<(), ApiError> {
    if may_write_division(user.role, user.division, division) { Ok(()) } else { Err(ApiError::Forbidden) }
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
    _caller: Authorized<ReadProjects>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListProjectsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(query.sort.map(ProjectSort::as_str), SORTS, "-created_at")?;
    crate::validate::check_param_range("year_from", query.year_from, 1900, 2100)?;
    crate::validate::check_param_range("year_to", query.year_to, 1900, 2100)?;
    let mut select = project::Entity::find();
    if !query.include_archived {
        select = select.filter(project::Column::ArchivedAt.is_null());
    }
    if let Some(status) = query.status {
        select = select.filter(project::Column::Status.eq(status.as_str()));
    }
    if let Some(division) = query.division {
        select = select.filter(project::Column::Division.eq(division.as_str()));
    }
    if let Some(agreement) = query.agreement {
        select = select.filter(project::Column::AgreementId.eq(agreement));
    }
    if let Some(from) = query.year_from {
        select = select.filter(project::Column::StartYear.gte(from));
    }
    if let Some(to) = query.year_to {
        select = select.filter(project::Column::StartYear.lte(to));
    }
    // Link filters are `EXISTS` probes of the indexed join tables: no join, no DISTINCT.
    if let Some(domain) = &query.domain {
        use entity::project_domain::{Column, Entity};
        select = select.filter(linked::<Entity>(
            project::Column::Id,
            Column::ProjectId,
            Column::DomainCode,
            domain.as_str(),
        ));
    }
    if let Some(commune) = query.commune {
        use entity::project_commune::{Column, Entity};
        select =
            select.filter(linked::<Entity>(project::Column::Id, Column::ProjectId, Column::Commune, commune.as_str()));
    }
    if let Some(partner) = query.partner {
        use entity::project_participant::{Column, Entity};
        select =
            select.filter(linked_few::<Entity>(project::Column::Id, Column::ProjectId, Column::PartnerId, partner));
    }
    if let Some(condition) = search::matching(project::Column::SearchText, query.q.as_deref())? {
        select = select.filter(condition);
    }
    let listing =
        Listing { select, sort, id_column: project::Column::Id, position: |sort, row| (sort_value(sort, row), row.id) };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "projects",
            |db, rows| async move { queries::responses(&db, rows).await },
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
    let (model, response) = queries::find(&state.db, *id).await?;
    Ok(respond(actix_web::http::StatusCode::OK, &response, model.version))
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
    let mut fields = ProjectFields::from_create(body.into_inner()?);
    ensure_division(&caller, fields.division)?;
    fields.validate()?;
    let txn = crate::db::begin_write(&state.db).await?;
    check_references(&txn, &fields, true).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = project::ActiveModel {
        id: Set(id),
        status: Set(ProjectStatus::Pipeline.as_str().to_owned()),
        progress: Set(0),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write_fields(&mut model, &fields, now);
    model.insert(&txn).await?;
    queries::set_links(&txn, id, &fields).await?;
    project_status_update::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(id),
        occurred_on: Set(now.date_naive()),
        from_status: Set(None),
        to_status: Set(Some(ProjectStatus::Pipeline.as_str().to_owned())),
        progress: Set(Some(0)),
        note: Set("Projet enregistré.".to_owned()),
        author_id: Set(Some(caller.id)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let (saved, response) = queries::find(&txn, id).await?;
    audit::record::<(), _>(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        id,
        "create",
        None,
        Some(&response),
    )
    .await?;
    crate::feed::record(&txn, crate::feed::EventKind::ProjectCreated, id, None).await?;
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, &response, saved.version))
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
    let change = body.into_inner()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<project::Entity>(&txn, *id).await?;
    let (current, before) = queries::find(&txn, *id).await?;
    ensure_division(&caller, before.division)?;
    if_match.check(current.version)?;
    let mut fields = ProjectFields::from_current(&before);
    fields.apply(change);
    ensure_division(&caller, fields.division)?;
    fields.validate()?;
    // The agent in charge must be of the project's division when either is new; one named before
    // the rule stays while neither changes.
    let moved = fields.agent_in_charge_id != current.agent_in_charge_id || fields.division != before.division;
    check_references(&txn, &fields, moved).await?;
    let mut model: project::ActiveModel = current.clone().into();
    write_fields(&mut model, &fields, current.created_at);
    save_versioned::<project::Entity>(&txn, current.id, model, current.version).await?;
    queries::set_links(&txn, current.id, &fields).await?;
    let (saved, after) = queries::find(&txn, current.id).await?;
    audit::record(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        current.id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    crate::feed::record(&txn, crate::feed::EventKind::ProjectUpdated, current.id, None).await?;
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::OK, &after, saved.version))
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
    set_archived(&state, &caller, &request_id, *id, Some(&if_match), true).await?;
    Ok(HttpResponse::NoContent().finish())
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
    let (response, version) = set_archived(&state, &caller, &request_id, *id, None, false).await?;
    Ok(respond(actix_web::http::StatusCode::OK, &response, version))
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
    project::Entity::find_by_id(*id).one(&state.db).await?.ok_or(ApiError::NotFound)?;
    let id = id.to_string();
    let list = crate::routes::audit::page(
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

async fn set_archived(
    state: &AppState,
    caller: &CurrentUser,
    request_id: &RequestId,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
) -> Result<(ProjectResponse, i32), ApiError> {
    archive::set_archived::<project::Entity, _>(
        &state.db,
        &ChangeContext::new(caller, request_id),
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| queries::find(db, id).await,
        async |_, response| ensure_division(caller, response.division),
        async |db, model| crate::feed::record(db, crate::feed::EventKind::ProjectUpdated, model.id, None).await,
    )
    .await
}

async fn check_references(db: &impl ConnectionTrait, fields: &ProjectFields, new_agent: bool) -> Result<(), ApiError> {
    check_domains(db, "domains", &fields.domains).await?;
    let mut partners: Vec<Uuid> = fields.participants.iter().map(|(partner, _)| *partner).collect();
    partners.dedup();
    check_partners(db, "participants", &partners).await?;
    check_staff(db, "agent_in_charge_id", fields.agent_in_charge_id, new_agent.then_some(fields.division)).await?;
    if let Some(agreement_id) = fields.agreement_id {
        let found =
            agreement::Entity::find_by_id(agreement_id).filter(agreement::Column::ArchivedAt.is_null()).one(db).await?;
        if found.is_none() {
            return Err(ApiError::invalid(
                "agreement_id",
                "unknown_agreement",
                Text::fixed("Accord inconnu ou archivé.", "Unknown or archived agreement."),
            ));
        }
        let parties: Vec<Uuid> = entity::agreement_party::Entity::find()
            .filter(entity::agreement_party::Column::AgreementId.eq(agreement_id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.partner_id)
            .collect();
        if !partners.iter().any(|p| parties.contains(p)) {
            return Err(ApiError::invalid(
                "participants",
                "agreement_partner_required",
                Text::fixed(
                    "Un projet relevant d'un accord doit impliquer au moins un partenaire de cet accord.",
                    "A project under an agreement must involve at least one of the agreement's partners.",
                ),
            ));
        }
    }
    Ok(())
}

fn write_fields(model: &mut project::ActiveModel, fields: &ProjectFields, created: chrono::DateTime<Utc>) {
    model.title = Set(fields.title.clone());
    model.summary = Set(fields.summary.clone());
    model.internal_notes = Set(fields.internal_notes.clone());
    model.agreement_id = Set(fields.agreement_id);
    model.division = Set(fields.division.as_str().to_owned());
    model.agent_in_charge_id = Set(fields.agent_in_charge_id);
    model.planned_start = Set(fields.planned_start);
    model.planned_end = Set(fields.planned_end);
    model.actual_start = Set(fields.actual_start);
    model.actual_end = Set(fields.actual_end);
    model.start_year = Set(fields.start_year(created));
    model.budget_minor = Set(fields.budget_minor);
    model.budget_currency = Set(fields.budget.as_ref().map(|b| b.currency.clone()));
    model.search_text = Set(search::search_text([fields.title.as_str(), fields.summary.as_deref().unwrap_or("")]));
}
