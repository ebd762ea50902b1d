//! Handlers of `/api/v1/domains`.
use actix_web::{HttpResponse, delete, get, http::header, patch, post, web};
use chrono::Utc;
use entity::domain_tag;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::dto::{CreateDomain, DomainList, DomainResponse, ListDomainsQuery, UpdateDomain};
use crate::{
    auth::{
        Authorized,
        policy::{ReadDomains, WriteDomains},
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
        versioning::lock,
    },
    state::AppState,
};

/// The audit trail's name for domains.
const ENTITY: &str = "domain";

/// List the domains of cooperation
///
/// In display order. Archived domains are left out unless `include_archived=true`.
#[utoipa::path(
    tag = "domains",
    security(("bearer" = [])),
    params(ListDomainsQuery),
    responses((status = 200, description = "The domains", body = DomainList))
)]
#[get("")]
pub async fn list_domains(
    _caller: Authorized<ReadDomains>,
    state: web::Data<AppState>,
    query: web::Query<ListDomainsQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut select = domain_tag::Entity::find();
    if !query.include_archived {
        select = select.filter(domain_tag::Column::ArchivedAt.is_null());
    }
    let domains =
        select.order_by_asc(domain_tag::Column::Position).order_by_asc(domain_tag::Column::Code).all(&state.db).await?;
    Ok(HttpResponse::Ok().json(DomainList { items: domains.into_iter().map(DomainResponse::from).collect() }))
}

/// Read one domain
#[utoipa::path(
    tag = "domains",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The domain's code", example = "water")),
    responses((status = 200, description = "The domain", body = DomainResponse,
        headers(("ETag" = String, description = "The version, to quote in If-Match"))))
)]
#[get("/{code}")]
pub async fn get_domain(
    _caller: Authorized<ReadDomains>,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let domain = find(&state.db, &code).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(domain.version))).json(DomainResponse::from(domain)))
}

