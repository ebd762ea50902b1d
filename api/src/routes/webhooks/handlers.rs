//! Handlers of `/api/v1/webhooks`: the rules and the writes live in `domain::webhook_endpoints`.
use actix_web::{HttpResponse, delete, get, http::header, post, web};
use uuid::Uuid;

use super::dto::{
    CreateWebhook, DeliveriesQuery, DeliveryList, DeliveryResponse, DeliverySort, WebhookCreated, WebhookList,
    WebhookResponse,
};
use crate::http::change::Change;
use crate::{
    auth::{Authorized, policy::ManageWebhooks, throttle},
    config::Environment,
    domain::webhook_endpoints::{service, store, types::EndpointLimits},
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        pagination::page_limit,
    },
    records::{listing::PageRequest, unit_of_work::Answer},
    state::AppState,
};

/// List webhook endpoints
///
/// A partner system sees its own; the director sees every endpoint.
#[utoipa::path(
    tag = "webhooks",
    responses((status = 200, description = "The endpoints", body = WebhookList))
)]
#[get("")]
pub async fn list_webhooks(
    caller: Authorized<ManageWebhooks>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let rows = store::list(&state.db, &caller).await?;
    Ok(HttpResponse::Ok()
        .json(WebhookList { items: rows.into_iter().map(WebhookResponse::try_from).collect::<Result<_, _>>()? }))
}

/// Register a webhook endpoint
///
/// Events are `POST`ed as JSON with `X-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
/// "<t>.<body>">`, `X-Event-Id` (to ignore an event seen twice) and `X-Event-Type`. Failed
/// deliveries are retried with exponential back-off for 24 hours. Only `https` URLs in production;
/// no redirects are followed; URLs resolving to private or link-local addresses are refused.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Registered; the secret is shown only here", body = WebhookCreated, headers(
            ("Location" = String, description = "The endpoint"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "The partner already has `WEBHOOK_MAX_ENDPOINTS_PER_PARTNER` endpoints (code `too_many_endpoints`)", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_webhook(
    change: Change<ManageWebhooks>,
    state: web::Data<AppState>,
    body: ApiJson<CreateWebhook>,
) -> Result<Answer, ApiError> {
    let body = body.into_inner()?;
    let settings = &state.settings;
    let limits = EndpointLimits {
        allow_http: settings.environment != Environment::Production,
        allow_private: settings.partners.webhook_allow_private,
        max_per_partner: settings.partners.webhook_max_endpoints_per_partner,
    };
    service::create(change.begin().await?, &change.caller, &limits, body.into())
        .await?
        .respond(|(webhook, secret, version)| {
            let created = WebhookCreated { webhook: webhook.clone(), secret: secret.clone() };
            Answer::created(format!("/api/v1/webhooks/{}", webhook.id), &created, *version)
        })
        .await
}

/// Read a webhook endpoint
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 200, description = "The endpoint", body = WebhookResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_webhook(
    caller: Authorized<ManageWebhooks>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let endpoint = store::find(&state.db, &caller, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(endpoint.version)))
        .json(WebhookResponse::try_from(endpoint)?))
}

/// Remove a webhook endpoint
///
/// Deliveries stop; the endpoint and its delivery log are kept (archived). Needs `If-Match`.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 204, description = "Removed"))
)]
#[delete("/{id}")]
pub async fn delete_webhook(
    change: Change<ManageWebhooks>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let work = change.begin().await?;
    Ok(service::archive(work, &change.caller, *id, &if_match).await?.into())
}

/// The delivery log of an endpoint
///
/// Newest first: every event sent or to send, with its attempts and the receiver's last answer.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id"), DeliveriesQuery),
    responses((status = 200, description = "A page of deliveries", body = DeliveryList))
)]
#[get("/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    caller: Authorized<ManageWebhooks>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<DeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let endpoint = store::find(&state.db, &caller, *id).await?;
    let limit = page_limit(query.limit)?;
    let listing = store::deliveries(endpoint.id, query.q.as_deref(), query.sort.map(DeliverySort::as_str))?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond_json(&state.db, request, DeliveryResponse::try_from, |items, next_cursor, total| DeliveryList {
            items,
            next_cursor,
            total,
        })
        .await
}

/// Deliver an event again
///
/// Queues a new delivery of the same event (same `X-Event-Id`, so that the receiver can ignore it
/// if it already has it). At most `WEBHOOK_REDELIVERIES_PER_MINUTE` per endpoint (429 with
/// `Retry-After` beyond).
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id"), ("delivery_id" = Uuid, Path, description = "The delivery to repeat")),
    responses((status = 202, description = "Queued", body = DeliveryResponse, headers(("Location" = String, description = "The endpoint's deliveries"))))
)]
#[post("/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    caller: Authorized<ManageWebhooks>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let endpoint = store::find(&state.db, &caller, id).await?;
    let original = store::delivery(&state.db, endpoint.id, delivery_id).await?;
    throttle::allow(&state.webhook_redeliveries, &endpoint.id)?;
    let copy = store::queue_again(&state.db, original).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}/deliveries", endpoint.id)))
        .json(DeliveryResponse::try_from(copy)?))
}
