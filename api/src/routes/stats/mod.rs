//! The dashboard (`/api/v1/stats/…`): figures a director puts in front of the mayor, each
//! computed by the database (grouped queries; no route loads every row), each filtered by period
//! and division.
use utoipa_actix_web::{scope, service_config::ServiceConfig};

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
    cfg.service(
        scope("/stats")
            .service(agreement_stats)
            .service(inactive_agreements)
            .service(project_stats)
            .service(financing_stats)
            .service(pledge_stats)
            .service(partners_geojson),
    );
}
