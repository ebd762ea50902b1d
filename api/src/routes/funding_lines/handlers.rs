//! Handlers of `/api/v1/funding-lines`, and the rules every funding line obeys.
use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, http::header, patch, post, web};
use chrono::Utc;
use entity::{funding_line, partner, project};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::{
    dto::{CreateFundingLine, FundingLineList, FundingLineResponse, ListFundingLinesQuery, UpdateFundingLine},
    rates::Rates,
};
use crate::{
    auth::{
        Authorized, CurrentUser,
        policy::{ReadProjects, RestoreRecords, WriteProjects, may_publish_funding},
    },
    domain::partners::types::partner_refs,
    domain::projects::{
        money::parse_money,
        rules::{ensure_division, is_finished_stored},
        store::{has_role, touch},
        types::ParticipantRole,
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
        listing::{Listing, PageRequest, Sort, SortField, SortKind, SortValue},
        versioning::{lock, save_versioned},
    },
    state::AppState,
    validate::{Rules, check_text},
};

pub const ENTITY: &str = "funding_line";

const SORTS: &[SortField] =
    &[SortField { name: "created_at", expr: || Expr::col(funding_line::Column::CreatedAt), kind: SortKind::Timestamp }];

/// Funding lines as the API shows them, converted to XOF with the rates in force on their dates.
pub async fn responses(
    db: &impl ConnectionTrait,
    models: Vec<funding_line::Model>,
) -> Result<Vec<FundingLineResponse>, ApiError> {
    let mut partner_ids: Vec<Uuid> = models.iter().map(|m| m.partner_id).collect();
    partner_ids.sort();
    partner_ids.dedup();
    let partners: HashMap<Uuid, partner::Model> = partner::Entity::find()
        .filter(partner::Column::Id.is_in(partner_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let partners = partner_refs(partners.values())?;
    let rates = Rates::load(db).await?;
    Ok(models
        .into_iter()
        .filter_map(|model| {
            let partner = partners.get(&model.partner_id).cloned()?;
            let xof = rates.to_xof(model.amount_minor, &model.currency, model.transaction_date);
            Some(FundingLineResponse::new(model, partner, xof))
        })
        .collect())
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(funding_line::Model, FundingLineResponse), ApiError> {
    let model = funding_line::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let response = responses(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, response))
}

fn respond(status: actix_web::http::StatusCode, response: &FundingLineResponse, version: i32) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::ETAG, etag(version)));
    if status == actix_web::http::StatusCode::CREATED {
        builder.insert_header((header::LOCATION, format!("/api/v1/funding-lines/{}", response.id)));
    }
    builder.json(response)
}

/// The project of a line, with the caller's right to write it (division rule).
async fn writable_project(
    db: &impl ConnectionTrait,
    caller: &CurrentUser,
    project_id: Uuid,
) -> Result<project::Model, ApiError> {
    let project = project::Entity::find_by_id(project_id).one(db).await?.ok_or(ApiError::NotFound)?;
    let division =
        crate::auth::Division::parse(&project.division).unwrap_or(crate::auth::Division::DecentralizedCooperation);
    ensure_division(caller, division)?;
    Ok(project)
}

/// The project of a line, writable by the caller and still open: the lines of a closed or
/// cancelled project no longer change (no new line, no edit, no archive or restore). The project
/// is locked, so that its status holds still until the change commits.
async fn open_project(
    db: &impl ConnectionTrait,
    caller: &CurrentUser,
    project_id: Uuid,
) -> Result<project::Model, ApiError> {
    lock::<project::Entity>(db, project_id).await?;
    let project = writable_project(db, caller, project_id).await?;
    if is_finished_stored(&project.status)? {
        return Err(ApiError::invalid(
            "project",
            "project_closed",
            Text::fixed(
                "Les lignes de financement d'un projet clôturé ou annulé ne changent plus.",
                "The funding lines of a closed or cancelled project no longer change.",
            ),
        ));
    }
    Ok(project)
}

fn check_note_and_reference(rules: &mut Rules, reference: Option<&str>, note: Option<&str>) {
    if let Some(reference) = reference {
        check_text(rules, "reference", reference, 1, 100);
    }
    if let Some(note) = note {
        check_text(rules, "note", note, 1, 2000);
    }
}

