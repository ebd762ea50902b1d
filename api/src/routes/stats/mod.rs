//! The dashboard (`/api/v1/stats/…`): figures a director puts in front of the mayor, each
//! computed by the database (grouped queries; no route loads every row), each filtered by period
//! and division.
use utoipa_actix_web::service_config::ServiceConfig;

mod agreements;
mod common;
mod financing;
mod partners_map;
mod pledges;
mod projects;

pub use agreements::{AgreementStats, InactiveAgreement, InactiveList, InactiveQuery};
pub use common::{Count, StatsQuery};
pub use financing::{FinancingStats, FunderKindFinancing, XofFlows, YearFinancing};
pub use pledges::{PledgeFollowUp, PledgeStats};
pub use projects::{AverageProgress, ProjectStats};

use agreements::{agreement_stats, inactive_agreements};
use financing::financing_stats;
use partners_map::partners_geojson;
use pledges::pledge_stats;
use projects::project_stats;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/stats" =>
        self::{agreement_stats, inactive_agreements, project_stats, financing_stats, pledge_stats,
            partners_geojson},
    ));
}
