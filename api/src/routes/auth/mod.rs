//! Sign-in for people (e-mail and password) and for partner systems (client credentials),
//! sessions with rotating refresh tokens, and one's own account.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/auth")
            .service(handlers::login)
            .service(handlers::refresh_session)
            .service(handlers::logout)
            .service(handlers::get_me)
            .service(handlers::issue_client_token)
            .service(handlers::change_password),
    );
}
