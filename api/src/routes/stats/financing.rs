//! Financing report: the four flows in XOF by year and funder kind, and the classic PTFs' share.
use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use super::common::{AMOUNT_SUM, StatsQuery, amount_sum, date_column, division_value, rows};
use crate::{
    auth::{Authorized, policy::ReadStats},
    domain::{funding_lines::rates::Rates, partners::types::PartnerKind},
    error::ApiError,
    money::{self, FlowSums},
    state::AppState,
};

/// XOF sums of the four flows.
#[derive(Serialize, ToSchema, Default, Clone)]
pub struct XofFlows {
    pub pledged: String,
    pub committed: String,
    pub disbursed: String,
    pub spent: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearFinancing {
    pub year: i32,
    pub xof: XofFlows,
    /// The classic PTFs' share of what was committed that year ("0.4500"); `null` when nothing was.
    pub classic_ptf_share_of_commitments: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FunderKindFinancing {
    pub funder_kind: PartnerKind,
    pub xof: XofFlows,
}

/// Financing in XOF.
#[derive(Serialize, ToSchema)]
pub struct FinancingStats {
    /// Year by year: the trend of the classic PTFs' share is the seed's third challenge.
    pub by_year: Vec<YearFinancing>,
    pub by_funder_kind: Vec<FunderKindFinancing>,
    pub total: XofFlows,
    pub classic_ptf_share_of_commitments: Option<String>,
    pub classic_ptf_share_of_disbursements: Option<String>,
    /// Groups left out of the XOF sums for want of an exchange rate.
    pub unconverted_groups: i64,
}

fn flows(sums: &FlowSums) -> XofFlows {
    let [pledged, committed, disbursed, spent] = sums.formatted("XOF");
    XofFlows { pledged, committed, disbursed, spent }
}
/// Financing by year, by funder kind, and the share of classic PTFs
///
/// Live funding lines of live projects, summed by the database per day, kind, currency and funder
/// kind; each group converted to XOF at the rate of its day (EUR at 655.957) and rounded to the
/// franc once.
#[utoipa::path(tag = "stats", params(StatsQuery),
    responses((status = 200, description = "The financing", body = FinancingStats)))]
#[get("/financing")]
pub async fn financing_stats(
    _caller: Authorized<ReadStats>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.check()?;
    let start = NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or(NaiveDate::MIN);
    let end = NaiveDate::from_ymd_opt(to, 12, 31).unwrap_or(NaiveDate::MAX);
    let sql = format!(
        "SELECT f.transaction_date AS day, f.kind, f.currency, pa.kind AS funder_kind, pa.is_classic_ptf AS classic, {AMOUNT_SUM} \
        FROM funding_line f JOIN project p ON p.id = f.project_id JOIN partner pa ON pa.id = f.partner_id \
        WHERE f.archived_at IS NULL AND p.archived_at IS NULL AND (CAST(? AS TEXT) IS NULL OR p.division = ?) AND f.transaction_date BETWEEN ? AND ? \
        GROUP BY f.transaction_date, f.kind, f.currency, pa.kind, pa.is_classic_ptf"
    );
    let groups = rows(
        &state.db,
        &sql,
        vec![division_value(query.division), division_value(query.division), start.into(), end.into()],
    )
    .await?;
    let rates = Rates::load(&state.db).await?;
    let mut by_year: BTreeMap<i32, (FlowSums, FlowSums)> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, FlowSums> = BTreeMap::new();
    let (mut total, mut classic) = (FlowSums::default(), FlowSums::default());
    let mut unconverted = 0;
    for row in groups {
        let Some(day) = date_column(&row, "day") else { continue };
        let kind: String = row.try_get("", "kind")?;
        let currency: String = row.try_get("", "currency")?;
        let funder_kind: String = row.try_get("", "funder_kind")?;
        let is_classic: bool =
            row.try_get("", "classic").or_else(|_| row.try_get::<i64>("", "classic").map(|v| v != 0))?;
        let Some(xof) = rates.to_xof(amount_sum(&row)?, &currency, day) else {
            unconverted += 1;
            continue;
        };
        let year = by_year.entry(day.year()).or_default();
        year.0.add(&kind, xof);
        by_kind.entry(funder_kind).or_default().add(&kind, xof);
        total.add(&kind, xof);
        if is_classic {
            year.1.add(&kind, xof);
            classic.add(&kind, xof);
        }
    }
    Ok(HttpResponse::Ok().json(FinancingStats {
        by_year: by_year
            .into_iter()
            .map(|(year, (all, classic))| YearFinancing {
                year,
                xof: flows(&all),
                classic_ptf_share_of_commitments: money::share(classic.0[1], all.0[1]),
            })
            .collect(),
        by_funder_kind: by_kind
            .into_iter()
            .map(|(kind, sums)| {
                Ok(FunderKindFinancing { funder_kind: PartnerKind::from_stored(&kind)?, xof: flows(&sums) })
            })
            .collect::<Result<_, ApiError>>()?,
        total: flows(&total),
        classic_ptf_share_of_commitments: money::share(classic.0[1], total.0[1]),
        classic_ptf_share_of_disbursements: money::share(classic.0[2], total.0[2]),
        unconverted_groups: unconverted,
    }))
}
