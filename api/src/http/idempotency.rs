//! `Idempotency-Key` on every `POST` of the API: a retry with the same key and body replays the
//! first response instead of acting twice; the same key with another body is a 422; a retry while
//! the first request is still being served is a 409 (`Retry-After: 1`).
//!
//! Keys belong to the caller's account, authenticated before any replay, and are kept 24 hours. A key whose
//! first request never finished (the server died) can be taken over after 60 seconds. Only
//! outcomes that a retry would reproduce are stored (2xx, and 400/413/415/422); the others
//! (401, 403, 404, 409, 412, 429, 5xx…) depend on the moment, so the key is released for a retry.
use actix_web::{
    Error, FromRequest, HttpMessage, HttpResponse, ResponseError,
    body::{BoxBody, MessageBody, to_bytes},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{Method, StatusCode, header},
    middleware::Next,
    web,
};
use chrono::Utc;
use entity::idempotency_key;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, SqlErr};
use sha2::{Digest, Sha256};

use crate::{auth::CurrentUser, error::ApiError, i18n::Text, records::unit_of_work::ClaimedKey, state::AppState};

pub const HEADER: &str = "idempotency-key";
const KEEP_FOR: chrono::Duration = chrono::Duration::hours(24);
const ABANDONED_AFTER: chrono::Duration = chrono::Duration::seconds(60);
/// Response headers worth replaying.
const REPLAYED_HEADERS: [header::HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req.headers().get(HEADER).map(|value| value.to_str().map(str::to_owned));
    let (Some(key), true) = (key, req.method() == Method::POST) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let key = match key {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => key,
        _ => return Ok(refuse(req, invalid_key())),
    };
    // Keys belong to an account. The caller is authenticated in full (active account, current
    // token version and role) before anything is replayed: a stored answer, which may hold a
    // secret, goes only to a caller who could make the request now. A caller who cannot is
    // refused further in, by the route's own extractor.
    if crate::auth::bearer_token(req.headers()).is_none() {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let Ok(caller) = CurrentUser::from_request(req.request(), &mut Payload::None).await else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let scope = caller.id.to_string();
    let body = match req.extract::<web::Bytes>().await {
        Ok(body) => body,
        Err(_) => return Ok(refuse(req, ApiError::PayloadTooLarge { limit: state.settings.body_limit_bytes })),
    };
    let request_hash = hash_request(req.method(), &req.uri().to_string(), &body);
    match claim(&state.db, &scope, &key, &request_hash).await {
        Ok(Claim::Proceed) => {}
        Ok(Claim::Replay(stored)) => return Ok(replay(req, stored)),
        Err(error) => return Ok(refuse(req, error)),
    }
    req.set_payload(bytes_to_payload(body));
    // The handler's unit of work stores its answer with its change (`records::unit_of_work`);
    // what is stored below covers the answers of requests that changed nothing.
    req.extensions_mut().insert(ClaimedKey { scope: scope.clone(), key: key.clone() });
    let response = next.call(req).await?;
    let (request, response) = response.into_parts();
    let status = response.status();
    let headers: Vec<(String, String)> = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            response.headers().get(name).and_then(|v| v.to_str().ok()).map(|v| (name.to_string(), v.to_owned()))
        })
        .collect();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    let reproducible = status.is_success() || matches!(status.as_u16(), 400 | 413 | 415 | 422);
    let stored = if reproducible {
        complete(&state.db, &scope, &key, status, &bytes, &headers).await
    } else {
        forget(&state.db, &scope, &key).await
    };
    if let Err(error) = stored {
        tracing::error!(?error, "cannot store the idempotent response");
    }
    Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(bytes))))
}

enum Claim {
    Proceed,
    Replay(idempotency_key::Model),
}

