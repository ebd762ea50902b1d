//! Sign-in for people (e-mail and password) and for partner systems (client credentials),
//! sessions with rotating refresh tokens, and one's own account.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/auth" =>
        handlers::{login, refresh_session, logout, get_me, issue_client_token, change_password},
    ));
}
