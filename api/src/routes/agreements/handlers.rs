//! Handlers of `/api/v1/agreements`.
use actix_web::{HttpResponse, delete, get, http::header, patch, post, web};
use chrono::Utc;
use entity::{agreement, agreement_status_change};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, Func},
};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    dto::{
        AgreementFields, AgreementList, AgreementResponse, AgreementSort, ChangeStatus, CreateAgreement,
        ListAgreementsQuery, StatusChangeList, StatusChangeResponse, UpdateAgreement,
    },
    queries,
    status::{AgreementStatus, may_move},
};
use crate::{
    auth::{
        Authorized, CurrentUser,
        policy::{MoveAgreements, ReadAgreements, RestoreRecords, WriteAgreements, may_write_division},
    },
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
    validate::{Rules, check_text},
};

const ENTITY: &str = "agreement";

const SORTS: &[SortField] = &[
    SortField { name: "title", expr: || Expr::col(agreement::Column::Title), kind: SortKind::Text },
    SortField {
        name: "signed_year",
        expr: || Func::coalesce([Expr::col(agreement::Column::SignedYear), Expr::val(0)]).into(),
        kind: SortKind::Int,
    },
    SortField { name: "created_at", expr: || Expr::col(agreement::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(agreement::Column::UpdatedAt), kind: SortKind::Timestamp },
];

fn sort_value(sort: &Sort, model: &agreement::Model) -> SortValue {
    match sort.field.name {
        "signed_year" => SortValue::Int(i64::from(model.signed_year.unwrap_or(0))),
        "created_at" => SortValue::Timestamp(model.created_at),
        "updated_at" => SortValue::Timestamp(model.updated_at),
        _ => SortValue::Text(model.title.clone()),
    }
}

fn respond(status: actix_web::http::StatusCode, response: &AgreementResponse, version: i32) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::ETAG, etag(version)));
    if status == actix_web::http::StatusCode::CREATED {
        builder.insert_header((header::LOCATION, format!("/api/v1/agreements/{}", response.id)));
    }
    builder.json(response)
}

/// The row rule: division heads write only the agreements of their division.
fn ensure_division(user: &CurrentUser, response: &AgreementResponse) -> Result<(), ApiError> {
    if may_write_division(user.role, user.division, response.division) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// List agreements
///
/// Filters combine with AND. Keyset pagination: pass `next_cursor` back as `cursor`.
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(ListAgreementsQuery),
    responses((status = 200, description = "A page of agreements", body = AgreementList))
)]
#[get("")]
pub async fn list_agreements(
    _caller: Authorized<ReadAgreements>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListAgreementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(query.sort.map(AgreementSort::as_str), SORTS, "title")?;
    crate::validate::check_param_range("year_from", query.year_from, 1900, 2100)?;
    crate::validate::check_param_range("year_to", query.year_to, 1900, 2100)?;
    let mut select = agreement::Entity::find();
    if !query.include_archived {
        select = select.filter(agreement::Column::ArchivedAt.is_null());
    }
    if let Some(kind) = query.kind {
        select = select.filter(agreement::Column::Kind.eq(kind.as_str()));
    }
    if let Some(status) = query.status {
        select = select.filter(agreement::Column::Status.eq(status.as_str()));
    }
    if let Some(division) = query.division {
        select = select.filter(agreement::Column::Division.eq(division.as_str()));
    }
    if let Some(from) = query.year_from {
        select = select.filter(agreement::Column::SignedYear.gte(from));
    }
    if let Some(to) = query.year_to {
        select = select.filter(agreement::Column::SignedYear.lte(to));
    }
    if let Some(domain) = &query.domain {
        use entity::agreement_domain::{Column, Entity};
        select = select.filter(linked::<Entity>(
            agreement::Column::Id,
            Column::AgreementId,
            Column::DomainCode,
            domain.as_str(),
        ));
    }
    if let Some(partner) = query.partner {
        use entity::agreement_party::{Column, Entity};
        select =
            select.filter(linked_few::<Entity>(agreement::Column::Id, Column::AgreementId, Column::PartnerId, partner));
    }
    if let Some(condition) = search::matching(agreement::Column::SearchText, query.q.as_deref())? {
        select = select.filter(condition);
    }
    let listing = Listing {
        select,
        sort,
        id_column: agreement::Column::Id,
        position: |sort, row| (sort_value(sort, row), row.id),
    };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "agreements",
            |db, rows| async move { queries::responses(&db, rows).await },
            |items, next_cursor, total| AgreementList { items, next_cursor, total },
        )
        .await
}

/// Read an agreement
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement", body = AgreementResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_agreement(
    _caller: Authorized<ReadAgreements>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, response) = queries::find(&state.db, *id).await?;
    Ok(respond(actix_web::http::StatusCode::OK, &response, model.version))
}

