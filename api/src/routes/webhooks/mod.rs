//! Webhook endpoints of partner systems, their deliveries, and manual redelivery.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/webhooks")
            .service(handlers::list_webhooks)
            .service(handlers::create_webhook)
            .service(handlers::get_webhook)
            .service(handlers::delete_webhook)
            .service(handlers::list_webhook_deliveries)
            .service(handlers::redeliver_webhook),
    );
}
