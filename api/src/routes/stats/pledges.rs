//! Pledge report: round-table pledges followed to commitment and disbursement, per PTF.
use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::{AMOUNT_SUM, StatsQuery, amount_sum, date_column, division_value, rows};
use crate::{
    auth::{Authorized, policy::ReadStats},
    domain::funding_lines::rates::Rates,
    error::ApiError,
    money::{self, FlowSums},
    state::AppState,
};

/// What became of one PTF's round-table pledges.
#[derive(Serialize, ToSchema)]
pub struct PledgeFollowUp {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub is_classic_ptf: bool,
    /// Pledged at round tables, in XOF.
    pub pledged_xof: String,
    /// Committed and disbursed by the same partner on the same projects, in XOF.
    pub committed_xof: String,
    pub disbursed_xof: String,
    /// committed ÷ pledged ("0.7500"): the round table's real result.
    pub conversion_rate: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PledgeStats {
    pub items: Vec<PledgeFollowUp>,
}

/// Round-table pledges followed to commitment and disbursement, per PTF
#[utoipa::path(tag = "stats", params(StatsQuery),
    responses((status = 200, description = "The follow-up", body = PledgeStats)))]
#[get("/pledges")]
pub async fn pledge_stats(
    _caller: Authorized<ReadStats>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.check()?;
    let start = NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or(NaiveDate::MIN);
    let end = NaiveDate::from_ymd_opt(to, 12, 31).unwrap_or(NaiveDate::MAX);
    // The (partner, project) pairs of round-table pledges, and every live line of those pairs.
    let sql = format!(
        "SELECT f.partner_id, pa.name, pa.is_classic_ptf AS classic, f.kind, f.currency, f.transaction_date AS day, \
        {AMOUNT_SUM}, MAX(CASE WHEN f.event_id IS NULL THEN 0 ELSE 1 END) AS from_event \
        FROM funding_line f JOIN partner pa ON pa.id = f.partner_id JOIN project p ON p.id = f.project_id \
        WHERE f.archived_at IS NULL AND p.archived_at IS NULL AND (CAST(? AS TEXT) IS NULL OR p.division = ?) \
        AND EXISTS (SELECT 1 FROM funding_line q WHERE q.partner_id = f.partner_id AND q.project_id = f.project_id \
                    AND q.event_id IS NOT NULL AND q.archived_at IS NULL AND q.transaction_date BETWEEN ? AND ?) \
        AND (f.kind <> 'pledge' OR f.event_id IS NOT NULL) \
        GROUP BY f.partner_id, pa.name, pa.is_classic_ptf, f.kind, f.currency, f.transaction_date"
    );
    let groups = rows(
        &state.db,
        &sql,
        vec![division_value(query.division), division_value(query.division), start.into(), end.into()],
    )
    .await?;
    let rates = Rates::load(&state.db).await?;
    let mut partners: BTreeMap<Uuid, (String, bool, FlowSums)> = BTreeMap::new();
    for row in groups {
        let Some(day) = date_column(&row, "day") else { continue };
        let partner: Uuid = row.try_get("", "partner_id")?;
        let name: String = row.try_get("", "name")?;
        let is_classic: bool =
            row.try_get("", "classic").or_else(|_| row.try_get::<i64>("", "classic").map(|v| v != 0))?;
        let kind: String = row.try_get("", "kind")?;
        let currency: String = row.try_get("", "currency")?;
        if let Some(xof) = rates.to_xof(amount_sum(&row)?, &currency, day) {
            partners.entry(partner).or_insert_with(|| (name, is_classic, FlowSums::default())).2.add(&kind, xof);
        }
    }
    let items = partners
        .into_iter()
        .map(|(partner_id, (partner_name, is_classic_ptf, sums))| PledgeFollowUp {
            partner_id,
            partner_name,
            is_classic_ptf,
            pledged_xof: sums.0[0].to_string(),
            committed_xof: sums.0[1].to_string(),
            disbursed_xof: sums.0[2].to_string(),
            conversion_rate: money::share(sums.0[1], sums.0[0]),
        })
        .collect();
    Ok(HttpResponse::Ok().json(PledgeStats { items }))
}
