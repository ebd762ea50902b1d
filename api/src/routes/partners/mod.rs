//! Partners: the organisations the city works with.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/partners")
            .service(handlers::list_partners)
            .service(handlers::create_partner)
            .service(handlers::get_partner)
            .service(handlers::update_partner)
            .service(handlers::archive_partner)
            .service(handlers::restore_partner)
            .service(handlers::partner_history),
    );
}
