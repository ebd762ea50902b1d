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
        known_routes::KnownRoutes,
        metrics::{self, Metrics},
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
    /// The listener of `/metrics` when `METRICS_ADDR` is set, and its port.
    metrics_server: Option<(Server, u16)>,
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
        crate::bootstrap::ensure_director(&db, &settings.auth).await?;
        if crate::seed::load_portfolio(&db)
            .await
            .map_err(|error| anyhow::anyhow!("cannot load the seed portfolio: {error}"))?
        {
            tracing::info!("seed portfolio loaded");
        }
        let listener = TcpListener::bind(settings.bind_addr)
            .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", settings.bind_addr))?;
        let port = listener.local_addr()?.port();
        let metrics_listener = match settings.guards.metrics_addr {
            Some(address) => Some(
                TcpListener::bind(address)
                    .map_err(|error| anyhow::anyhow!("cannot listen on {address} (METRICS_ADDR): {error}"))?,
            ),
            None => None,
        };
        let (server, metrics_server, worker) = build_server(listener, metrics_listener, db.clone(), settings)?;
        Ok(Self { port, server, metrics_server, db, worker })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the separate metrics listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(_, port)| *port)
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// A handle to stop the server (and its webhook worker) from outside, as a signal would.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            server: self.server.handle(),
            metrics: self.metrics_server.as_ref().map(|(server, _)| server.handle()),
            worker: self.worker.abort_handle(),
        }
    }

    /// Serves until SIGTERM or SIGINT, then lets in-flight requests finish within the grace period.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics_server.map(|(server, _)| {
            let handle = server.handle();
            (tokio::spawn(server), handle)
        });
        let outcome = self.server.await;
        self.worker.abort();
        if let Some((task, handle)) = metrics {
            handle.stop(false).await;
            let _ = task.await;
        }
        outcome
    }
}

/// Stops a running application: its HTTP server (gracefully) and its webhook worker.
#[derive(Clone)]
pub struct Stopper {
    server: actix_web::dev::ServerHandle,
    metrics: Option<actix_web::dev::ServerHandle>,
    worker: tokio::task::AbortHandle,
}

impl Stopper {
    pub async fn stop(&self) {
        self.worker.abort();
        self.server.stop(true).await;
        if let Some(metrics) = &self.metrics {
            metrics.stop(false).await;
        }
    }
}

/// The metrics' own server: one worker, `GET /metrics` and nothing else.
fn metrics_server(listener: TcpListener, metrics: web::Data<Arc<Metrics>>) -> anyhow::Result<Server> {
    let server =
        HttpServer::new(move || App::new().app_data(metrics.clone()).route("/metrics", web::get().to(metrics::serve)))
            .workers(1)
            .listen(listener)?
            .shutdown_timeout(1)
            .run();
    Ok(server)
}

type Servers = (Server, Option<(Server, u16)>, tokio::task::JoinHandle<()>);

