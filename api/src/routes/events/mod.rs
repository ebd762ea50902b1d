//! Events of the partnerships: round tables of technical and financial partners, delegation
//! visits, youth exchanges, signings, general assemblies — and the pledges announced at a round
//! table, recorded as `pledge` funding lines linked to it.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/events")
            .service(handlers::list_events)
            .service(handlers::create_event)
            .service(handlers::get_event)
            .service(handlers::update_event)
            .service(handlers::archive_event)
            .service(handlers::create_pledge),
    );
}
