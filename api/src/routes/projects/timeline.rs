//! The timeline of a project: status moves and progress reports, append-only.
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::Utc;
use entity::{project, project_status_update};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    dto::{CreateStatusUpdate, StatusUpdateList, StatusUpdateResponse},
    handlers::{ENTITY, ensure_division},
    queries,
    status::ProjectStatus,
};
use crate::{
    auth::{
        Authorized,
        policy::{ReadProjects, WriteProjects},
    },
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        middleware::RequestId,
        pagination::{decode_cursor, page_limit, split_page},
    },
    i18n::Text,
    records::{
        audit::{self, ChangeContext},
        versioning::{lock, save_versioned},
    },
    state::AppState,
    validate::{Rules, check_text},
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
    let mut select = project_status_update::Entity::find().filter(project_status_update::Column::ProjectId.eq(project));
    if let Some(after) = decode_cursor::<Uuid>(query.cursor.as_deref())? {
        select = select.filter(project_status_update::Column::Id.gt(after));
    }
    let rows = select.order_by_asc(project_status_update::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| row.id);
    Ok(StatusUpdateList { items: rows.into_iter().map(StatusUpdateResponse::from).collect(), next_cursor })
}

/// The timeline of a project
///
/// Status moves and progress reports, oldest first. Entries are never edited: a later entry
/// corrects an earlier one.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = [])),
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
    project::Entity::find_by_id(*id).one(&state.db).await?.ok_or(ApiError::NotFound)?;
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
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The project's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the first response to a retry with the same key and body")),
    request_body = CreateStatusUpdate,
    responses(
        (status = 201, description = "The new timeline entry", body = StatusUpdateResponse, headers(
            ("Location" = String, description = "The project's timeline"), ("ETag" = String, description = "The project's new version"))),
        (status = 409, description = "Not a move allowed from the current status; `allowed` lists those that are", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/status-updates")]
pub async fn create_status_update(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<CreateStatusUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let mut rules = Rules::default();
    check_text(&mut rules, "note", &body.note, 1, 4000);
    if let Some(progress) = body.progress {
        rules.range("progress", i64::from(progress), 0, 100);
    }
    rules.finish()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<project::Entity>(&txn, *id).await?;
    let (current, before) = queries::find(&txn, *id).await?;
    ensure_division(&caller, before.division)?;
    if if_match.is_present() {
        if_match.check(current.version)?;
    }
    let from = before.status;
    let moves_to = body.status.filter(|status| *status != from);
    if let Some(to) = moves_to
        && !from.allowed_moves().contains(&to)
    {
        let mut extra = Map::new();
        extra.insert("from".into(), Value::from(from.as_str()));
        extra
            .insert("allowed".into(), Value::from(from.allowed_moves().iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            detail: Text::new(
                format!("Passage de « {} » à « {} » impossible.", from.as_str(), to.as_str()),
                format!("Cannot move from \"{}\" to \"{}\".", from.as_str(), to.as_str()),
            ),
            extra,
        });
    }
    let now = Utc::now();
    let entry = project_status_update::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(current.id),
        occurred_on: Set(body.occurred_on.unwrap_or_else(|| now.date_naive())),
        from_status: Set(moves_to.map(|_| from.as_str().to_owned())),
        to_status: Set(moves_to.map(|to| to.as_str().to_owned())),
        progress: Set(body.progress),
        note: Set(body.note.trim().to_owned()),
        author_id: Set(Some(caller.id)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut model: project::ActiveModel = current.clone().into();
    if let Some(to) = moves_to {
        model.status = Set(to.as_str().to_owned());
    }
    if let Some(progress) = body.progress {
        model.progress = Set(progress);
    }
    save_versioned::<project::Entity>(&txn, current.id, model, current.version).await?;
    let (saved, after) = queries::find(&txn, current.id).await?;
    let action = if moves_to.is_some() { "status_change" } else { "progress_report" };
    audit::record(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        current.id,
        action,
        Some(&before),
        Some(&after),
    )
    .await?;
    let kind =
        if moves_to.is_some() { crate::feed::EventKind::StatusChanged } else { crate::feed::EventKind::ProjectUpdated };
    crate::feed::record(&txn, kind, current.id, None).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/projects/{}/status-updates", current.id)))
        .insert_header((header::ETAG, etag(saved.version)))
        .json(StatusUpdateResponse::from(entry)))
}

/// Whether the project is closed or cancelled.
pub fn is_finished(status: &str) -> bool {
    ProjectStatus::parse(status).is_some_and(ProjectStatus::is_finished)
}
