//! Webhook endpoints of partner systems, their deliveries, and manual redelivery.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/webhooks" =>
        handlers::{list_webhooks, create_webhook, get_webhook, delete_webhook, list_webhook_deliveries,
            redeliver_webhook},
    ));
}
