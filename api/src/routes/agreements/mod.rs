//! Agreements: twinnings, cooperation conventions, network memberships, memoranda and financing
//! agreements, with the moves of their status.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/agreements" =>
        handlers::{list_agreements, create_agreement, get_agreement, update_agreement, archive_agreement,
            restore_agreement, agreement_history, change_agreement_status, list_agreement_status_changes},
    ));
}
