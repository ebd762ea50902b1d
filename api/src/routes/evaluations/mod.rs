//! Periodic evaluations of agreements: "the present state of the relation", judged on a cadence,
//! signed off by the division head or the director, read-only after that.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_agreement_evaluations).service(handlers::create_evaluation).service(
        scope_with!("/evaluations" =>
            handlers::{list_due_evaluations, get_evaluation, update_evaluation, sign_off_evaluation},
        ),
    );
}
