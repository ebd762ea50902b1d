//! Handlers of `/api/v1/domains`: extract, call `domain::domains`, answer.
use actix_web::{HttpResponse, delete, get, http::header, patch, post, web};

use super::dto::{CreateDomain, DomainList, DomainResponse, ListDomainsQuery, UpdateDomain};
use crate::http::change::Change;
use crate::records::unit_of_work::Answer;
use crate::{
    auth::{
        Authorized,
        policy::{ReadDomains, WriteDomains},
    },
    domain::domains::{
        rules, service, store,
        types::{DomainChange, NewDomain},
    },
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
    },
    state::AppState,
};

/// List the domains of cooperation
///
/// In display order. Archived domains are left out unless `include_archived=true`.
#[utoipa::path(
    tag = "domains",
    params(ListDomainsQuery),
    responses((status = 200, description = "The domains", body = DomainList))
)]
#[get("")]
pub async fn list_domains(
    _caller: Authorized<ReadDomains>,
    state: web::Data<AppState>,
    query: web::Query<ListDomainsQuery>,
) -> Result<HttpResponse, ApiError> {
    let domains = store::list(&state.db, query.include_archived).await?;
    Ok(HttpResponse::Ok().json(DomainList { items: domains.into_iter().map(DomainResponse::from).collect() }))
}

/// Read one domain
#[utoipa::path(
    tag = "domains",
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
    let domain = store::find(&state.db, &code).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(domain.version))).json(DomainResponse::from(domain)))
}

/// Add a domain of cooperation
#[utoipa::path(
    tag = "domains",
    request_body = CreateDomain,
    responses(
        (status = 201, description = "Created", body = DomainResponse, headers(
            ("Location" = String, description = "The new domain's address"),
            ("ETag" = String, description = "Its version"))),
        (status = 409, description = "A domain with this code exists", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_domain(change: Change<WriteDomains>, body: ApiJson<CreateDomain>) -> Result<Answer, ApiError> {
    let new = NewDomain::from(body.into_inner()?);
    rules::check_new(&new)?;
    service::create(change.begin().await?, new)
        .await?
        .answer_created(|domain| format!("/api/v1/domains/{}", domain.code))
        .await
}

/// Change a domain's labels or position
///
/// Needs `If-Match` with the ETag read by GET.
#[utoipa::path(
    tag = "domains",
    params(("code" = String, Path, description = "The domain's code", example = "water")),
    request_body = UpdateDomain,
    responses((status = 200, description = "Updated", body = DomainResponse,
        headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/{code}")]
pub async fn update_domain(
    change: Change<WriteDomains>,
    code: web::Path<String>,
    if_match: IfMatch,
    body: ApiJson<UpdateDomain>,
) -> Result<Answer, ApiError> {
    let edits = DomainChange::from(body.into_inner()?);
    rules::check_change(&edits)?;
    service::update(change.begin().await?, &code, &if_match, edits).await?.answer_record().await
}

/// Archive a domain
///
/// Refused with 409 while a partner, agreement or project uses it. Archived domains stay readable
/// and can be listed with `include_archived=true`. Needs `If-Match`.
#[utoipa::path(
    tag = "domains",
    params(("code" = String, Path, description = "The domain's code", example = "water")),
    responses(
        (status = 204, description = "Archived"),
        (status = 409, description = "The domain is in use", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[delete("/{code}")]
pub async fn delete_domain(
    change: Change<WriteDomains>,
    code: web::Path<String>,
    if_match: IfMatch,
) -> Result<Answer, ApiError> {
    service::archive(change.begin().await?, &code, &if_match).await?.answer_no_content().await
}
