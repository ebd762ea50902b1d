//! Prometheus metrics with bounded labels.
//!
//! Every label value comes from a closed set: the route template the request matched (`other` for
//! an unmatched path, never the raw path), one of the standard methods (`OTHER` for any other name)
//! and the status code. A client can make as many distinct requests as it likes; the number of label
//! sets stays at most routes × 10 methods × the statuses the server answers.
//!
//! The metrics are served at `/metrics` on the API's port (development), or on a listener of their
//! own (`METRICS_ADDR`, loopback by default in production), and only with `Authorization: Bearer
//! <METRICS_TOKEN>` when a token is set.
use std::{sync::Arc, time::Instant};

use actix_web::{
    HttpRequest, HttpResponse,
    dev::{Service, ServiceRequest, ServiceResponse},
    http::{Method, header},
};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};
use sea_orm::DatabaseConnection;

use crate::{
    auth::secrets::{hash_secret, same_hash},
    db,
};

/// The label of an unmatched path.
pub const OTHER_ENDPOINT: &str = "other";

/// The server's metrics registry and its collectors.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
    pool: IntGaugeVec,
    token: Option<String>,
    /// The pool the gauges describe.
    db: DatabaseConnection,
}

impl Metrics {
    pub fn new(token: Option<String>, db: DatabaseConnection) -> anyhow::Result<Arc<Self>> {
        let registry = Registry::new();
        let labels = &["endpoint", "method", "status"];
        let requests = IntCounterVec::new(Opts::new("djcd_http_requests_total", "HTTP requests answered"), labels)?;
        let durations = HistogramVec::new(
            HistogramOpts::new("djcd_http_requests_duration_seconds", "HTTP request durations in seconds"),
            labels,
        )?;
        let pool =
            IntGaugeVec::new(Opts::new("djcd_db_pool_connections", "Database pool connections by state"), &["state"])?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(durations.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Arc::new(Self { registry, requests, durations, pool, token, db }))
    }

    fn observe(&self, endpoint: &str, method: &Method, status: u16, started: Instant) {
        let status = status.to_string();
        let labels = [endpoint, method_label(method), status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.durations.with_label_values(&labels).observe(started.elapsed().as_secs_f64());
    }

    /// The text exposition, with the pool gauges refreshed first.
    fn render(&self) -> Result<Vec<u8>, prometheus::Error> {
        if let Some((open, idle)) = db::pool_usage(&self.db) {
            let idle = i64::try_from(idle).unwrap_or(i64::MAX);
            self.pool.with_label_values(&["open"]).set(i64::from(open));
            self.pool.with_label_values(&["idle"]).set(idle);
            self.pool.with_label_values(&["in_use"]).set(i64::from(open) - idle);
        }
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(out)
    }

    fn authorized(&self, req: &HttpRequest) -> bool {
        let Some(token) = &self.token else { return true };
        let given = crate::auth::bearer_token(req.headers()).unwrap_or_default();
        // Hashes of equal length, compared in constant time.
        same_hash(&hash_secret(given), &hash_secret(token))
    }
}

/// A standard method's name, or `OTHER`: extension methods are unbounded.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "OTHER",
    }
}

/// The middleware (for `App::wrap_fn`): counts and times each request under bounded labels.
pub fn observe<S, B>(
    metrics: Arc<Metrics>,
    req: ServiceRequest,
    service: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let started = Instant::now();
    let method = req.method().clone();
    let call = service.call(req);
    async move {
        let outcome = call.await;
        match &outcome {
            Ok(response) => {
                let endpoint = response.request().match_pattern().unwrap_or_else(|| OTHER_ENDPOINT.to_owned());
                metrics.observe(&endpoint, &method, response.status().as_u16(), started);
            }
            Err(error) => {
                let status = error.as_response_error().status_code().as_u16();
                metrics.observe(OTHER_ENDPOINT, &method, status, started);
            }
        }
        outcome
    }
}

/// `GET /metrics`: the text exposition (404 when a token is set and not given, so that the
/// route's existence is not advertised).
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let Some(metrics) = req.app_data::<actix_web::web::Data<Arc<Metrics>>>() else {
        return HttpResponse::NotFound().finish();
    };
    if !metrics.authorized(&req) {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
            .finish();
    }
    match metrics.render() {
        Ok(text) => HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(text),
        Err(error) => {
            tracing::error!(%error, "cannot render the metrics");
            HttpResponse::InternalServerError().finish()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_methods_share_one_label() {
        let odd = Method::from_bytes(b"XYZZY-RANDOM-METHOD").expect("a method");
        assert_eq!(method_label(&odd), "OTHER");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
    }

    #[test]
    fn label_sets_stay_bounded_whatever_the_methods() {
        let metrics = Metrics::new(None, DatabaseConnection::default()).expect("metrics");
        for i in 0..500 {
            let method = Method::from_bytes(format!("M{i}").as_bytes()).expect("a method");
            metrics.observe(OTHER_ENDPOINT, &method, 405, Instant::now());
        }
        let families = metrics.registry.gather();
        let requests = families.iter().find(|f| f.name() == "djcd_http_requests_total").expect("the counter");
        assert_eq!(requests.get_metric().len(), 1);
    }
}
