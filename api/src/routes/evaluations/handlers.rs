//! Handlers of the evaluation routes.
use std::collections::HashMap;

use actix_web::{HttpResponse, get, http::header, patch, post, web};
use chrono::{Months, NaiveDate, Utc};
use entity::{agreement, evaluation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::dto::{DueEvaluation, DueEvaluationList, DueQuery, EvaluationInput, EvaluationList, EvaluationResponse};
use crate::{
    auth::{
        Authorized, CurrentUser, Division,
        policy::{ReadEvaluations, SignOffEvaluations, WriteEvaluations, may_write_division},
    },
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        middleware::RequestId,
    },
    i18n::Text,
    records::{
        audit::{self, ChangeContext},
        versioning::{lock, save_versioned},
    },
    routes::agreements::dto::{AgreementKind, AgreementStatus},
    state::AppState,
};

const ENTITY: &str = "evaluation";

/// Months between evaluations when the agreement sets none.
pub fn default_cadence(kind: AgreementKind) -> i32 {
    match kind {
        AgreementKind::Twinning => 24,
        AgreementKind::NetworkMembership => 36,
        AgreementKind::CooperationConvention
        | AgreementKind::MemorandumOfUnderstanding
        | AgreementKind::FinancingAgreement => 12,
    }
}

async fn agreement_for(db: &impl ConnectionTrait, user: &CurrentUser, id: Uuid) -> Result<agreement::Model, ApiError> {
    let found = agreement::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let division = Division::parse(&found.division).unwrap_or(Division::DecentralizedCooperation);
    if may_write_division(user.role, user.division, division) { Ok(found) } else { Err(ApiError::Forbidden) }
}

fn signed_off() -> ApiError {
    ApiError::conflict(
        "signed_off",
        Text::fixed(
            "Évaluation validée : elle n'est plus modifiable.",
            "Signed-off evaluation: it can no longer change.",
        ),
    )
}

fn write(model: &mut evaluation::ActiveModel, input: &EvaluationInput) {
    model.evaluated_on = Set(input.evaluated_on);
    model.evaluators = Set(serde_json::json!(input.evaluators.iter().map(|e| e.trim()).collect::<Vec<_>>()));
    model.vitality = Set(input.vitality.as_str().to_owned());
    model.score_activity = Set(input.scores.activity);
    model.score_results = Set(input.scores.results);
    model.score_financing = Set(input.scores.financing);
    model.score_responsiveness = Set(input.scores.responsiveness);
    model.findings = Set(input.findings.clone());
    model.recommendations = Set(input.recommendations.clone());
    model.priority_actions = Set(serde_json::json!(input.priority_actions));
}

/// The evaluations of an agreement
///
/// Most recent first.
#[utoipa::path(
    tag = "evaluations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The evaluations", body = EvaluationList))
)]
#[get("/agreements/{id}/evaluations")]
pub async fn list_agreement_evaluations(
    _caller: Authorized<ReadEvaluations>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    agreement::Entity::find_by_id(*id).one(&state.db).await?.ok_or(ApiError::NotFound)?;
    let rows = evaluation::Entity::find()
        .filter(evaluation::Column::AgreementId.eq(*id))
        .filter(evaluation::Column::ArchivedAt.is_null())
        .order_by_desc(evaluation::Column::EvaluatedOn)
        .order_by_desc(evaluation::Column::Id)
        .all(&state.db)
        .await?;
    Ok(HttpResponse::Ok().json(EvaluationList { items: rows.into_iter().map(EvaluationResponse::from).collect() }))
}

/// Evaluate an agreement
///
/// Date, evaluators, the vitality of the relation, scores per criterion (1–5), findings,
/// recommendations and the priority actions decided. Staff of the agreement's division and the
/// director evaluate; the division head or the director signs off.
#[utoipa::path(
    tag = "evaluations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    request_body = EvaluationInput,
    responses((status = 201, description = "Recorded", body = EvaluationResponse, headers(
        ("Location" = String, description = "The evaluation"), ("ETag" = String, description = "Its version"))))
)]
#[post("/agreements/{id}/evaluations")]
pub async fn create_evaluation(
    caller: Authorized<WriteEvaluations>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ApiJson<EvaluationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    input.validate()?;
    let txn = crate::db::begin_write(&state.db).await?;
    agreement_for(&txn, &caller, *id).await?;
    let now = Utc::now();
    let mut model = evaluation::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(*id),
        signed_off_at: Set(None),
        signed_off_by: Set(None),
        created_by: Set(Some(caller.id)),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write(&mut model, &input);
    let saved = model.insert(&txn).await?;
    let response = EvaluationResponse::from(saved.clone());
    audit::record::<(), _>(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        saved.id,
        "create",
        None,
        Some(&response),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/evaluations/{}", saved.id)))
        .insert_header((header::ETAG, etag(saved.version)))
        .json(response))
}

