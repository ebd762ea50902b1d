//! Funding lines: pledges, commitments, disbursements and expenditures of partners to projects,
//! in any currency, exact to the minor unit.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;
pub mod rates;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/funding-lines")
            .service(handlers::list_funding_lines)
            .service(handlers::get_funding_line)
            .service(handlers::update_funding_line)
            .service(handlers::archive_funding_line)
            .service(handlers::restore_funding_line),
    )
    .service(scope("/exchange-rates").service(rates::list_exchange_rates).service(rates::create_exchange_rate));
}
