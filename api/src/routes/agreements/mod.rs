//! Agreements: twinnings, cooperation conventions, network memberships, memoranda and financing
//! agreements, with the moves of their status.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/agreements")
            .service(handlers::list_agreements)
            .service(handlers::create_agreement)
            .service(handlers::get_agreement)
            .service(handlers::update_agreement)
            .service(handlers::archive_agreement)
            .service(handlers::restore_agreement)
            .service(handlers::agreement_history)
            .service(handlers::change_agreement_status)
            .service(handlers::list_agreement_status_changes),
    );
}
