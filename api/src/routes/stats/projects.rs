//! Project report: counts by status, domain, commune and division, and average progress.
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{Count, StatsQuery, counts, division_value, rows};
use crate::{
    auth::{Authorized, policy::ReadStats},
    domain::projects::types::ProjectStatus,
    error::ApiError,
    state::AppState,
};

/// Projects, counted.
#[derive(Serialize, ToSchema)]
pub struct ProjectStats {
    pub by_status_and_domain: Vec<Count>,
    pub by_commune: Vec<Count>,
    pub by_division: Vec<Count>,
    /// Average progress (%) per status, and of all projects (`status: all`).
    pub progress: Vec<AverageProgress>,
}

#[derive(Serialize, ToSchema)]
pub struct AverageProgress {
    /// A project status, or `all` for every project.
    #[schema(schema_with = progress_group)]
    pub status: String,
    pub projects: i64,
    /// Rounded to one decimal, as text.
    pub average: String,
}

/// The groups of `AverageProgress`: each project status, and `all`.
fn progress_group() -> utoipa::openapi::schema::Object {
    let codes = ProjectStatus::ALL.iter().map(|status| status.as_str()).chain(["all"]);
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(codes))
        .build()
}

const PROJECT_SCOPE: &str =
    "p.archived_at IS NULL AND (CAST(? AS TEXT) IS NULL OR p.division = ?) AND p.start_year BETWEEN ? AND ?";

/// Projects by status × domain, by commune, by division, and their progress
#[utoipa::path(tag = "stats", params(StatsQuery),
    responses((status = 200, description = "The counts", body = ProjectStats)))]
#[get("/projects")]
pub async fn project_stats(
    _caller: Authorized<ReadStats>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.check()?;
    let scope = || vec![division_value(query.division), division_value(query.division), from.into(), to.into()];
    let by_status_and_domain = counts(
        rows(&state.db, &format!("SELECT p.status, d.domain_code AS domain, COUNT(*) AS n FROM project p JOIN project_domain d ON d.project_id = p.id WHERE {PROJECT_SCOPE} GROUP BY p.status, d.domain_code ORDER BY p.status, d.domain_code"), scope()).await?,
        &["status", "domain"],
    )?;
    let by_commune = counts(
        rows(&state.db, &format!("SELECT c.commune, COUNT(*) AS n FROM project p JOIN project_commune c ON c.project_id = p.id WHERE {PROJECT_SCOPE} GROUP BY c.commune ORDER BY c.commune"), scope()).await?,
        &["commune"],
    )?;
    let by_division = counts(
        rows(&state.db, &format!("SELECT p.division, COUNT(*) AS n FROM project p WHERE {PROJECT_SCOPE} GROUP BY p.division ORDER BY p.division"), scope()).await?,
        &["division"],
    )?;
    let progress_rows = rows(
        &state.db,
        &format!("SELECT p.status, COUNT(*) AS n, CAST(SUM(p.progress) AS BIGINT) AS total FROM project p WHERE {PROJECT_SCOPE} GROUP BY p.status ORDER BY p.status"),
        scope(),
    )
    .await?;
    let mut progress = Vec::new();
    let (mut all_projects, mut all_total) = (0i64, 0i64);
    for row in progress_rows {
        let projects: i64 = row.try_get("", "n")?;
        let total: i64 = row.try_get::<Option<i64>>("", "total").ok().flatten().unwrap_or(0);
        all_projects += projects;
        all_total += total;
        progress.push(AverageProgress {
            status: row.try_get("", "status")?,
            projects,
            average: average(total, projects),
        });
    }
    progress.push(AverageProgress {
        status: "all".into(),
        projects: all_projects,
        average: average(all_total, all_projects),
    });
    Ok(HttpResponse::Ok().json(ProjectStats { by_status_and_domain, by_commune, by_division, progress }))
}

fn average(total: i64, count: i64) -> String {
    if count == 0 {
        return "0.0".into();
    }
    let tenths = (total * 10 * 2 + count) / (count * 2);
    format!("{}.{}", tenths / 10, tenths % 10)
}
