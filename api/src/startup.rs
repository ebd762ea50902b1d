//! The app factory: `Application::build` binds the listener and assembles the server; `main` and
//! the black-box tests both call it.
use std::{net::TcpListener, sync::Arc};

use actix_cors::Cors;
use actix_web::{
    App, HttpResponse, HttpServer,
    dev::Server,
    http::header,
    middleware::{Compress, DefaultHeaders, from_fn},
    web,
};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{IntGaugeVec, Opts, Registry};
use sea_orm::DatabaseConnection;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    config::Settings,
    db,
    error::ApiError,
    http::{
        extract::{BodyLimit, path_config, query_config},
        idempotency::idempotency,
        middleware::{default_cache_control, problem_details, request_id_and_log},
    },
    openapi, routes,
    state::AppState,
};

pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    worker: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Connects to the database, applies migrations, binds `settings.bind_addr` (port 0 picks a
    /// free port) and assembles the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.check_signing_keys()?;
        let db = db::connect(&settings).await.map_err(|error| {
            anyhow::anyhow!("cannot open the database {}: {error}", crate::config::redact_url(&settings.database_url))
        })?;
        db::migrate(&db).await.map_err(|error| anyhow::anyhow!("cannot apply the migrations: {error}"))?;
        crate::auth::bootstrap::ensure_director(&db, &settings.auth).await?;
        if crate::seed::load_portfolio(&db)
            .await
            .map_err(|error| anyhow::anyhow!("cannot load the seed portfolio: {error}"))?
        {
            tracing::info!("seed portfolio loaded");
        }
        let listener = TcpListener::bind(settings.bind_addr)
            .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", settings.bind_addr))?;
        let port = listener.local_addr()?.port();
        let (server, worker) = build_server(listener, db.clone(), settings)?;
        Ok(Self { port, server, db, worker })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// A handle to stop the server (and its webhook worker) from outside, as a signal would.
    pub fn stopper(&self) -> Stopper {
        Stopper { server: self.server.handle(), worker: self.worker.abort_handle() }
    }

    /// Serves until SIGTERM or SIGINT, then lets in-flight requests finish within the grace period.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let outcome = self.server.await;
        self.worker.abort();
        outcome
    }
}

/// Stops a running application: its HTTP server (gracefully) and its webhook worker.
#[derive(Clone)]
pub struct Stopper {
    server: actix_web::dev::ServerHandle,
    worker: tokio::task::AbortHandle,
}

impl Stopper {
    pub async fn stop(&self) {
        self.worker.abort();
        self.server.stop(true).await;
    }
}

struct Metrics {
    http: PrometheusMetrics,
    pool: IntGaugeVec,
}

fn build_metrics() -> anyhow::Result<Metrics> {
    let registry = Registry::new();
    let pool =
        IntGaugeVec::new(Opts::new("djcd_db_pool_connections", "Database pool connections by state"), &["state"])?;
    registry.register(Box::new(pool.clone()))?;
    let http = PrometheusMetricsBuilder::new("djcd")
        .endpoint("/metrics")
        .registry(registry)
        .mask_unmatched_patterns("UNKNOWN")
        .build()
        .map_err(|error| anyhow::anyhow!("cannot build the metrics: {error}"))?;
    Ok(Metrics { http, pool })
}

fn build_server(
    listener: TcpListener,
    db: DatabaseConnection,
    settings: Settings,
) -> anyhow::Result<(Server, tokio::task::JoinHandle<()>)> {
    let metrics = build_metrics()?;
    let document = openapi::document();
    let known_routes = web::Data::new(KnownRoutes::from_document(&document));
    let shutdown_grace = settings.shutdown_grace;
    let client_request_timeout = settings.client_request_timeout;
    let slow_head_limit = crate::http::slow_clients::KEEP_ALIVE + client_request_timeout;
    let body_limit = settings.body_limit_bytes;
    let workers = settings.workers;
    let cors_origins = Arc::new(settings.cors_origins.clone());
    let state = web::Data::new(AppState::new(db, settings));
    let worker = crate::webhooks::worker::spawn(state.clone());
    let server = HttpServer::new(move || {
        let pool_gauge = metrics.pool.clone();
        let state_for_metrics = state.clone();
        let (app, _) = App::new()
            .into_utoipa_app()
            .app_data(state.clone())
            .app_data(known_routes.clone())
            .app_data(BodyLimit(body_limit))
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(path_config())
            .app_data(query_config())
            .configure(routes::configure_all)
            .split_for_parts();
        app.service(SwaggerUi::new("/swagger-ui/{_:.*}").external_url_unchecked(OPENAPI_PATH, document.clone()))
            .route("/swagger-ui", web::get().to(redirect_to_swagger_ui))
            .default_service(web::to(unknown_route))
            .wrap(from_fn(idempotency))
            .wrap(cors(&cors_origins))
            .wrap(from_fn(default_cache_control))
            .wrap(from_fn(problem_details))
            .wrap(metrics.http.clone())
            .wrap_fn(move |req, srv| {
                if req.path() == "/metrics" {
                    record_pool_usage(&pool_gauge, &state_for_metrics.db);
                }
                actix_web::dev::Service::call(srv, req)
            })
            .wrap(from_fn(request_id_and_log))
            .wrap(Compress::default())
            .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
            .wrap(from_fn(crate::http::slow_clients::track_requests))
    })
    // actix-http's request time-out covers only a connection's first request head; the watchdog
    // of `slow_clients` covers the later ones of a kept-alive connection.
    .on_connect(move |io, extensions| {
        crate::http::slow_clients::on_connect(io, extensions, slow_head_limit);
    })
    .keep_alive(crate::http::slow_clients::KEEP_ALIVE)
    .workers(workers)
    .listen(listener)?
    .shutdown_timeout(shutdown_grace.as_secs())
    .client_request_timeout(client_request_timeout)
    .client_disconnect_timeout(std::time::Duration::from_secs(2))
    .run();
    Ok((server, worker))
}

