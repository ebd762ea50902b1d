//! Middleware applied to every response: request ids and logs, problem documents, cache headers.
use std::time::Instant;

use actix_web::{
    Error, HttpMessage, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderName, HeaderValue},
    middleware::Next,
};
use tracing::Instrument;

use crate::{
    auth::CurrentUser,
    error::{PROBLEM_JSON, Problem},
    i18n::Lang,
    records::audit::ChangeContext,
};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The ids of the request being served: the server's own (a new UUID v7, unique), and the one the
/// client sent in `X-Request-Id` when it is sane. Clients may reuse an id, so the audit keeps the
/// server's as the request's id and the client's beside it.
#[derive(Clone, Debug)]
pub struct RequestId {
    pub server: String,
    pub client: Option<String>,
    /// The `Idempotency-Key` claimed for this request (by `http::idempotency`), if any.
    pub idempotency: Option<crate::records::unit_of_work::ClaimedKey>,
}

impl RequestId {
    fn new(client: Option<String>) -> Self {
        Self { server: uuid::Uuid::now_v7().to_string(), client, idempotency: None }
    }

    /// The id echoed in `X-Request-Id`, logs and problem documents: the client's own when it sent
    /// one (so that it finds its request), the server's otherwise.
    pub fn shown(&self) -> &str {
        self.client.as_deref().unwrap_or(&self.server)
    }
}

impl ChangeContext {
    /// The audit context of a change `user` makes in the request `request_id`.
    pub fn new(user: &CurrentUser, request_id: &RequestId) -> Self {
        Self {
            actor: Some(user.id),
            request_id: Some(request_id.server.clone()),
            client_request_id: request_id.client.clone(),
            idempotency: request_id.idempotency.clone(),
        }
    }
}

impl actix_web::FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let extensions = req.extensions();
        let mut id = extensions.get::<RequestId>().cloned().unwrap_or_else(|| RequestId::new(None));
        id.idempotency = extensions.get::<crate::records::unit_of_work::ClaimedKey>().cloned();
        std::future::ready(Ok(id))
    }
}

fn is_sane_request_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Gives each request an id, runs it inside a span carrying that id, logs one line at its end,
/// and echoes the id in `X-Request-Id`.
pub async fn request_id_and_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let ids = RequestId::new(
        req.headers()
            .get(&REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .filter(|value| is_sane_request_id(value))
            .map(str::to_owned),
    );
    let request_id = ids.shown().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id, server_request_id = %ids.server, method = %req.method(), path = %req.path());
    req.extensions_mut().insert(ids);
    let started = Instant::now();
    let outcome = next.call(req).instrument(span.clone()).await;
    let mut response = match outcome {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            // An error raised by an inner middleware: render it like any other error.
            let response = error.error_response();
            return Err(actix_web::error::InternalError::from_response(error, response).into());
        }
    };
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, elapsed_ms, "request failed");
        } else if status >= 400 {
            tracing::info!(status, elapsed_ms, "request refused");
        } else {
            tracing::info!(status, elapsed_ms, "request served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// Renders every error response as `application/problem+json` in the client's language, with
/// `instance` and `request_id`. Errors that no handler described (a 405 from the router, a CORS
/// refusal) get a generic problem of their status: no error leaves the server as plain text.
pub async fn problem_details(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::from_headers(req.headers());
    let instance = req.path().to_owned();
    let request_id = req.extensions().get::<RequestId>().map(|id| id.shown().to_owned());
    let response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => return Err(error),
    };
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let problem =
        response.response().extensions().get::<Problem>().cloned().unwrap_or_else(|| Problem::for_status(status));
    let mut body = problem.render(lang, Some(&instance));
    if let (Some(id), Some(object)) = (request_id, body.as_object_mut()) {
        object.insert("request_id".into(), id.into());
    }
    let (request, old) = response.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    new.insert_header((header::CONTENT_LANGUAGE, if lang == Lang::En { "en" } else { "fr" }));
    let new = new.content_type(PROBLEM_JSON).body(body.to_string());
    Ok(ServiceResponse::new(request, new))
}

/// `Cache-Control: no-store` on API responses unless the handler chose a policy: they carry
/// data behind authentication, and many carry secrets.
pub async fn default_cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(req).await?;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::is_sane_request_id;

    #[test]
    fn only_short_plain_request_ids_are_echoed() {
        assert!(is_sane_request_id("abc-123_X.y:z"));
        assert!(!is_sane_request_id(""));
        assert!(!is_sane_request_id(&"a".repeat(65)));
        assert!(!is_sane_request_id("line\nbreak"));
        assert!(!is_sane_request_id("<script>"));
    }
}
