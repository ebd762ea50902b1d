//! Liveness and readiness probes for orchestrators and load balancers.
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use crate::{error::ApiError, state::AppState};

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` when the probe passes.
    pub status: Health,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope("/health").service(get_live).service(get_ready));
}

/// Liveness: the process is up
///
/// Answers 200 as long as the process serves HTTP; it does not touch the database.
#[utoipa::path(
    tag = "health",
    security(()),
    responses((status = 200, description = "The process is up", body = HealthStatus))
)]
#[get("/live")]
pub async fn get_live() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: Health::Ok })
}

/// Readiness: the database is reachable
///
/// Answers 200 when the database answers a ping, 503 otherwise (then the API recovers by itself
/// once the database is back).
#[utoipa::path(
    tag = "health",
    security(()),
    responses(
        (status = 200, description = "Ready to serve", body = HealthStatus),
        (status = 503, description = "The database cannot be reached", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
pub async fn get_ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await.map_err(|error| ApiError::Unavailable(error.to_string()))?;
    Ok(HttpResponse::Ok().json(HealthStatus { status: Health::Ok }))
}