/// Add a domain of cooperation
#[utoipa::path(
    tag = "domains",
    security(("bearer" = [])),
    request_body = CreateDomain,
    responses(
        (status = 201, description = "Created", body = DomainResponse, headers(
            ("Location" = String, description = "The new domain's address"),
            ("ETag" = String, description = "Its version"))),
        (status = 409, description = "A domain with this code exists", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_domain(
    caller: Authorized<WriteDomains>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreateDomain>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    body.validate()?;
    let txn = crate::db::begin_write(&state.db).await?;
    if domain_tag::Entity::find_by_id(body.code.clone()).one(&txn).await?.is_some() {
        return Err(already_exists(&body.code));
    }
    let position = match body.position {
        Some(position) => position,
        None => {
            let last: Option<i32> = domain_tag::Entity::find()
                .select_only()
                .column_as(domain_tag::Column::Position.max(), "max")
                .into_tuple()
                .one(&txn)
                .await?
                .flatten();
            last.unwrap_or(0) + 1
        }
    };
    let now = Utc::now();
    let domain = domain_tag::ActiveModel {
        code: Set(body.code.clone()),
        label_fr: Set(body.label_fr.trim().to_owned()),
        label_en: Set(body.label_en.trim().to_owned()),
        position: Set(position),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|error| match ApiError::from(error) {
        ApiError::Conflict { .. } => already_exists(&body.code),
        other => other,
    })?;
    let after = DomainResponse::from(domain.clone());
    let context = ChangeContext::new(&caller, &request_id);
    audit::record(&txn, &context, ENTITY, &domain.code, "create", None::<&()>, Some(&after)).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/domains/{}", domain.code)))
        .insert_header((header::ETAG, etag(domain.version)))
        .json(DomainResponse::from(domain)))
}

/// Change a domain's labels or position
///
/// Needs `If-Match` with the ETag read by GET.
#[utoipa::path(
    tag = "domains",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The domain's code", example = "water")),
    request_body = UpdateDomain,
    responses((status = 200, description = "Updated", body = DomainResponse,
        headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{code}")]
pub async fn update_domain(
    caller: Authorized<WriteDomains>,
    request_id: RequestId,
    state: web::Data<AppState>,
    code: web::Path<String>,
    if_match: IfMatch,
    body: ApiJson<UpdateDomain>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    body.validate()?;
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<domain_tag::Entity>(&txn, code.as_str()).await?;
    let current = find(&txn, &code).await?;
    if_match.check(current.version)?;
    let mut change: domain_tag::ActiveModel = current.clone().into();
    if let Some(label) = body.label_fr {
        change.label_fr = Set(label.trim().to_owned());
    }
    if let Some(label) = body.label_en {
        change.label_en = Set(label.trim().to_owned());
    }
    if let Some(position) = body.position {
        change.position = Set(position);
    }
    let updated = save_versioned(&txn, &current.code, change, current.version).await?;
    let (before, after) = (DomainResponse::from(current.clone()), DomainResponse::from(updated.clone()));
    let context = ChangeContext::new(&caller, &request_id);
    audit::record(&txn, &context, ENTITY, &updated.code, "update", Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(updated.version))).json(DomainResponse::from(updated)))
}

/// Archive a domain
///
/// Refused with 409 while a partner, agreement or project uses it. Archived domains stay readable
/// and can be listed with `include_archived=true`. Needs `If-Match`.
#[utoipa::path(
    tag = "domains",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The domain's code", example = "water")),
    responses(
        (status = 204, description = "Archived"),
        (status = 409, description = "The domain is in use", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[delete("/{code}")]
pub async fn delete_domain(
    caller: Authorized<WriteDomains>,
    request_id: RequestId,
    state: web::Data<AppState>,
    code: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<domain_tag::Entity>(&txn, code.as_str()).await?;
    let current = find(&txn, &code).await?;
    if_match.check(current.version)?;
    let uses = super::queries::count_uses(&txn, &current.code).await?;
    if uses > 0 {
        return Err(ApiError::conflict(
            "in_use",
            Text::new(
                format!("Ce domaine est utilisé par {uses} enregistrement(s)."),
                format!("This domain is used by {uses} record(s)."),
            ),
        ));
    }
    if current.archived_at.is_none() {
        let mut change: domain_tag::ActiveModel = current.clone().into();
        change.archived_at = Set(Some(Utc::now()));
        let archived = save_versioned(&txn, &current.code, change, current.version).await?;
        let (before, after) = (DomainResponse::from(current.clone()), DomainResponse::from(archived));
        let context = ChangeContext::new(&caller, &request_id);
        audit::record(&txn, &context, ENTITY, &current.code, "archive", Some(&before), Some(&after)).await?;
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn find(db: &impl sea_orm::ConnectionTrait, code: &str) -> Result<domain_tag::Model, ApiError> {
    domain_tag::Entity::find_by_id(code.to_owned()).one(db).await?.ok_or(ApiError::NotFound)
}

/// Writes `change` only if the row is still at `read_version`, bumping the version.
async fn save_versioned(
    db: &impl sea_orm::ConnectionTrait,
    code: &str,
    mut change: domain_tag::ActiveModel,
    read_version: i32,
) -> Result<domain_tag::Model, ApiError> {
    change.version = Set(read_version + 1);
    change.updated_at = Set(Utc::now());
    let result = domain_tag::Entity::update_many()
        .set(change)
        .filter(domain_tag::Column::Code.eq(code))
        .filter(domain_tag::Column::Version.eq(read_version))
        .exec(db)
        .await?;
    let current = find(db, code).await?;
    if result.rows_affected == 0 {
        return Err(ApiError::PreconditionFailed { current_etag: etag(current.version) });
    }
    Ok(current)
}

fn already_exists(code: &str) -> ApiError {
    ApiError::conflict(
        "already_exists",
        Text::new(format!("Le domaine « {code} » existe déjà."), format!("The domain \"{code}\" already exists.")),
    )
}