/// Whether a line is shown to every partner of the project is decided by `funding.publish`.
fn ensure_may_publish(caller: &CurrentUser, is_public: Option<bool>) -> Result<(), ApiError> {
    if is_public.is_some() && !may_publish_funding(caller.role) { Err(ApiError::Forbidden) } else { Ok(()) }
}

/// Creates a funding line of `project_id` (used by `POST /projects/{id}/funding-lines`, and by
/// `POST /events/{id}/pledges` with the round table's id).
pub async fn create(
    state: &AppState,
    caller: &CurrentUser,
    request_id: &RequestId,
    project_id: Uuid,
    body: CreateFundingLine,
    event_id: Option<Uuid>,
) -> Result<HttpResponse, ApiError> {
    ensure_may_publish(caller, body.is_public)?;
    let currency = body.currency.clone().unwrap_or_else(|| "XOF".to_owned());
    let mut rules = Rules::default();
    let amount = parse_money(&mut rules, "amount", &body.amount, &currency);
    check_note_and_reference(&mut rules, body.reference.as_deref(), body.note.as_deref());
    let rules_result = rules.finish();
    let txn = crate::db::begin_write(&state.db).await?;
    open_project(&txn, caller, project_id).await?;
    rules_result?;
    if !has_role(&txn, project_id, body.partner_id, ParticipantRole::Funding).await? {
        return Err(ApiError::invalid(
            "partner_id",
            "funder_not_participant",
            Text::fixed(
                "Le partenaire doit participer au projet avec le rôle « funding ».",
                "The partner must take part in the project with the \"funding\" role.",
            ),
        ));
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    let model = funding_line::ActiveModel {
        id: Set(id),
        project_id: Set(project_id),
        partner_id: Set(body.partner_id),
        kind: Set(body.kind.as_str().to_owned()),
        amount_minor: Set(amount.unwrap_or_default()),
        currency: Set(currency),
        transaction_date: Set(body.transaction_date),
        reference: Set(body.reference.map(|r| r.trim().to_owned())),
        note: Set(body.note),
        is_public: Set(body.is_public.unwrap_or(false)),
        event_id: Set(event_id),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    sea_orm::ActiveModelTrait::insert(model, &txn).await?;
    let (saved, response) = find(&txn, id).await?;
    audit::record::<(), _>(&txn, &ChangeContext::new(caller, request_id), ENTITY, id, "create", None, Some(&response))
        .await?;
    touch(&txn, project_id).await?;
    crate::feed::record(&txn, crate::feed::EventKind::FundingLineAdded, project_id, Some(id)).await?;
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, &response, saved.version))
}

/// A page of funding lines matching `query`, oldest first.
/// The funding lines matching the filters of `query`.
fn filtered(query: &ListFundingLinesQuery) -> Result<sea_orm::Select<funding_line::Entity>, ApiError> {
    crate::validate::check_param_code("currency", query.currency.as_deref(), 3)?;
    let mut select = funding_line::Entity::find();
    if !query.include_archived {
        select = select.filter(funding_line::Column::ArchivedAt.is_null());
    }
    if let Some(project) = query.project {
        select = select.filter(funding_line::Column::ProjectId.eq(project));
    }
    if let Some(partner) = query.partner {
        select = select.filter(funding_line::Column::PartnerId.eq(partner));
    }
    if let Some(kind) = query.kind {
        select = select.filter(funding_line::Column::Kind.eq(kind.as_str()));
    }
    if let Some(currency) = &query.currency {
        select = select.filter(funding_line::Column::Currency.eq(currency.as_str()));
    }
    if let Some(from) = query.from {
        select = select.filter(funding_line::Column::TransactionDate.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(funding_line::Column::TransactionDate.lte(to));
    }
    Ok(select)
}

fn listing(query: &ListFundingLinesQuery) -> Result<Listing<funding_line::Entity>, ApiError> {
    let sort = Sort::parse(None, SORTS, "created_at")?;
    let position: fn(&Sort, &funding_line::Model) -> (SortValue, Uuid) =
        |_, row| (SortValue::Timestamp(row.created_at), row.id);
    Ok(Listing { select: filtered(query)?, sort, id_column: funding_line::Column::Id, position })
}

pub async fn list(db: &impl ConnectionTrait, query: &ListFundingLinesQuery) -> Result<FundingLineList, ApiError> {
    let limit = page_limit(query.limit)?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    let paged = listing(query)?.page(db, request).await?;
    Ok(FundingLineList { items: responses(db, paged.rows).await?, next_cursor: paged.next_cursor, total: paged.total })
}

/// List funding lines
///
/// Across projects, with filters. Amounts are exact decimal strings in their currency, with their
/// XOF value at the rate in force on their date.
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(ListFundingLinesQuery),
    responses((status = 200, description = "A page of funding lines", body = FundingLineList))
)]
#[get("")]
pub async fn list_funding_lines(
    _caller: Authorized<ReadProjects>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListFundingLinesQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing(&query)?
        .respond(
            &req,
            &state.db,
            request,
            "funding-lines",
            |db, rows| async move { responses(&db, rows).await },
            |items, next_cursor, total| FundingLineList { items, next_cursor, total },
        )
        .await
}