fn build_server(
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    db: DatabaseConnection,
    settings: Settings,
) -> anyhow::Result<Servers> {
    let metrics = web::Data::new(Metrics::new(settings.guards.metrics_token.clone(), db.clone())?);
    let metrics_on_main_port = metrics_listener.is_none();
    let document = openapi::document();
    let known_routes = web::Data::new(KnownRoutes::from_document(&document));
    let shutdown_grace = settings.shutdown_grace;
    let client_request_timeout = settings.client_request_timeout;
    let slow_head_limit = crate::http::slow_clients::KEEP_ALIVE + client_request_timeout;
    let connection_counts = crate::http::slow_clients::ConnectionCounts::default();
    let connections_per_address = settings.guards.max_connections_per_address;
    let body_limit = settings.body_limit_bytes;
    let body_timeout = crate::http::slow_clients::BodyTimeout(settings.guards.client_body_timeout);
    let workers = settings.workers;
    let cors_origins = Arc::new(settings.cors_origins.clone());
    let cors_allowed_headers = Arc::new(settings.cors_allowed_headers.clone());
    let state = web::Data::new(AppState::new(db, settings));
    let worker = crate::webhooks::worker::spawn(state.clone());
    let metrics_server = match metrics_listener {
        Some(listener) => {
            let port = listener.local_addr()?.port();
            Some((metrics_server(listener, metrics.clone())?, port))
        }
        None => None,
    };
    crate::vocabulary::register(routes::vocabularies::FIXED);
    let server = HttpServer::new(move || {
        let observed = metrics.get_ref().clone();
        let (app, _) = App::new()
            .into_utoipa_app()
            .app_data(state.clone())
            .app_data(known_routes.clone())
            .app_data(BodyLimit(body_limit))
            .app_data(body_timeout)
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(path_config())
            .app_data(query_config())
            .configure(routes::configure_all)
            .split_for_parts();
        let app = if metrics_on_main_port {
            app.app_data(metrics.clone()).route("/metrics", web::get().to(metrics::serve))
        } else {
            app
        };
        app.service(swagger_ui(&document))
            .route("/swagger-ui", web::get().to(redirect_to_swagger_ui))
            .default_service(web::to(unknown_route))
            .wrap(from_fn(crate::http::conditional::conditional_get))
            .wrap(from_fn(idempotency))
            .wrap(from_fn(crate::http::input::refuse_forbidden_characters))
            .wrap(cors(&cors_origins, &cors_allowed_headers))
            .wrap(from_fn(default_cache_control))
            .wrap(from_fn(problem_details))
            .wrap_fn(move |req, srv| metrics::observe(observed.clone(), req, srv))
            .wrap(from_fn(request_id_and_log))
            .wrap(Compress::default())
            .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
            .wrap(from_fn(crate::http::slow_clients::track_requests))
    })
    // actix-http's request time-out covers only a connection's first request head; the watchdog
    // of `slow_clients` covers the later ones of a kept-alive connection.
    .on_connect(move |io, extensions| {
        crate::http::slow_clients::on_connect(
            io,
            extensions,
            slow_head_limit,
            &connection_counts,
            connections_per_address,
        );
    })
    .keep_alive(crate::http::slow_clients::KEEP_ALIVE)
    .workers(workers)
    .listen(listener)?
    .shutdown_timeout(shutdown_grace.as_secs())
    .client_request_timeout(client_request_timeout)
    .client_disconnect_timeout(std::time::Duration::from_secs(2))
    .run();
    Ok((server, metrics_server, worker))
}

/// The response headers a cross-origin script may read: everything the API sends that a client
/// acts on (versions, new resources, retries, rate limits, replays, request ids).
const CORS_EXPOSED_HEADERS: &[&str] = &[
    "etag",
    "location",
    "retry-after",
    "last-modified",
    "x-request-id",
    "idempotent-replayed",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "www-authenticate",
    "allow",
];

fn cors(origins: &[String], allowed_headers: &[String]) -> Cors {
    let cors = origins.iter().fold(Cors::default(), |cors, origin| {
        if origin == "*" { cors.allow_any_origin() } else { cors.allowed_origin(origin) }
    });
    cors.allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers(allowed_headers.iter().filter_map(|name| header::HeaderName::from_bytes(name.as_bytes()).ok()))
        .expose_headers(CORS_EXPOSED_HEADERS.iter().map(|name| header::HeaderName::from_static(name)))
        .max_age(3600)
}

/// Swagger UI on the served document. `persistAuthorization` keeps what was entered in Authorize
/// (a bearer token, or the password-flow sign-in) across reloads of the page.
fn swagger_ui(document: &serde_json::Value) -> SwaggerUi {
    SwaggerUi::new("/swagger-ui/{_:.*}")
        .external_url_unchecked(OPENAPI_PATH, document.clone())
        .config(utoipa_swagger_ui::Config::default().persist_authorization(true))
}

async fn redirect_to_swagger_ui() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/swagger-ui/")).finish()
}

async fn unknown_route(req: actix_web::HttpRequest, routes: web::Data<KnownRoutes>) -> Result<HttpResponse, ApiError> {
    let allow = routes.methods(req.path());
    if allow.is_empty() { Err(ApiError::NotFound) } else { Err(ApiError::MethodNotAllowed { allow }) }
}

#[cfg(test)]
mod tests {
    use super::Application;
    use crate::config::Settings;

    #[tokio::test]
    async fn a_non_loopback_bind_with_the_development_key_does_not_start() {
        let mut settings = Settings::development_defaults();
        settings.database_url = "sqlite::memory:".into();
        settings.bind_addr = "0.0.0.0:0".parse().expect("an address");
        let error = Application::build(settings).await.err().expect("must be refused");
        assert!(error.to_string().contains("JWT_KEYS"), "{error}");
    }
}