/// Record a new agreement
///
/// It starts `in_gestation`; signing it (`active`) is a status change by the director. Its
/// division follows from its kind (`twinning` for twinnings, `decentralized_cooperation`
/// otherwise); division heads record agreements of their own division only. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first response to a retry with the same key and body")),
    request_body = CreateAgreement,
    responses((status = 201, description = "Created", body = AgreementResponse, headers(
        ("Location" = String, description = "The new agreement"), ("ETag" = String, description = "Its version"))))
)]
#[post("")]
pub async fn create_agreement(
    caller: Authorized<WriteAgreements>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreateAgreement>,
) -> Result<HttpResponse, ApiError> {
    let (kind, mut fields) = AgreementFields::from_create(body.into_inner()?);
    if !may_write_division(caller.role, caller.division, kind.division()) {
        return Err(ApiError::Forbidden);
    }
    fields.validate()?;
    let txn = crate::db::begin_write(&state.db).await?;
    check_references(&txn, &fields, Some(kind.division())).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = agreement::ActiveModel {
        id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        division: Set(kind.division().as_str().to_owned()),
        status: Set(AgreementStatus::InGestation.as_str().to_owned()),
        source: Set(None),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write_fields(&mut model, &fields);
    model.insert(&txn).await?;
    queries::set_links(&txn, id, &fields.parties, &fields.domains).await?;
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
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, &response, saved.version))
}

/// Change an agreement
///
/// Needs `If-Match`. Absent fields keep their value; `null` clears an optional one; `parties`,
/// `domains` and `city_roles` replace the lists.
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    request_body = UpdateAgreement,
    responses((status = 200, description = "Updated", body = AgreementResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{id}")]
pub async fn update_agreement(
    caller: Authorized<WriteAgreements>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateAgreement>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_inner()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<agreement::Entity>(&txn, *id).await?;
    let (current, before) = queries::find(&txn, *id).await?;
    ensure_division(&caller, &before)?;
    if_match.check(current.version)?;
    let mut fields = AgreementFields::from_current(&before);
    fields.apply(change);
    fields.validate()?;
    // A new agent in charge must be of the agreement's division; one named before the rule stays.
    let new_agent = fields.agent_in_charge_id != current.agent_in_charge_id;
    check_references(&txn, &fields, new_agent.then_some(before.division)).await?;
    let mut model: agreement::ActiveModel = current.clone().into();
    write_fields(&mut model, &fields);
    save_versioned::<agreement::Entity>(&txn, current.id, model, current.version).await?;
    queries::set_links(&txn, current.id, &fields.parties, &fields.domains).await?;
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
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::OK, &after, saved.version))
}

/// Move an agreement's status
///
/// Allowed moves: `in_gestation` → `active` (signing) | `ended`; `active` → `dormant` |
/// `suspended` | `ended`; `dormant` → `active` (revived) | `suspended` | `ended`; `suspended` →
/// `active` | `ended`. The director makes every move; a division head only `active` ↔ `dormant`
/// for an agreement of their division. A move that does not exist from the current status is a
/// 409 listing the allowed ones. A reason is required; the move is kept in the history. Honours
/// `If-Match` when sent.
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    request_body = ChangeStatus,
    responses(
        (status = 201, description = "Moved; the agreement as it now is", body = AgreementResponse, headers(
            ("ETag" = String, description = "The new version"), ("Location" = String, description = "The agreement"))),
        (status = 409, description = "Not a move allowed from the current status; `allowed` lists those that are", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/status-changes")]
pub async fn change_agreement_status(
    caller: Authorized<MoveAgreements>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<ChangeStatus>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let mut rules = Rules::default();
    check_text(&mut rules, "reason", &body.reason, 1, 2000);
    rules.finish()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<agreement::Entity>(&txn, *id).await?;
    let (current, before) = queries::find(&txn, *id).await?;
    if if_match.is_present() {
        if_match.check(current.version)?;
    }
    let from = before.status;
    if !from.allowed_moves().contains(&body.to) {
        let mut extra = Map::new();
        extra.insert("from".into(), Value::from(from.as_str()));
        extra
            .insert("allowed".into(), Value::from(from.allowed_moves().iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            detail: Text::new(
                format!("Passage de « {} » à « {} » impossible.", from.as_str(), body.to.as_str()),
                format!("Cannot move from \"{}\" to \"{}\".", from.as_str(), body.to.as_str()),
            ),
            extra,
        });
    }
    if !may_move(caller.role, caller.division, before.division, from, body.to) {
        return Err(ApiError::Forbidden);
    }
    let mut model: agreement::ActiveModel = current.clone().into();
    model.status = Set(body.to.as_str().to_owned());
    save_versioned::<agreement::Entity>(&txn, current.id, model, current.version).await?;
    record_move(&txn, current.id, Some(from), body.to, body.reason.trim(), Some(caller.id)).await?;
    let (saved, after) = queries::find(&txn, current.id).await?;
    audit::record(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        current.id,
        "status_change",
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(saved.version)))
        .insert_header((header::LOCATION, format!("/api/v1/agreements/{}", current.id)))
        .json(after))
}

