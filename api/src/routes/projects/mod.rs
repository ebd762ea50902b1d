//! Projects: what partner cities ask about and what the DJCD reports on. Their status follows the
//! IATI activity status codes; their timeline is append-only; their financing comes from funding
//! lines in any currency, totalled in XOF. The rules and writes live in `domain::projects`.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod dto;
pub mod financing;
pub mod handlers;
pub mod timeline;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/projects")
            .service(handlers::list_projects)
            .service(handlers::create_project)
            .service(handlers::get_project)
            .service(handlers::update_project)
            .service(handlers::archive_project)
            .service(handlers::restore_project)
            .service(handlers::project_history)
            .service(timeline::list_status_updates)
            .service(timeline::create_status_update)
            .service(financing::get_financing)
            .service(financing::list_project_funding_lines)
            .service(financing::create_funding_line),
    );
}

#[cfg(test)]
mod tests {
    use crate::http::export::columns;

    #[test]
    fn a_project_export_has_its_budget_columns_and_its_participants_in_one() {
        let names: Vec<String> = columns::<super::dto::ProjectResponse>().into_iter().map(|c| c.name).collect();
        let at = |name: &str| names.iter().position(|n| n == name).unwrap_or_else(|| panic!("{name} in {names:?}"));
        assert!(at("id") < at("title") && at("budget.amount") + 1 == at("budget.currency"), "{names:?}");
        assert!(at("participants") > 0 && !names.iter().any(|n| n.starts_with("participants.")), "{names:?}");
        assert!(!names.contains(&"budget".to_owned()), "{names:?}");
    }
}
