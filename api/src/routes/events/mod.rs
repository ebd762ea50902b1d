//! Events of the partnerships: round tables of technical and financial partners, delegation
//! visits, youth exchanges, signings, general assemblies — and the pledges announced at a round
//! table, recorded as `pledge` funding lines linked to it.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/events" =>
        handlers::{list_events, create_event, get_event, update_event, archive_event, create_pledge},
    ));
}
