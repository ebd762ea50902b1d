//! Domain tags: the ten domains of cooperation of the seed, and any the director adds.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/domains" =>
        handlers::{list_domains, create_domain, get_domain, update_domain, delete_domain},
    ));
}
