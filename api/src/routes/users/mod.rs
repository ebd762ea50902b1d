//! The DJCD's people (`/users`) and partners' systems (`/machine-accounts`), managed by the
//! director. Accounts are never deleted: history points at them; they are deactivated.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod handlers;
pub mod machines;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/users")
            .service(handlers::list_users)
            .service(handlers::create_user)
            .service(handlers::get_user)
            .service(handlers::update_user)
            .service(handlers::deactivate_user)
            .service(handlers::reset_user_password),
    )
    .service(
        scope("/machine-accounts")
            .service(machines::list_machine_accounts)
            .service(machines::create_machine_account)
            .service(machines::get_machine_account)
            .service(machines::rotate_machine_secret)
            .service(machines::deactivate_machine_account),
    );
}
