//! Partners: the organisations the city works with.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/partners" =>
        handlers::{list_partners, create_partner, get_partner, update_partner, archive_partner,
            restore_partner, partner_history},
    ));
}
