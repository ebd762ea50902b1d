//! Domain tags: the ten domains of cooperation of the seed, and any the director adds.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/domains")
            .service(handlers::list_domains)
            .service(handlers::create_domain)
            .service(handlers::get_domain)
            .service(handlers::update_domain)
            .service(handlers::delete_domain),
    );
}
