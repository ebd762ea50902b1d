//! Agreement reports: counts by kind, status, division and decade, and the inactive relations.
use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::{Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{Count, StatsQuery, counts, date_column, division_value, rows};
use crate::{
    auth::{Authorized, Division, policy::ReadStats},
    domain::agreements::types::AgreementStatus,
    error::ApiError,
    state::AppState,
    validate::check_param_range,
};

/// Agreements, counted.
#[derive(Serialize, ToSchema)]
pub struct AgreementStats {
    pub by_kind_and_status: Vec<Count>,
    pub by_division: Vec<Count>,
    /// By decade of signing (`1960s`…); `unknown` when the year is not known.
    pub by_decade: Vec<Count>,
}

/// With a period, agreements signed in it; without one, every agreement, the year known or not.
const AGREEMENT_SCOPE: &str = "a.archived_at IS NULL AND (CAST(? AS TEXT) IS NULL OR a.division = ?) \
    AND (CAST(? AS INTEGER) = 0 OR a.signed_year BETWEEN ? AND ?)";

/// Agreements by kind × status, by division and by decade of signing
#[utoipa::path(tag = "stats", params(StatsQuery),
    responses((status = 200, description = "The counts", body = AgreementStats)))]
#[get("/agreements")]
pub async fn agreement_stats(
    _caller: Authorized<ReadStats>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.check()?;
    let period = i32::from(query.year_from.is_some() || query.year_to.is_some());
    let scope =
        || vec![division_value(query.division), division_value(query.division), period.into(), from.into(), to.into()];
    let by_kind_and_status = counts(
        rows(&state.db, &format!("SELECT a.kind, a.status, COUNT(*) AS n FROM agreement a WHERE {AGREEMENT_SCOPE} GROUP BY a.kind, a.status ORDER BY a.kind, a.status"), scope()).await?,
        &["kind", "status"],
    )?;
    let by_division = counts(
        rows(&state.db, &format!("SELECT a.division, COUNT(*) AS n FROM agreement a WHERE {AGREEMENT_SCOPE} GROUP BY a.division ORDER BY a.division"), scope()).await?,
        &["division"],
    )?;
    let decade_rows = rows(
        &state.db,
        &format!("SELECT (a.signed_year / 10) * 10 AS decade, COUNT(*) AS n FROM agreement a WHERE {AGREEMENT_SCOPE} GROUP BY (a.signed_year / 10) * 10 ORDER BY 1"),
        scope(),
    )
    .await?;
    let mut by_decade = Vec::new();
    for row in decade_rows {
        let decade: Option<i64> = row
            .try_get("", "decade")
            .or_else(|_| row.try_get::<Option<i32>>("", "decade").map(|d| d.map(i64::from)))?;
        let label = decade.map_or_else(|| "unknown".to_owned(), |d| format!("{d}s"));
        by_decade.push(Count { key: BTreeMap::from([("decade".to_owned(), label)]), count: row.try_get("", "n")? });
    }
    Ok(HttpResponse::Ok().json(AgreementStats { by_kind_and_status, by_division, by_decade }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InactiveQuery {
    /// Months without a project change, an event or an evaluation.
    #[param(minimum = 1, maximum = 600, default = 24)]
    pub months: Option<i32>,
    pub division: Option<Division>,
}

/// A relation without activity.
#[derive(Serialize, ToSchema)]
pub struct InactiveAgreement {
    pub agreement_id: Uuid,
    pub title: String,
    pub status: AgreementStatus,
    /// The latest project change, event or evaluation; `null` when there never was any.
    pub last_activity_on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct InactiveList {
    pub months: i32,
    pub items: Vec<InactiveAgreement>,
}

/// Relations with no activity for N months
///
/// Agreements not ended with no project changed, no event and no evaluation for `months` months
/// (24 by default): the relations to revive.
#[utoipa::path(tag = "stats", params(InactiveQuery),
    responses((status = 200, description = "The inactive relations", body = InactiveList)))]
#[get("/agreements/inactive")]
pub async fn inactive_agreements(
    _caller: Authorized<ReadStats>,
    state: web::Data<AppState>,
    query: web::Query<InactiveQuery>,
) -> Result<HttpResponse, ApiError> {
    check_param_range("months", query.months, 1, 600)?;
    let months = query.months.unwrap_or(24);
    let cutoff = Utc::now()
        .date_naive()
        .checked_sub_months(Months::new(u32::try_from(months).unwrap_or(24)))
        .unwrap_or(NaiveDate::MIN);
    let sql = "SELECT a.id, a.title, a.status, \
        (SELECT MAX(p.updated_at) FROM project p WHERE p.agreement_id = a.id) AS last_project, \
        (SELECT MAX(e.starts_on) FROM event e JOIN event_agreement ea ON ea.event_id = e.id WHERE ea.agreement_id = a.id AND e.archived_at IS NULL) AS last_event, \
        (SELECT MAX(v.evaluated_on) FROM evaluation v WHERE v.agreement_id = a.id AND v.archived_at IS NULL) AS last_evaluation \
        FROM agreement a WHERE a.archived_at IS NULL AND a.status <> 'ended' AND (CAST(? AS TEXT) IS NULL OR a.division = ?) ORDER BY a.title";
    let found = rows(&state.db, sql, vec![division_value(query.division), division_value(query.division)]).await?;
    let mut items = Vec::new();
    for row in found {
        let dates: Vec<Option<NaiveDate>> =
            ["last_project", "last_event", "last_evaluation"].iter().map(|name| date_column(&row, name)).collect();
        let last = dates.into_iter().flatten().max();
        if last.is_none_or(|last| last < cutoff) {
            items.push(InactiveAgreement {
                agreement_id: row.try_get("", "id")?,
                title: row.try_get("", "title")?,
                status: AgreementStatus::from_stored(&row.try_get::<String>("", "status")?)?,
                last_activity_on: last,
            });
        }
    }
    Ok(HttpResponse::Ok().json(InactiveList { months, items }))
}
