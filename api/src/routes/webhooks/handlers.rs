//! Handlers of `/api/v1/webhooks`.
use actix_web::{HttpResponse, delete, get, http::header, post, web};
use chrono::Utc;
use entity::{partner, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::dto::{
    CreateWebhook, DeliveriesQuery, DeliveryList, DeliveryResponse, WebhookCreated, WebhookList, WebhookResponse,
};
use crate::{
    auth::{
        Authorized, CurrentUser, Role,
        policy::{ManageWebhooks, may_manage_webhook},
        secrets, throttle,
    },
    config::Environment,
    domain::partners::store::check_partners,
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
        versioning,
    },
    state::AppState,
    validate::{Rules, check_text, check_web_address},
    webhooks::{WebhookStatus, address, worker::PENDING},
};

/// A partner system sees only its own endpoints; the director sees all.
fn may_see(caller: &CurrentUser, endpoint: &webhook_endpoint::Model) -> bool {
    may_manage_webhook(caller.role, caller.partner_id, endpoint.partner_id)
}

async fn find(state: &AppState, caller: &CurrentUser, id: Uuid) -> Result<webhook_endpoint::Model, ApiError> {
    webhook_endpoint::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|e| may_see(caller, e))
        .ok_or(ApiError::NotFound)
}

/// List webhook endpoints
///
/// A partner system sees its own; the director sees every endpoint.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("client_credentials" = [])),
    responses((status = 200, description = "The endpoints", body = WebhookList))
)]
#[get("")]
pub async fn list_webhooks(
    caller: Authorized<ManageWebhooks>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut select = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::ArchivedAt.is_null());
    if caller.role != Role::Director {
        select = select.filter(webhook_endpoint::Column::PartnerId.eq(caller.partner_id.unwrap_or_default()));
    }
    let rows = select.order_by_asc(webhook_endpoint::Column::Id).limit(500).all(&state.db).await?;
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
    security(("bearer" = []), ("client_credentials" = [])),
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Registered; the secret is shown only here", body = WebhookCreated, headers(
            ("Location" = String, description = "The endpoint"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "The partner already has `WEBHOOK_MAX_ENDPOINTS_PER_PARTNER` endpoints (code `too_many_endpoints`)", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_webhook(
    caller: Authorized<ManageWebhooks>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let partner_id = match (caller.role, body.partner_id, caller.partner_id) {
        (Role::Director, Some(partner), _) => partner,
        (Role::Director, None, _) => {
            return Err(ApiError::invalid(
                "partner_id",
                "required",
                Text::fixed("Précisez le partenaire.", "Name the partner."),
            ));
        }
        (_, Some(partner), Some(own)) if partner != own => return Err(ApiError::Forbidden),
        (_, _, Some(own)) => own,
        _ => return Err(ApiError::Forbidden),
    };
    let mut rules = Rules::default();
    if body.events.is_empty() {
        rules.fail("events", "required", Text::fixed("Au moins un type d'événement.", "At least one event type."));
    }
    check_web_address(&mut rules, "url", &body.url);
    if let Some(secret) = &body.secret {
        check_text(&mut rules, "secret", secret, 32, 200);
    }
    rules.finish()?;
    let allow_http = state.settings.environment != Environment::Production;
    if let Err(refusal) = address::check(&body.url, allow_http, state.settings.partners.webhook_allow_private).await {
        return Err(ApiError::invalid(
            "url",
            "refused_url",
            Text::new(
                format!("Adresse refusée : {}.", refusal.explain()),
                format!("URL refused: {}.", refusal.explain()),
            ),
        ));
    }
    check_partners(&state.db, "partner_id", &[partner_id]).await?;
    let mut events = body.events;
    events.sort_by_key(|e| e.as_str());
    events.dedup();
    let secret = match body.secret {
        Some(secret) => secret,
        None => secrets::random_secret()?,
    };
    let now = Utc::now();
    let txn = crate::db::begin_write(&state.db).await?;
    // The partner's row lock makes the count and the insert one step for concurrent registrations.
    versioning::lock::<partner::Entity>(&txn, partner_id).await?;
    let registered = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::PartnerId.eq(partner_id))
        .filter(webhook_endpoint::Column::ArchivedAt.is_null())
        .count(&txn)
        .await?;
    let cap = state.settings.partners.webhook_max_endpoints_per_partner;
    if registered >= cap {
        return Err(ApiError::conflict(
            "too_many_endpoints",
            Text::new(
                format!("Ce partenaire a déjà {cap} points de réception ; supprimez-en un d'abord."),
                format!("This partner already has {cap} endpoints; remove one first."),
            ),
        ));
    }
    let model = webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        partner_id: Set(partner_id),
        url: Set(body.url),
        events: Set(serde_json::to_value(&events).unwrap_or_default()),
        secret: Set(secret.clone()),
        status: Set(WebhookStatus::Active.as_str().into()),
        created_by: Set(Some(caller.id)),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        lease_until: Set(None),
        paused_until: Set(None),
        consecutive_failures: Set(0),
    }
    .insert(&txn)
    .await?;
    let response = WebhookResponse::try_from(model.clone())?;
    audit::record::<(), _>(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        "webhook",
        model.id,
        "create",
        None,
        Some(&response),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", model.id)))
        .insert_header((header::ETAG, etag(model.version)))
        .json(WebhookCreated { webhook: response, secret }))
}