/// The moves of an agreement's status
///
/// Oldest first, each with who, when and why.
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The moves", body = StatusChangeList))
)]
#[get("/{id}/status-changes")]
pub async fn list_agreement_status_changes(
    _caller: Authorized<ReadAgreements>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    agreement::Entity::find_by_id(*id).one(&state.db).await?.ok_or(ApiError::NotFound)?;
    let moves = agreement_status_change::Entity::find()
        .filter(agreement_status_change::Column::AgreementId.eq(*id))
        .order_by_asc(agreement_status_change::Column::Id)
        .all(&state.db)
        .await?;
    Ok(HttpResponse::Ok().json(StatusChangeList { items: moves.into_iter().map(StatusChangeResponse::from).collect() }))
}

/// Archive an agreement
///
/// Hidden from lists unless `include_archived=true`, kept with its history; the director can
/// restore it. Needs `If-Match`.
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_agreement(
    caller: Authorized<WriteAgreements>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    set_archived(&state, &caller, &request_id, *id, Some(&if_match), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore an archived agreement
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "Restored", body = AgreementResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/{id}/restore")]
pub async fn restore_agreement(
    caller: Authorized<RestoreRecords>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (response, version) = set_archived(&state, &caller, &request_id, *id, None, false).await?;
    Ok(respond(actix_web::http::StatusCode::OK, &response, version))
}

/// The history of an agreement
///
/// Every change, newest first, with who, when, which request, and the values before and after.
#[utoipa::path(
    tag = "agreements",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The agreement's id"), HistoryQuery),
    responses((status = 200, description = "A page of changes", body = AuditEventList))
)]
#[get("/{id}/history")]
pub async fn agreement_history(
    _caller: Authorized<ReadAgreements>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    agreement::Entity::find_by_id(*id).one(&state.db).await?.ok_or(ApiError::NotFound)?;
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
) -> Result<(AgreementResponse, i32), ApiError> {
    archive::set_archived::<agreement::Entity, _>(
        &state.db,
        &ChangeContext::new(caller, request_id),
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| queries::find(db, id).await,
        async |_, response| ensure_division(caller, response),
        async |_, _| Ok(()),
    )
    .await
}

/// Appends a move to the status history.
pub async fn record_move(
    db: &impl ConnectionTrait,
    agreement_id: Uuid,
    from: Option<AgreementStatus>,
    to: AgreementStatus,
    reason: &str,
    by: Option<Uuid>,
) -> Result<(), ApiError> {
    agreement_status_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(agreement_id),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        reason: Set(reason.to_owned()),
        changed_by: Set(by),
        changed_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// `division`: the one an agent in charge must belong to, when the agent is new.
async fn check_references(
    db: &impl ConnectionTrait,
    fields: &AgreementFields,
    division: Option<crate::auth::Division>,
) -> Result<(), ApiError> {
    check_domains(db, "domains", &fields.domains).await?;
    crate::routes::partners::queries::check_partners(db, "parties", &fields.parties).await?;
    if let Some(aegis) = fields.aegis_partner_id {
        crate::routes::partners::queries::check_partners(db, "aegis_partner_id", &[aegis]).await?;
    }
    queries::check_staff(db, "agent_in_charge_id", fields.agent_in_charge_id, division).await
}

/// Writes the editable fields into a row, with its search text.
pub fn write_fields(model: &mut agreement::ActiveModel, fields: &AgreementFields) {
    model.title = Set(fields.title.clone());
    model.signed_on = Set(fields.signed_on);
    model.signed_year = Set(fields.signed_year);
    model.effective_on = Set(fields.effective_on);
    model.ends_on = Set(fields.ends_on);
    model.aegis_partner_id = Set(fields.aegis_partner_id);
    model.city_roles = Set(serde_json::to_value(&fields.city_roles).unwrap_or_default());
    model.summary = Set(fields.summary.clone());
    model.agent_in_charge_id = Set(fields.agent_in_charge_id);
    model.notes = Set(fields.notes.clone());
    model.evaluation_cadence_months = Set(fields.evaluation_cadence_months);
    model.search_text = Set(search::search_text([
        fields.title.as_str(),
        fields.summary.as_deref().unwrap_or(""),
        fields.notes.as_deref().unwrap_or(""),
    ]));
}
