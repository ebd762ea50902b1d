//! Handlers of `/api/v1/partners`.
use actix_web::{HttpResponse, delete, get, http::header, patch, post, web};
use chrono::Utc;
use entity::partner;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    dto::{CreatePartner, ListPartnersQuery, PartnerFields, PartnerList, PartnerResponse, PartnerSort, UpdatePartner},
    queries,
};
use crate::{
    auth::{
        Authorized,
        policy::{ReadPartners, RestoreRecords, WritePartners},
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
        listing::{Listing, PageRequest, Sort, SortField, SortKind, SortValue, linked},
        search,
        unit_of_work::{Answer, AuditEntry, UnitOfWork},
        versioning::{lock, save_versioned},
    },
    routes::{
        audit::{AuditEventList, HistoryQuery},
        domains::queries::check_domains,
    },
    state::AppState,
};

const ENTITY: &str = "partner";

const SORTS: &[SortField] = &[
    SortField { name: "name", expr: || Expr::col(partner::Column::NameKey), kind: SortKind::Text },
    SortField { name: "country", expr: || Expr::col(partner::Column::Country), kind: SortKind::Text },
    SortField { name: "created_at", expr: || Expr::col(partner::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(partner::Column::UpdatedAt), kind: SortKind::Timestamp },
];

fn sort_value(sort: &Sort, model: &partner::Model) -> SortValue {
    match sort.field.name {
        "country" => SortValue::Text(model.country.clone()),
        "created_at" => SortValue::Timestamp(model.created_at),
        "updated_at" => SortValue::Timestamp(model.updated_at),
        _ => SortValue::Text(model.name_key.clone()),
    }
}

fn located(status: actix_web::http::StatusCode, response: &PartnerResponse, version: i32) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::ETAG, etag(version)));
    if status == actix_web::http::StatusCode::CREATED {
        builder.insert_header((header::LOCATION, format!("/api/v1/partners/{}", response.id)));
    }
    builder.json(response)
}

/// List partners
///
/// Filters combine with AND. `q` searches the name, short name, locality, country and description,
/// ignoring accents and case. Keyset pagination: pass `next_cursor` back as `cursor`.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(ListPartnersQuery),
    responses((status = 200, description = "A page of partners", body = PartnerList))
)]
#[get("")]
pub async fn list_partners(
    _caller: Authorized<ReadPartners>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListPartnersQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(query.sort.map(PartnerSort::as_str), SORTS, "name")?;
    crate::validate::check_param_code("country", query.country.as_deref(), 2)?;
    let mut select = partner::Entity::find();
    if !query.include_archived {
        select = select.filter(partner::Column::ArchivedAt.is_null());
    }
    if let Some(kind) = query.kind {
        select = select.filter(partner::Column::Kind.eq(kind.as_str()));
    }
    if let Some(country) = &query.country {
        select = select.filter(partner::Column::Country.eq(country.as_str()));
    }
    if let Some(classic) = query.is_classic_ptf {
        select = select.filter(partner::Column::IsClassicPtf.eq(classic));
    }
    if let Some(domain) = &query.domain {
        use entity::partner_domain::{Column, Entity};
        select = select.filter(linked::<Entity>(
            partner::Column::Id,
            Column::PartnerId,
            Column::DomainCode,
            domain.as_str(),
        ));
    }
    if let Some(condition) = search::matching(partner::Column::SearchText, query.q.as_deref())? {
        select = select.filter(condition);
    }
    let listing =
        Listing { select, sort, id_column: partner::Column::Id, position: |sort, row| (sort_value(sort, row), row.id) };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "partners",
            |db, rows| async move { queries::responses(&db, rows).await },
            |items, next_cursor, total| PartnerList { items, next_cursor, total },
        )
        .await
}