/// Refreshes the pool gauges just before a scrape, so that they are current when read.
fn record_pool_usage(gauge: &IntGaugeVec, db: &DatabaseConnection) {
    if let Some((open, idle)) = db::pool_usage(db) {
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        gauge.with_label_values(&["open"]).set(i64::from(open));
        gauge.with_label_values(&["idle"]).set(idle);
        gauge.with_label_values(&["in_use"]).set(i64::from(open) - idle);
    }
}

fn cors(origins: &[String]) -> Cors {
    let cors = origins.iter().fold(Cors::default(), |cors, origin| {
        if origin == "*" { cors.allow_any_origin() } else { cors.allowed_origin(origin) }
    });
    cors.allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::LAST_MODIFIED,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600)
}

async fn redirect_to_swagger_ui() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/swagger-ui/")).finish()
}

/// The paths the server serves and their methods, to tell a wrong method (405) from a wrong
/// path (404).
pub struct KnownRoutes(Vec<(Vec<String>, Vec<String>)>);

impl KnownRoutes {
    fn from_document(document: &serde_json::Value) -> Self {
        let mut routes = Vec::new();
        if let Some(paths) = document["paths"].as_object() {
            for (template, item) in paths {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods =
                    item.as_object().map(|ops| ops.keys().map(|m| m.to_uppercase()).collect()).unwrap_or_default();
                routes.push((segments, methods));
            }
        }
        Self(routes)
    }

    /// The methods served at `path`, if the path exists. A literal segment wins over a parameter,
    /// as in OpenAPI: `/evaluations/due` is its own path, not `/evaluations/{id}`.
    pub fn methods(&self, path: &str) -> Vec<String> {
        let segments: Vec<&str> = path.split('/').collect();
        let matching = self.0.iter().filter_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()));
            matches.then(|| (template.iter().filter(|t| !t.starts_with('{')).count(), methods))
        });
        let matching: Vec<_> = matching.collect();
        let most_literal = matching.iter().map(|(literal, _)| *literal).max().unwrap_or(0);
        let mut methods: Vec<String> = matching
            .into_iter()
            .filter(|(literal, _)| *literal == most_literal)
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }
}

async fn unknown_route(req: actix_web::HttpRequest, routes: web::Data<KnownRoutes>) -> Result<HttpResponse, ApiError> {
    let allow = routes.methods(req.path());
    if allow.is_empty() { Err(ApiError::NotFound) } else { Err(ApiError::MethodNotAllowed { allow }) }
}

#[cfg(test)]
mod tests {
    use super::{Application, KnownRoutes};
    use crate::config::Settings;

    #[tokio::test]
    async fn a_non_loopback_bind_with_the_development_key_does_not_start() {
        let mut settings = Settings::development_defaults();
        settings.database_url = "sqlite::memory:".into();
        settings.bind_addr = "0.0.0.0:0".parse().expect("an address");
        let error = Application::build(settings).await.err().expect("must be refused");
        assert!(error.to_string().contains("JWT_KEYS"), "{error}");
    }
    use serde_json::json;

    #[test]
    fn a_literal_path_wins_over_a_parameter() {
        let routes = KnownRoutes::from_document(&json!({"paths": {
            "/api/v1/evaluations/{id}": {"get": {}, "patch": {}},
            "/api/v1/evaluations/due": {"get": {}},
            "/api/v1/evaluations": {"get": {}, "post": {}}
        }}));
        assert_eq!(routes.methods("/api/v1/evaluations/due"), ["GET"]);
        assert_eq!(routes.methods("/api/v1/evaluations/0192"), ["GET", "PATCH"]);
        assert_eq!(routes.methods("/api/v1/evaluations"), ["GET", "POST"]);
        assert!(routes.methods("/api/v1/evaluations/due/x").is_empty());
        assert!(routes.methods("/api/v1/evaluations/").is_empty());
    }
}
