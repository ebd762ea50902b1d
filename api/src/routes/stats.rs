//! The dashboard (`/api/v1/stats/…`): figures a director puts in front of the mayor, each
//! computed by the database (grouped queries; no route loads every row), each filtered by period
//! and division.
use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, Months, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Statement, Value};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::{scope, service_config::ServiceConfig};
use uuid::Uuid;

use crate::{
    auth::{Authorized, Division, policy::ReadStats},
    error::ApiError,
    money::{self, FlowSums},
    routes::funding_lines::rates::Rates,
    state::AppState,
    validate::check_param_range,
};

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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// From this year (agreements: signing year; projects: start year; financing: transaction year).
    #[param(minimum = 1900, maximum = 2100)]
    pub year_from: Option<i32>,
    #[param(minimum = 1900, maximum = 2100)]
    pub year_to: Option<i32>,
    pub division: Option<Division>,
}

impl StatsQuery {
    fn check(&self) -> Result<(i32, i32), ApiError> {
        check_param_range("year_from", self.year_from, 1900, 2100)?;
        check_param_range("year_to", self.year_to, 1900, 2100)?;
        Ok((self.year_from.unwrap_or(1900), self.year_to.unwrap_or(2100)))
    }
}

/// Runs a grouped query with `?` placeholders, numbered for the backend.
async fn rows(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, ApiError> {
    let backend = db.get_database_backend();
    let mut numbered = String::with_capacity(sql.len());
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            numbered.push_str(&if backend == DatabaseBackend::Postgres { format!("${n}") } else { format!("?{n}") });
        } else {
            numbered.push(c);
        }
    }
    Ok(db.query_all_raw(Statement::from_sql_and_values(backend, numbered, values)).await?)
}

fn division_value(division: Option<Division>) -> Value {
    Value::from(division.map(|d| d.as_str().to_owned()))
}

/// A count per group.
#[derive(Serialize, ToSchema)]
pub struct Count {
    /// The group's keys, e.g. `{"kind": "twinning", "status": "active"}`.
    pub key: BTreeMap<String, String>,
    pub count: i64,
}

fn counts(rows: Vec<QueryResult>, keys: &[&str]) -> Result<Vec<Count>, ApiError> {
    rows.into_iter()
        .map(|row| {
            let mut key = BTreeMap::new();
            for name in keys {
                let value: Option<String> = row.try_get("", name)?;
                key.insert((*name).to_owned(), value.unwrap_or_else(|| "unknown".into()));
            }
            Ok(Count { key, count: row.try_get("", "n")? })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(ApiError::from)
}

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
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsQuery),
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
    pub status: String,
    /// The latest project change, event or evaluation; absent when there never was any.
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
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(InactiveQuery),
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
                status: row.try_get("", "status")?,
                last_activity_on: last,
            });
        }
    }
    Ok(HttpResponse::Ok().json(InactiveList { months, items }))
}

/// A date (or the day of a timestamp) column, as either database returns it.
fn date_column(row: &QueryResult, name: &str) -> Option<NaiveDate> {
    if let Ok(date) = row.try_get::<Option<NaiveDate>>("", name) {
        return date;
    }
    if let Ok(time) = row.try_get::<Option<chrono::DateTime<Utc>>>("", name) {
        return time.map(|t| t.date_naive());
    }
    let text: Option<String> = row.try_get("", name).ok().flatten();
    text.and_then(|t| NaiveDate::parse_from_str(&t[..t.len().min(10)], "%Y-%m-%d").ok())
}

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
    pub status: String,
    pub projects: i64,
    /// Rounded to one decimal, as text.
    pub average: String,
}

const PROJECT_SCOPE: &str =
    "p.archived_at IS NULL AND (CAST(? AS TEXT) IS NULL OR p.division = ?) AND p.start_year BETWEEN ? AND ?";

