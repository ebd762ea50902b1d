//! The staff directory (`/staff`): who works at the DJCD, readable by every member of the staff
//! (not by partners' systems) — name, role, division, whether active; the e-mail only for callers
//! who may manage users.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/staff" => handlers::{list_staff, get_staff_member}));
}