/// Takes the key for this request, or tells how the earlier request with the same key ended.
async fn claim(db: &DatabaseConnection, scope: &str, key: &str, request_hash: &str) -> Result<Claim, ApiError> {
    let now = Utc::now();
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::CreatedAt.lt(now - KEEP_FOR))
        .exec(db)
        .await?;
    let inserted = idempotency_key::ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        status: Set(None),
        response_body: Set(None),
        response_headers: Set(None),
        created_at: Set(now),
        completed_at: Set(None),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => return Ok(Claim::Proceed),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
        Err(error) => return Err(error.into()),
    }
    let existing =
        idempotency_key::Entity::find_by_id((scope.to_owned(), key.to_owned())).one(db).await?.ok_or_else(|| {
            ApiError::conflict("idempotency_in_progress", in_progress_text()).on_fields(&["Idempotency-Key"])
        })?;
    if existing.request_hash != request_hash {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            "reused",
            Text::fixed(
                "Cette clé d'idempotence a déjà servi pour une autre requête.",
                "This idempotency key was already used for another request.",
            ),
        ));
    }
    if existing.status.is_some() {
        return Ok(Claim::Replay(existing));
    }
    if existing.created_at < now - ABANDONED_AFTER {
        // The first request never finished (the server stopped): let this one take over.
        let taken = idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::CreatedAt, now.into())
            .filter(idempotency_key::Column::Scope.eq(scope))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::CreatedAt.eq(existing.created_at))
            .filter(idempotency_key::Column::Status.is_null())
            .exec(db)
            .await?;
        if taken.rows_affected == 1 {
            return Ok(Claim::Proceed);
        }
    }
    Err(ApiError::Conflict {
        code: "idempotency_in_progress",
        detail: in_progress_text(),
        extra: Default::default(),
        fields: Vec::new(),
    }
    .on_fields(&["Idempotency-Key"]))
}

pub(crate) fn in_progress_text() -> Text {
    Text::fixed(
        "Une requête avec cette clé d'idempotence est en cours ; réessayez dans un instant.",
        "A request with this idempotency key is in progress; retry in a moment.",
    )
}

async fn complete(
    db: &DatabaseConnection,
    scope: &str,
    key: &str,
    status: StatusCode,
    body: &[u8],
    headers: &[(String, String)],
) -> Result<(), ApiError> {
    let headers: serde_json::Map<String, serde_json::Value> =
        headers.iter().map(|(name, value)| (name.clone(), serde_json::Value::from(value.clone()))).collect();
    idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::Status, i32::from(status.as_u16()).into())
        .col_expr(idempotency_key::Column::ResponseBody, String::from_utf8_lossy(body).into_owned().into())
        .col_expr(idempotency_key::Column::ResponseHeaders, serde_json::Value::Object(headers).into())
        .col_expr(idempotency_key::Column::CompletedAt, Utc::now().into())
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::Status.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Releases a key whose request left nothing to replay; a key completed in the request's own
/// transaction (its change committed) is kept, whatever happened after the commit.
async fn forget(db: &DatabaseConnection, scope: &str, key: &str) -> Result<(), ApiError> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::Status.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn replay(req: ServiceRequest, stored: idempotency_key::Model) -> ServiceResponse<BoxBody> {
    let status = stored.status.and_then(|s| u16::try_from(s).ok()).and_then(|s| StatusCode::from_u16(s).ok());
    let mut response = HttpResponse::build(status.unwrap_or(StatusCode::OK));
    if let Some(serde_json::Value::Object(headers)) = stored.response_headers {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                response.insert_header((name, value.to_owned()));
            }
        }
    }
    response.insert_header(("idempotent-replayed", "true"));
    let (request, _) = req.into_parts();
    ServiceResponse::new(request, response.body(stored.response_body.unwrap_or_default()))
}

fn refuse(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    let response = error.error_response();
    let (request, _) = req.into_parts();
    ServiceResponse::new(request, response)
}

fn invalid_key() -> ApiError {
    ApiError::BadRequest(
        Text::fixed("En-tête Idempotency-Key invalide.", "Invalid Idempotency-Key header."),
        vec![crate::error::FieldError::new(
            "Idempotency-Key",
            "format",
            Text::fixed("1 à 255 caractères ASCII visibles.", "1 to 255 visible ASCII characters."),
        )],
    )
}

fn hash_request(method: &Method, uri: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(uri.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

fn bytes_to_payload(bytes: web::Bytes) -> actix_web::dev::Payload {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(bytes);
    actix_web::dev::Payload::from(payload)
}