/// Read a funding line
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses((status = 200, description = "The funding line", body = FundingLineResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_funding_line(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, response) = find(&state.db, *id).await?;
    Ok(respond(actix_web::http::StatusCode::OK, &response, model.version))
}

/// Change a funding line
///
/// Needs `If-Match`. Only the director sets `is_public`.
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    request_body = UpdateFundingLine,
    responses((status = 200, description = "Updated", body = FundingLineResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{id}")]
pub async fn update_funding_line(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdateFundingLine>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_inner()?;
    ensure_may_publish(&caller, change.is_public)?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<funding_line::Entity>(&txn, *id).await?;
    let (current, before) = find(&txn, *id).await?;
    open_project(&txn, &caller, current.project_id).await?;
    if_match.check(current.version)?;
    let currency = change.currency.clone().unwrap_or_else(|| current.currency.clone());
    let amount = change.amount.clone().unwrap_or_else(|| before.amount.amount.clone());
    let mut rules = Rules::default();
    let minor = parse_money(&mut rules, "amount", &amount, &currency);
    check_note_and_reference(
        &mut rules,
        change.reference.as_ref().and_then(|r| r.as_deref()),
        change.note.as_ref().and_then(|n| n.as_deref()),
    );
    rules.finish()?;
    let mut model: funding_line::ActiveModel = current.clone().into();
    model.amount_minor = Set(minor.unwrap_or(current.amount_minor));
    model.currency = Set(currency);
    if let Some(kind) = change.kind {
        model.kind = Set(kind.as_str().to_owned());
    }
    if let Some(date) = change.transaction_date {
        model.transaction_date = Set(date);
    }
    if let Some(reference) = change.reference {
        model.reference = Set(reference);
    }
    if let Some(note) = change.note {
        model.note = Set(note);
    }
    if let Some(is_public) = change.is_public {
        model.is_public = Set(is_public);
    }
    save_versioned::<funding_line::Entity>(&txn, current.id, model, current.version).await?;
    let (saved, after) = find(&txn, current.id).await?;
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
    touch(&txn, current.project_id).await?;
    crate::feed::record(&txn, crate::feed::EventKind::ProjectUpdated, current.project_id, Some(current.id)).await?;
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::OK, &after, saved.version))
}

/// Archive a funding line
///
/// Kept with its history; left out of totals. Needs `If-Match`.
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_funding_line(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    set_archived(&state, &caller, &request_id, *id, Some(&if_match), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore an archived funding line
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The funding line's id")),
    responses((status = 200, description = "Restored", body = FundingLineResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/{id}/restore")]
pub async fn restore_funding_line(
    caller: Authorized<RestoreRecords>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (response, version) = set_archived(&state, &caller, &request_id, *id, None, false).await?;
    Ok(respond(actix_web::http::StatusCode::OK, &response, version))
}

async fn set_archived(
    state: &AppState,
    caller: &CurrentUser,
    request_id: &RequestId,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
) -> Result<(FundingLineResponse, i32), ApiError> {
    archive::set_archived::<funding_line::Entity, _>(
        &state.db,
        &ChangeContext::new(caller, request_id),
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| find(db, id).await,
        async |db, line| open_project(db, caller, line.project_id).await.map(|_| ()),
        async |db, line| {
            touch(db, line.project_id).await?;
            crate::feed::record(db, crate::feed::EventKind::ProjectUpdated, line.project_id, Some(line.id)).await
        },
    )
    .await
}
