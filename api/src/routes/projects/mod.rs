//! Projects: what partner cities ask about and what the DJCD reports on. Their status follows the
//! IATI activity status codes; their timeline is append-only; their financing comes from funding
//! lines in any currency, totalled in XOF. The rules and writes live in `domain::projects`.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod financing;
pub mod handlers;
pub mod timeline;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/projects" =>
        handlers::{list_projects, create_project, get_project, update_project, archive_project,
            restore_project, project_history},
        timeline::{list_status_updates, create_status_update},
        financing::{get_financing, list_project_funding_lines, create_funding_line},
    ));
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
