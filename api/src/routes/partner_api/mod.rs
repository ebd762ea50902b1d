//! `/api/v1/partner/…`: what a partner's system may read about the projects it takes part in —
//! public fields only, its own funding lines (and those the director made public), the timeline
//! and an ordered change feed. Every answer supports conditional requests (304), and each machine
//! account has its own rate limit (429 with `Retry-After` and `RateLimit-*` headers).
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod caller;
pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/partner")
            .wrap(actix_web::middleware::from_fn(caller::rate_limit_headers))
            .service(handlers::list_partner_projects)
            .service(handlers::get_partner_project)
            .service(handlers::list_partner_status_updates)
            .service(handlers::list_partner_changes),
    );
}