/// Read a webhook endpoint
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("client_credentials" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 200, description = "The endpoint", body = WebhookResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_webhook(
    caller: Authorized<ManageWebhooks>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let endpoint = find(&state, &caller, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(endpoint.version)))
        .json(WebhookResponse::try_from(endpoint)?))
}

/// Remove a webhook endpoint
///
/// Deliveries stop; the endpoint and its delivery log are kept (archived). Needs `If-Match`.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("client_credentials" = [])),
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 204, description = "Removed"))
)]
#[delete("/{id}")]
pub async fn delete_webhook(
    caller: Authorized<ManageWebhooks>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let endpoint = find(&state, &caller, *id).await?;
    if_match.check(endpoint.version)?;
    if endpoint.archived_at.is_none() {
        let txn = crate::db::begin_write(&state.db).await?;
        let before = WebhookResponse::try_from(endpoint.clone())?;
        let result = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::ArchivedAt, Utc::now().into())
            .col_expr(webhook_endpoint::Column::Version, (endpoint.version + 1).into())
            .col_expr(webhook_endpoint::Column::UpdatedAt, Utc::now().into())
            .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
            .filter(webhook_endpoint::Column::Version.eq(endpoint.version))
            .exec(&txn)
            .await?;
        if result.rows_affected == 0 {
            return Err(ApiError::PreconditionFailed { current_etag: etag(endpoint.version + 1) });
        }
        audit::record::<_, ()>(
            &txn,
            &ChangeContext::new(&caller, &request_id),
            "webhook",
            endpoint.id,
            "archive",
            Some(&before),
            None,
        )
        .await?;
        txn.commit().await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log of an endpoint
///
/// Newest first: every event sent or to send, with its attempts and the receiver's last answer.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("client_credentials" = [])),
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
    let endpoint = find(&state, &caller, *id).await?;
    let limit = page_limit(query.limit)?;
    let mut select = webhook_delivery::Entity::find().filter(webhook_delivery::Column::EndpointId.eq(endpoint.id));
    if let Some(before) = decode_cursor::<Uuid>(query.cursor.as_deref())? {
        select = select.filter(webhook_delivery::Column::Id.lt(before));
    }
    let rows = select.order_by_desc(webhook_delivery::Column::Id).limit(limit + 1).all(&state.db).await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| row.id);
    Ok(HttpResponse::Ok()
        .json(DeliveryList { items: rows.into_iter().map(DeliveryResponse::from).collect(), next_cursor }))
}

/// Deliver an event again
///
/// Queues a new delivery of the same event (same `X-Event-Id`, so that the receiver can ignore it
/// if it already has it). At most `WEBHOOK_REDELIVERIES_PER_MINUTE` per endpoint (429 with
/// `Retry-After` beyond).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("client_credentials" = [])),
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
    let endpoint = find(&state, &caller, id).await?;
    let original = webhook_delivery::Entity::find_by_id(delivery_id)
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    throttle::allow(&state.webhook_redeliveries, &endpoint.id)?;
    let now = Utc::now();
    let copy = webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(endpoint.id),
        event_id: Set(original.event_id),
        event_type: Set(original.event_type),
        payload: Set(original.payload),
        attempts: Set(0),
        status: Set(PENDING.to_owned()),
        next_attempt_at: Set(now),
        last_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    }
    .insert(&state.db)
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}/deliveries", endpoint.id)))
        .json(DeliveryResponse::from(copy)))
}
