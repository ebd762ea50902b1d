//! Handlers of the evaluation routes: extract, call `domain::evaluations`, respond.
use actix_web::{HttpResponse, get, http::header, patch, post, web};
use chrono::Utc;
use uuid::Uuid;

use super::dto::{
    DueEvaluationList, DueQuery, EvaluationInput, EvaluationList, EvaluationResponse, EvaluationSort,
    ListEvaluationsQuery,
};
use crate::http::change::Change;
use crate::records::unit_of_work::Answer;
use crate::{
    auth::{
        Authorized,
        policy::{ReadEvaluations, SignOffEvaluations, WriteEvaluations},
    },
    domain::evaluations::{service, store, types::EvaluationFields},
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
    },
    state::AppState,
};

/// The validated content of a request body (422 with every broken rule).
fn fields_of(body: ApiJson<EvaluationInput>) -> Result<EvaluationFields, ApiError> {
    let fields = EvaluationFields::from(body.into_inner()?);
    fields.validate()?;
    Ok(fields)
}

/// The evaluations of an agreement
///
/// Most recent first.
#[utoipa::path(
    tag = "evaluations",
    params(("id" = Uuid, Path, description = "The agreement's id"), ListEvaluationsQuery),
    responses((status = 200, description = "A page of evaluations", body = EvaluationList))
)]
#[get("/agreements/{id}/evaluations")]
pub async fn list_agreement_evaluations(
    _caller: Authorized<ReadEvaluations>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ListEvaluationsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = crate::http::pagination::page_limit(query.limit)?;
    let vitality = crate::vocabulary::CodeSet::of(&query.vitality, "vitality")?;
    let sort = query.sort.map(EvaluationSort::as_str);
    let listing = store::of_agreement(&state.db, *id, &vitality, query.q.as_deref(), sort).await?;
    let request = crate::records::listing::PageRequest {
        cursor: query.cursor.as_deref(),
        limit,
        include_total: query.include_total,
    };
    listing
        .respond_json(&state.db, request, EvaluationResponse::try_from, |items, next_cursor, total| EvaluationList {
            items,
            next_cursor,
            total,
        })
        .await
}

/// Evaluate an agreement
///
/// Date, evaluators, the vitality of the relation, scores per criterion (1–5), findings,
/// recommendations and the priority actions decided. Staff of the agreement's division and the
/// director evaluate; the division head or the director signs off.
#[utoipa::path(
    tag = "evaluations",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    request_body = EvaluationInput,
    responses((status = 201, description = "Recorded", body = EvaluationResponse, headers(
        ("Location" = String, description = "The evaluation"), ("ETag" = String, description = "Its version"))))
)]
#[post("/agreements/{id}/evaluations")]
pub async fn create_evaluation(
    change: Change<WriteEvaluations>,
    id: web::Path<Uuid>,
    body: ApiJson<EvaluationInput>,
) -> Result<Answer, ApiError> {
    let fields = fields_of(body)?;
    service::create(change.begin().await?, &change.caller, *id, fields)
        .await?
        .answer_created(|view| format!("/api/v1/evaluations/{}", view.id))
        .await
}

/// Read an evaluation
#[utoipa::path(
    tag = "evaluations",
    params(("id" = Uuid, Path, description = "The evaluation's id")),
    responses((status = 200, description = "The evaluation", body = EvaluationResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_evaluation(
    _caller: Authorized<ReadEvaluations>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, view) = store::find(&state.db, *id).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(model.version))).json(view))
}

/// Change a draft evaluation
///
/// Replaces its content. Needs `If-Match`. A signed-off evaluation is read-only (409).
#[utoipa::path(
    tag = "evaluations",
    params(("id" = Uuid, Path, description = "The evaluation's id")),
    request_body = EvaluationInput,
    responses(
        (status = 200, description = "Updated", body = EvaluationResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Signed off: read-only", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_evaluation(
    change: Change<WriteEvaluations>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<EvaluationInput>,
) -> Result<Answer, ApiError> {
    let fields = fields_of(body)?;
    service::update(change.begin().await?, &change.caller, *id, &if_match, fields).await?.answer_record().await
}

/// Sign off an evaluation
///
/// By the head of the agreement's division or the director. The evaluation is read-only after.
#[utoipa::path(
    tag = "evaluations",
    params(("id" = Uuid, Path, description = "The evaluation's id")),
    responses(
        (status = 200, description = "Signed off", body = EvaluationResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Already signed off", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/sign-off")]
pub async fn sign_off_evaluation(change: Change<SignOffEvaluations>, id: web::Path<Uuid>) -> Result<Answer, ApiError> {
    service::sign_off(change.begin().await?, &change.caller, *id).await?.answer_record().await
}

/// Evaluations due
///
/// Agreements in force (active, dormant or suspended) whose next evaluation — the last one plus
/// the cadence — is due on `as_of` (today by default): never-evaluated agreements first, then the
/// most overdue.
#[utoipa::path(
    tag = "evaluations",
    params(DueQuery),
    responses((status = 200, description = "The agreements to evaluate", body = DueEvaluationList))
)]
#[get("/due")]
pub async fn list_due_evaluations(
    _caller: Authorized<ReadEvaluations>,
    state: web::Data<AppState>,
    query: web::Query<DueQuery>,
) -> Result<HttpResponse, ApiError> {
    let as_of = query.as_of.unwrap_or_else(|| Utc::now().date_naive());
    let items = service::due(&state.db, as_of, query.division).await?;
    Ok(HttpResponse::Ok().json(DueEvaluationList { items }))
}