/// Projects by status × domain, by commune, by division, and their progress
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsQuery),
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
    /// The classic PTFs' share of what was committed that year ("0.4500"); absent when nothing was.
    pub classic_ptf_share_of_commitments: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FunderKindFinancing {
    pub funder_kind: String,
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

/// The sum of a group's amounts, as two SQL sums that cannot overflow a `BIGINT` (SQLite fails on
/// an overflowing `SUM`, PostgreSQL on the cast back): the billions and the rest of each amount.
/// `amount_sum` puts them together in `i128`.
const AMOUNT_SUM: &str = "CAST(SUM(f.amount_minor / 1000000000) AS BIGINT) AS total_high, \
    CAST(SUM(f.amount_minor % 1000000000) AS BIGINT) AS total_low";

fn amount_sum(row: &QueryResult) -> Result<i128, ApiError> {
    let part = |name: &str| -> Result<i64, ApiError> { Ok(row.try_get::<Option<i64>>("", name)?.unwrap_or(0)) };
    Ok(i128::from(part("total_high")?) * 1_000_000_000 + i128::from(part("total_low")?))
}

/// Financing by year, by funder kind, and the share of classic PTFs
///
/// Live funding lines of live projects, summed by the database per day, kind, currency and funder
/// kind; each group converted to XOF at the rate of its day (EUR at 655.957) and rounded to the
/// franc once.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsQuery),
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
            .map(|(funder_kind, sums)| FunderKindFinancing { funder_kind, xof: flows(&sums) })
            .collect(),
        total: flows(&total),
        classic_ptf_share_of_commitments: money::share(classic.0[1], total.0[1]),
        classic_ptf_share_of_disbursements: money::share(classic.0[2], total.0[2]),
        unconverted_groups: unconverted,
    }))
}

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
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsQuery),
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

/// Partners on a map: a GeoJSON FeatureCollection
///
/// Every live partner with coordinates, as a Point ([longitude, latitude]) with its name, kind,
/// country and number of live agreements. With `division`, only partners party to an agreement of
/// that division.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsQuery),
    responses((status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object)))]
#[get("/partners.geojson")]
pub async fn partners_geojson(
    _caller: Authorized<ReadStats>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.check()?;
    let sql = "SELECT pa.id, pa.name, pa.kind, pa.country, pa.latitude, pa.longitude, \
        (SELECT COUNT(*) FROM agreement_party ap JOIN agreement a ON a.id = ap.agreement_id \
         WHERE ap.partner_id = pa.id AND a.archived_at IS NULL AND (CAST(? AS TEXT) IS NULL OR a.division = ?) \
         AND (CAST(? AS INTEGER) = 0 OR a.signed_year BETWEEN ? AND ?)) AS agreements \
        FROM partner pa WHERE pa.archived_at IS NULL AND pa.latitude IS NOT NULL AND pa.longitude IS NOT NULL ORDER BY pa.name";
    let period = i32::from(query.year_from.is_some() || query.year_to.is_some());
    let found = rows(
        &state.db,
        sql,
        vec![division_value(query.division), division_value(query.division), period.into(), from.into(), to.into()],
    )
    .await?;
    let mut features = Vec::new();
    for row in found {
        let agreements: i64 = row.try_get("", "agreements")?;
        if (query.division.is_some() || period == 1) && agreements == 0 {
            continue;
        }
        let id: Uuid = row.try_get("", "id")?;
        let latitude: f64 = row.try_get("", "latitude")?;
        let longitude: f64 = row.try_get("", "longitude")?;
        features.push(serde_json::json!({
            "type": "Feature",
            "id": id,
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "name": row.try_get::<String>("", "name")?,
                "kind": row.try_get::<String>("", "kind")?,
                "country": row.try_get::<String>("", "country")?,
                "agreements": agreements,
            }
        }));
    }
    let collection = serde_json::json!({"type": "FeatureCollection", "features": features});
    Ok(HttpResponse::Ok().content_type("application/geo+json").body(collection.to_string()))
}