/// Read a partner
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The partner's id")),
    responses((status = 200, description = "The partner", body = PartnerResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_partner(
    _caller: Authorized<ReadPartners>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, response) = queries::find(&state.db, *id).await?;
    Ok(located(actix_web::http::StatusCode::OK, &response, model.version))
}

/// Add a partner
///
/// A partner with the same name (accents and case ignored) in the same country is a 409. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first response to a retry with the same key and body")),
    request_body = CreatePartner,
    responses(
        (status = 201, description = "Created", body = PartnerResponse, headers(
            ("Location" = String, description = "The new partner"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "The partner exists", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_partner(
    caller: Authorized<WritePartners>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreatePartner>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = PartnerFields::from(body.into_inner()?);
    fields.validate()?;
    let work = UnitOfWork::begin(&state.db, ChangeContext::new(&caller, &request_id)).await?;
    check_domains(work.db(), "domains", &fields.domains).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = partner::ActiveModel {
        id: Set(id),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        source: Set(None),
        ..Default::default()
    };
    write_fields(&mut model, &fields);
    ensure_unique(work.db(), &fields, None).await?;
    model.insert(work.db()).await.map_err(duplicate_as_conflict)?;
    queries::set_domains(work.db(), id, &fields.domains).await?;
    let (saved, response) = queries::find(work.db(), id).await?;
    let answer = work
        .done(AuditEntry::created(ENTITY, id, &response)?, (response, saved.version))
        .respond(|(response, version)| Answer::created(format!("/api/v1/partners/{}", response.id), response, *version))
        .await?;
    Ok(answer.into())
}

/// Change a partner
///
/// Needs `If-Match`. Absent fields keep their value; `null` clears an optional one; `domains` and
/// `contacts` replace the lists.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The partner's id")),
    request_body = UpdatePartner,
    responses(
        (status = 200, description = "Updated", body = PartnerResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Another partner has this name in this country", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[patch("/{id}")]
pub async fn update_partner(
    caller: Authorized<WritePartners>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<UpdatePartner>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_inner()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<partner::Entity>(&txn, *id).await?;
    let (current, before) = queries::find(&txn, *id).await?;
    if_match.check(current.version)?;
    let mut fields = PartnerFields::from_current(&before);
    fields.apply(change);
    fields.validate()?;
    check_domains(&txn, "domains", &fields.domains).await?;
    ensure_unique(&txn, &fields, Some(current.id)).await?;
    let mut model: partner::ActiveModel = current.clone().into();
    write_fields(&mut model, &fields);
    save_versioned::<partner::Entity>(&txn, current.id, model, current.version)
        .await
        .map_err(duplicate_as_conflict_api)?;
    queries::set_domains(&txn, current.id, &fields.domains).await?;
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
    Ok(located(actix_web::http::StatusCode::OK, &after, saved.version))
}

/// Archive a partner
///
/// The partner is hidden from lists (unless `include_archived=true`) but kept, with its history;
/// the director can restore it. Needs `If-Match`.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The partner's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_partner(
    caller: Authorized<WritePartners>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    set_archived(&state, &ChangeContext::new(&caller, &request_id), *id, Some(&if_match), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore an archived partner
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The partner's id")),
    responses((status = 200, description = "Restored", body = PartnerResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[post("/{id}/restore")]
pub async fn restore_partner(
    caller: Authorized<RestoreRecords>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (response, version) = set_archived(&state, &ChangeContext::new(&caller, &request_id), *id, None, false).await?;
    Ok(located(actix_web::http::StatusCode::OK, &response, version))
}

/// The history of a partner
///
/// Every change, newest first, with who made it, when, in which request, and the values before
/// and after.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The partner's id"), HistoryQuery),
    responses((status = 200, description = "A page of changes", body = AuditEventList))
)]
#[get("/{id}/history")]
pub async fn partner_history(
    _caller: Authorized<ReadPartners>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    partner::Entity::find_by_id(*id).one(&state.db).await?.ok_or(ApiError::NotFound)?;
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
    context: &ChangeContext,
    id: Uuid,
    if_match: Option<&IfMatch>,
    archive: bool,
) -> Result<(PartnerResponse, i32), ApiError> {
    archive::set_archived::<partner::Entity, _>(
        &state.db,
        context,
        ENTITY,
        id,
        if_match,
        archive,
        async |db, id| queries::find(db, id).await,
        async |_, _| Ok(()),
        async |_, _| Ok(()),
    )
    .await
}

/// Writes the editable fields into a row, with its name key and search text.
pub fn write_fields(model: &mut partner::ActiveModel, fields: &PartnerFields) {
    model.name = Set(fields.name.clone());
    model.short_name = Set(fields.short_name.clone());
    model.kind = Set(fields.kind.as_str().to_owned());
    model.is_classic_ptf = Set(fields.is_classic_ptf);
    model.country = Set(fields.country.clone());
    model.locality = Set(fields.locality.clone());
    model.website = Set(fields.website.clone());
    model.languages = Set(serde_json::json!(fields.languages));
    model.description = Set(fields.description.clone());
    model.latitude = Set(fields.latitude);
    model.longitude = Set(fields.longitude);
    model.contacts = Set(serde_json::to_value(&fields.contacts).unwrap_or_default());
    model.notes = Set(fields.notes.clone());
    model.name_key = Set(search::normalize(&fields.name));
    model.search_text = Set(search::search_text([
        fields.name.as_str(),
        fields.short_name.as_deref().unwrap_or(""),
        fields.locality.as_deref().unwrap_or(""),
        fields.country.as_str(),
        fields.description.as_deref().unwrap_or(""),
    ]));
}

/// A friendlier 409 than the unique index's, checked first; the index still decides races.
async fn ensure_unique(
    db: &impl ConnectionTrait,
    fields: &PartnerFields,
    except: Option<Uuid>,
) -> Result<(), ApiError> {
    let mut select = partner::Entity::find()
        .filter(partner::Column::NameKey.eq(search::normalize(&fields.name)))
        .filter(partner::Column::Country.eq(fields.country.clone()));
    if let Some(except) = except {
        select = select.filter(partner::Column::Id.ne(except));
    }
    match select.one(db).await? {
        Some(existing) => Err(partner_exists(existing.id)),
        None => Ok(()),
    }
}

fn partner_exists(existing: Uuid) -> ApiError {
    let mut extra = serde_json::Map::new();
    extra.insert("existing_id".into(), serde_json::Value::from(existing.to_string()));
    ApiError::Conflict {
        code: "partner_exists",
        detail: Text::fixed(
            "Un partenaire de ce nom existe déjà dans ce pays.",
            "A partner with this name already exists in this country.",
        ),
        extra,
    }
}

fn duplicate_as_conflict(error: sea_orm::DbErr) -> ApiError {
    duplicate_as_conflict_api(error.into())
}

fn duplicate_as_conflict_api(error: ApiError) -> ApiError {
    match error {
        ApiError::Conflict { code: "already_exists", .. } => ApiError::conflict(
            "partner_exists",
            Text::fixed(
                "Un partenaire de ce nom existe déjà dans ce pays.",
                "A partner with this name already exists in this country.",
            ),
        ),
        other => other,
    }
}
