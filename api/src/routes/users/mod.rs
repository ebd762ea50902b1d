//! The DJCD's people (`/users`) and partners' systems (`/machine-accounts`), managed by the
//! director. Accounts are never deleted: history points at them; they are deactivated.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;
pub mod machines;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/users" =>
        handlers::{list_users, create_user, get_user, update_user, deactivate_user, reset_user_password},
    ))
    .service(scope_with!("/machine-accounts" =>
        machines::{list_machine_accounts, create_machine_account, get_machine_account,
            rotate_machine_secret, deactivate_machine_account},
    ));
}
