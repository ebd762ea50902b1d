//! One module per resource. `configure_v1` registers everything served under `/api/v1`.
use utoipa_actix_web::service_config::ServiceConfig;

/// `scope_with!("/partners" => handlers::{list_partners, get_partner}, timeline::{…})`: a scope
/// serving the handlers in the order given, which is the order routes are matched and documented.
macro_rules! scope_with {
    ($path:literal => $($module:ident::{ $($handler:ident),+ $(,)? }),+ $(,)?) => {
        utoipa_actix_web::scope($path)$($(.service($module::$handler))+)+
    };
}

pub mod agreements;
pub mod audit;
pub mod auth;
pub mod domains;
pub mod evaluations;
pub mod events;
pub mod funding_lines;
pub mod health;
pub mod iati;
pub mod partner_api;
pub mod partners;
pub mod projects;
pub mod staff;
pub mod stats;
pub mod users;
pub mod vocabularies;
pub mod webhooks;

/// Every route the server serves and documents: the probes and `/api/v1`.
pub fn configure_all(cfg: &mut ServiceConfig) {
    cfg.configure(health::routes).service(utoipa_actix_web::scope("/api/v1").configure(configure_v1));
}

/// Every resource of the API, relative to `/api/v1`.
pub fn configure_v1(cfg: &mut ServiceConfig) {
    cfg.configure(auth::routes)
        .configure(users::routes)
        .configure(staff::routes)
        .configure(partner_api::routes)
        .configure(webhooks::routes)
        .configure(iati::routes)
        .configure(evaluations::routes)
        .configure(events::routes)
        .configure(stats::routes)
        .configure(partners::routes)
        .configure(agreements::routes)
        .configure(projects::routes)
        .configure(funding_lines::routes)
        .configure(audit::routes)
        .configure(domains::routes)
        .configure(vocabularies::routes);
}