/// Read an evaluation
#[utoipa::path(
    tag = "evaluations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The evaluation's id")),
    responses((status = 200, description = "The evaluation", body = EvaluationResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_evaluation(
    _caller: Authorized<ReadEvaluations>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = evaluation::Entity::find_by_id(*id).one(&state.db).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(found.version))).json(EvaluationResponse::from(found)))
}

/// Change a draft evaluation
///
/// Replaces its content. Needs `If-Match`. A signed-off evaluation is read-only (409).
#[utoipa::path(
    tag = "evaluations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The evaluation's id")),
    request_body = EvaluationInput,
    responses(
        (status = 200, description = "Updated", body = EvaluationResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Signed off: read-only", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_evaluation(
    caller: Authorized<WriteEvaluations>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<EvaluationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    input.validate()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<evaluation::Entity>(&txn, *id).await?;
    let current = evaluation::Entity::find_by_id(*id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    agreement_for(&txn, &caller, current.agreement_id).await?;
    if_match.check(current.version)?;
    if current.signed_off_at.is_some() {
        return Err(signed_off());
    }
    let before = EvaluationResponse::from(current.clone());
    let mut model: evaluation::ActiveModel = current.clone().into();
    write(&mut model, &input);
    save_versioned::<evaluation::Entity>(&txn, current.id, model, current.version).await?;
    let saved = evaluation::Entity::find_by_id(current.id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    let after = EvaluationResponse::from(saved.clone());
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
    txn.commit().await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(saved.version))).json(after))
}

/// Sign off an evaluation
///
/// By the head of the agreement's division or the director. The evaluation is read-only after.
#[utoipa::path(
    tag = "evaluations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The evaluation's id")),
    responses(
        (status = 200, description = "Signed off", body = EvaluationResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Already signed off", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/sign-off")]
pub async fn sign_off_evaluation(
    caller: Authorized<SignOffEvaluations>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<evaluation::Entity>(&txn, *id).await?;
    let current = evaluation::Entity::find_by_id(*id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    agreement_for(&txn, &caller, current.agreement_id).await?;
    if current.signed_off_at.is_some() {
        return Err(signed_off());
    }
    let before = EvaluationResponse::from(current.clone());
    let mut model: evaluation::ActiveModel = current.clone().into();
    model.signed_off_at = Set(Some(Utc::now()));
    model.signed_off_by = Set(Some(caller.id));
    save_versioned::<evaluation::Entity>(&txn, current.id, model, current.version).await?;
    let saved = evaluation::Entity::find_by_id(current.id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    let after = EvaluationResponse::from(saved.clone());
    audit::record(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        current.id,
        "sign_off",
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(saved.version))).json(after))
}

/// Evaluations due
///
/// Agreements in force (active, dormant or suspended) whose next evaluation — the last one plus
/// the cadence — is due on `as_of` (today by default): never-evaluated agreements first, then the
/// most overdue.
#[utoipa::path(
    tag = "evaluations",
    security(("bearer" = [])),
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
    let mut select = agreement::Entity::find()
        .filter(agreement::Column::ArchivedAt.is_null())
        .filter(agreement::Column::Status.is_in(["active", "dormant", "suspended"]));
    if let Some(division) = query.division {
        select = select.filter(agreement::Column::Division.eq(division.as_str()));
    }
    let agreements = select.all(&state.db).await?;
    // The latest evaluation of each agreement, in one grouped query.
    let latest: HashMap<Uuid, NaiveDate> = evaluation::Entity::find()
        .select_only()
        .column(evaluation::Column::AgreementId)
        .column_as(evaluation::Column::EvaluatedOn.max(), "latest")
        .filter(evaluation::Column::ArchivedAt.is_null())
        .group_by(evaluation::Column::AgreementId)
        .into_tuple::<(Uuid, NaiveDate)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let mut items: Vec<DueEvaluation> = agreements
        .into_iter()
        .filter_map(|a| {
            let kind = AgreementKind::parse(&a.kind)?;
            let cadence = a.evaluation_cadence_months.unwrap_or_else(|| default_cadence(kind));
            let last = latest.get(&a.id).copied();
            let next = last.and_then(|d| d.checked_add_months(Months::new(u32::try_from(cadence).unwrap_or(12))));
            if next.is_some_and(|next| next > as_of) {
                return None;
            }
            Some(DueEvaluation {
                agreement_id: a.id,
                title: a.title,
                kind,
                status: AgreementStatus::parse(&a.status)?,
                division: Division::parse(&a.division)?,
                cadence_months: cadence,
                last_evaluated_on: last,
                next_due_on: next,
                days_overdue: next.map(|next| (as_of - next).num_days()),
            })
        })
        .collect();
    items.sort_by(|a, b| match (a.days_overdue, b.days_overdue) {
        (None, None) => a.title.cmp(&b.title),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.title.cmp(&b.title)),
    });
    Ok(HttpResponse::Ok().json(DueEvaluationList { items }))
}
