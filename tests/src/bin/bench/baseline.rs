//! The baseline: the smallest honest server for the same reads. actix-web and sqlx (through the
//! `sea_orm::sqlx` re-export), no authentication, no ORM, no middleware; the same SQL statements
//! as the API's handlers run (a page of projects, then its domains, communes, participants and
//! their partners in one query per table; for a partner, its funding lines, funders and rates).
//! The ratio API ÷ baseline is the cost of our own layers.
use std::collections::HashMap;

use actix_web::{App, HttpResponse, HttpServer, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::{
    self, AssertSqlSafe, PgPool, Row, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool, and `$sql` a function turning the
/// PostgreSQL placeholders (`$1`) into SQLite's (`?1`). The body is compiled once per backend.
macro_rules! on_pool {
    ($pool:expr, $p:ident, $sql:ident => $body:block) => {
        match $pool {
            Pool::Sqlite($p) => {
                let $sql = |text: &str| AssertSqlSafe(text.replace('$', "?"));
                $body
            }
            Pool::Postgres($p) => {
                let $sql = |text: &str| AssertSqlSafe(text.to_owned());
                $body
            }
        }
    };
}

const PROJECT_COLUMNS: &str = r#""project"."id", "project"."title", "project"."summary", "project"."internal_notes", "project"."agreement_id", "project"."division", "project"."agent_in_charge_id", "project"."planned_start", "project"."planned_end", "project"."actual_start", "project"."actual_end", "project"."start_year", "project"."progress", "project"."status", "project"."budget_minor", "project"."budget_currency", "project"."search_text", "project"."version", "project"."archived_at", "project"."created_at", "project"."updated_at""#;
const PARTNER_COLUMNS: &str = r#""partner"."id", "partner"."name", "partner"."short_name", "partner"."kind", "partner"."is_classic_ptf", "partner"."country", "partner"."locality", "partner"."website", "partner"."languages", "partner"."description", "partner"."latitude", "partner"."longitude", "partner"."contacts", "partner"."notes", "partner"."source", "partner"."search_text", "partner"."name_key", "partner"."version", "partner"."archived_at", "partner"."created_at", "partner"."updated_at""#;
const FUNDING_COLUMNS: &str = r#""funding_line"."id", "funding_line"."project_id", "funding_line"."partner_id", "funding_line"."kind", "funding_line"."amount_minor", "funding_line"."currency", "funding_line"."transaction_date", "funding_line"."reference", "funding_line"."note", "funding_line"."is_public", "funding_line"."event_id", "funding_line"."version", "funding_line"."archived_at", "funding_line"."created_at", "funding_line"."updated_at""#;

/// `$start, $start+1, …` for an `IN` list of `count` values.
fn placeholders(start: usize, count: usize) -> String {
    (start..start + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

fn list_sql() -> String {
    format!(
        r#"SELECT {PROJECT_COLUMNS} FROM "project" WHERE "project"."archived_at" IS NULL AND "project"."status" = $1 AND EXISTS(SELECT 1 FROM "project_domain" WHERE "project_domain"."project_id" = "project"."id" AND "project_domain"."domain_code" = $2) ORDER BY "created_at" DESC, "project"."id" DESC LIMIT $3"#
    )
}

fn one_sql() -> String {
    format!(r#"SELECT {PROJECT_COLUMNS} FROM "project" WHERE "project"."id" = $1 LIMIT $2"#)
}

fn partner_list_sql() -> String {
    format!(
        r#"SELECT {PROJECT_COLUMNS} FROM "project" WHERE "project"."archived_at" IS NULL AND "project"."id" IN (SELECT "project_id" FROM "project_participant" WHERE "project_participant"."partner_id" = $1) AND "project"."updated_at" >= $2 ORDER BY "updated_at" ASC, "project"."id" ASC LIMIT $3"#
    )
}

#[derive(Serialize)]
struct PartnerRef {
    id: Uuid,
    name: String,
    country: String,
    kind: String,
}

#[derive(Serialize)]
struct Participant {
    partner: PartnerRef,
    roles: Vec<String>,
}

#[derive(Serialize)]
struct Money {
    amount: String,
    currency: String,
}

#[derive(Serialize)]
struct Project {
    id: Uuid,
    title: String,
    summary: Option<String>,
    internal_notes: Option<String>,
    agreement_id: Option<Uuid>,
    division: String,
    agent_in_charge_id: Option<Uuid>,
    domains: Vec<String>,
    communes: Vec<String>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    actual_start: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
    progress: i32,
    status: String,
    budget: Option<Money>,
    participants: Vec<Participant>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct FundingLine {
    id: Uuid,
    funder: PartnerRef,
    kind: String,
    amount: Money,
    amount_xof: Option<String>,
    transaction_date: NaiveDate,
    reference: Option<String>,
}

/// A funding line as read: id, project, funder, kind, amount, currency, date, reference, public.
type LineRow = (Uuid, Uuid, Uuid, String, i64, String, NaiveDate, Option<String>, bool);

#[derive(Serialize)]
struct Totals {
    pledged: String,
    committed: String,
    disbursed: String,
    spent: String,
}

#[derive(Serialize)]
struct PartnerProject {
    id: Uuid,
    title: String,
    summary: Option<String>,
    status: String,
    progress: i32,
    domains: Vec<String>,
    communes: Vec<String>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    actual_start: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
    roles: Vec<String>,
    funding_lines: Vec<FundingLine>,
    totals_xof: Totals,
    updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

/// Reads a project row (every column, as the ORM does).
macro_rules! project_row {
    ($row:expr) => {{
        let row = $row;
        let budget_minor: Option<i64> = row.try_get("budget_minor")?;
        let budget_currency: Option<String> = row.try_get("budget_currency")?;
        let _search_text: String = row.try_get("search_text")?;
        let _version: i32 = row.try_get("version")?;
        let archived_at: Option<DateTime<Utc>> = row.try_get("archived_at")?;
        Project {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            summary: row.try_get("summary")?,
            internal_notes: row.try_get("internal_notes")?,
            agreement_id: row.try_get("agreement_id")?,
            division: row.try_get("division")?,
            agent_in_charge_id: row.try_get("agent_in_charge_id")?,
            domains: Vec::new(),
            communes: Vec::new(),
            planned_start: row.try_get("planned_start")?,
            planned_end: row.try_get("planned_end")?,
            actual_start: row.try_get("actual_start")?,
            actual_end: row.try_get("actual_end")?,
            progress: {
                let _start_year: i32 = row.try_get("start_year")?;
                row.try_get("progress")?
            },
            status: row.try_get("status")?,
            budget: match (budget_minor, budget_currency) {
                (Some(minor), Some(currency)) => {
                    Some(Money { amount: api::money::format_amount(minor, &currency), currency })
                }
                _ => None,
            },
            participants: Vec::new(),
            archived: archived_at.is_some(),
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        }
    }};
}

/// Reads the partners of `ids` (every column, as the ORM does).
macro_rules! partners_of {
    ($p:expr, $sql:expr, $ids:expr) => {{
        let ids: Vec<Uuid> = $ids;
        let mut partners: HashMap<Uuid, PartnerRef> = HashMap::new();
        if !ids.is_empty() {
            let text = format!(
                r#"SELECT {PARTNER_COLUMNS} FROM "partner" WHERE "partner"."id" IN ({})"#,
                placeholders(1, ids.len())
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            for row in query.fetch_all($p).await? {
                let partner = PartnerRef {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    country: row.try_get("country")?,
                    kind: row.try_get("kind")?,
                };
                partners.insert(partner.id, partner);
            }
        }
        partners
    }};
}

/// Fills in the domains, communes and participants of `projects`: one query per table.
macro_rules! with_links {
    ($p:expr, $sql:expr, $projects:expr) => {{
        let mut projects: Vec<Project> = $projects;
        if !projects.is_empty() {
            let ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
            let list = placeholders(1, ids.len());
            let mut domains: HashMap<Uuid, Vec<String>> = HashMap::new();
            let text = format!(
                r#"SELECT "project_domain"."project_id", "project_domain"."domain_code" FROM "project_domain" WHERE "project_domain"."project_id" IN ({list}) ORDER BY "project_domain"."domain_code" ASC"#
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            for row in query.fetch_all($p).await? {
                domains.entry(row.try_get("project_id")?).or_default().push(row.try_get("domain_code")?);
            }
            let mut communes: HashMap<Uuid, Vec<String>> = HashMap::new();
            let text = format!(
                r#"SELECT "project_commune"."project_id", "project_commune"."commune" FROM "project_commune" WHERE "project_commune"."project_id" IN ({list})"#
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            for row in query.fetch_all($p).await? {
                communes.entry(row.try_get("project_id")?).or_default().push(row.try_get("commune")?);
            }
            let text = format!(
                r#"SELECT "project_participant"."project_id", "project_participant"."partner_id", "project_participant"."role" FROM "project_participant" WHERE "project_participant"."project_id" IN ({list})"#
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            let mut roles: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
            let mut partner_ids = Vec::new();
            for row in query.fetch_all($p).await? {
                let partner: Uuid = row.try_get("partner_id")?;
                partner_ids.push(partner);
                roles.entry(row.try_get("project_id")?).or_default().push((partner, row.try_get("role")?));
            }
            partner_ids.sort();
            partner_ids.dedup();
            let partners = partners_of!($p, $sql, partner_ids);
            for project in &mut projects {
                project.domains = domains.remove(&project.id).unwrap_or_default();
                let mut communes = communes.remove(&project.id).unwrap_or_default();
                communes.sort();
                project.communes = communes;
                let mut by_partner: std::collections::BTreeMap<Uuid, Vec<String>> = Default::default();
                for (partner, role) in roles.remove(&project.id).unwrap_or_default() {
                    by_partner.entry(partner).or_default().push(role);
                }
                let mut participants: Vec<Participant> = by_partner
                    .into_iter()
                    .filter_map(|(id, mut roles)| {
                        roles.sort();
                        partners.get(&id).map(|p| Participant {
                            partner: PartnerRef {
                                id: p.id,
                                name: p.name.clone(),
                                country: p.country.clone(),
                                kind: p.kind.clone(),
                            },
                            roles,
                        })
                    })
                    .collect();
                participants.sort_by(|a, b| a.partner.name.cmp(&b.partner.name));
                project.participants = participants;
            }
        }
        projects
    }};
}

struct State {
    pool: Pool,
}

#[derive(Deserialize)]
struct ListQuery {
    domain: String,
    status: String,
    limit: Option<i64>,
}

#[derive(Deserialize)]
struct PartnerQuery {
    partner: Uuid,
    updated_since: DateTime<Utc>,
    limit: Option<i64>,
}

fn failed(error: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::InternalServerError().body(error.to_string())
}

#[get("/projects")]
async fn list_projects(state: web::Data<State>, query: web::Query<ListQuery>) -> HttpResponse {
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let result: Result<Page<Project>, sqlx::Error> = on_pool!(&state.pool, p, sql => {
        async {
            let rows = sqlx::query(sql(&list_sql()))
                .bind(query.status.clone())
                .bind(query.domain.clone())
                .bind(limit + 1)
                .fetch_all(p)
                .await?;
            let mut projects = Vec::with_capacity(rows.len());
            for row in &rows {
                projects.push(project_row!(row));
            }
            let more = projects.len() as i64 > limit;
            projects.truncate(limit as usize);
            let next_cursor = more.then(|| projects.last().map(|p| p.id.to_string())).flatten();
            Ok(Page { items: with_links!(p, sql, projects), next_cursor })
        }
        .await
    });
    match result {
        Ok(page) => HttpResponse::Ok().json(page),
        Err(error) => failed(error),
    }
}

#[get("/projects/{id}")]
async fn one_project(state: web::Data<State>, id: web::Path<Uuid>) -> HttpResponse {
    let result: Result<Option<Project>, sqlx::Error> = on_pool!(&state.pool, p, sql => {
        async {
            let row = sqlx::query(sql(&one_sql())).bind(*id).bind(1i64).fetch_optional(p).await?;
            match row {
                Some(row) => Ok(with_links!(p, sql, vec![project_row!(&row)]).pop()),
                None => Ok(None),
            }
        }
        .await
    });
    match result {
        Ok(Some(project)) => HttpResponse::Ok().json(project),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(error) => failed(error),
    }
}

#[get("/partner/projects")]
async fn partner_projects(state: web::Data<State>, query: web::Query<PartnerQuery>) -> HttpResponse {
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let partner = query.partner;
    let result: Result<Page<PartnerProject>, sqlx::Error> = on_pool!(&state.pool, p, sql => {
        async {
            let rows = sqlx::query(sql(&partner_list_sql()))
                .bind(partner)
                .bind(query.updated_since)
                .bind(limit + 1)
                .fetch_all(p)
                .await?;
            let mut projects = Vec::with_capacity(rows.len());
            for row in &rows {
                projects.push(project_row!(row));
            }
            let more = projects.len() as i64 > limit;
            projects.truncate(limit as usize);
            let next_cursor = more.then(|| projects.last().map(|p| p.id.to_string())).flatten();
            let projects = with_links!(p, sql, projects);
            let mut lines: Vec<LineRow> = Vec::new();
            if !projects.is_empty() {
                let text = format!(
                    r#"SELECT {FUNDING_COLUMNS} FROM "funding_line" WHERE "funding_line"."project_id" IN ({}) AND "funding_line"."archived_at" IS NULL ORDER BY "funding_line"."id" ASC"#,
                    placeholders(1, projects.len())
                );
                let mut query = sqlx::query(sql(&text));
                for project in &projects {
                    query = query.bind(project.id);
                }
                for row in query.fetch_all(p).await? {
                    let _note: Option<String> = row.try_get("note")?;
                    let _created: DateTime<Utc> = row.try_get("created_at")?;
                    lines.push((
                        row.try_get("id")?,
                        row.try_get("project_id")?,
                        row.try_get("partner_id")?,
                        row.try_get("kind")?,
                        row.try_get("amount_minor")?,
                        row.try_get("currency")?,
                        row.try_get("transaction_date")?,
                        row.try_get("reference")?,
                        row.try_get("is_public")?,
                    ));
                }
            }
            let mut funder_ids: Vec<Uuid> = lines.iter().map(|l| l.2).collect();
            funder_ids.sort();
            funder_ids.dedup();
            let funders = partners_of!(p, sql, funder_ids);
            let mut rates: HashMap<String, Vec<(NaiveDate, _)>> = HashMap::new();
            if !projects.is_empty() {
                let text = r#"SELECT "exchange_rate"."id", "exchange_rate"."currency", "exchange_rate"."rate_to_xof", "exchange_rate"."valid_from", "exchange_rate"."created_by", "exchange_rate"."created_at" FROM "exchange_rate" ORDER BY "exchange_rate"."valid_from" ASC"#;
                for row in sqlx::query(sql(text)).fetch_all(p).await? {
                    let rate: String = row.try_get("rate_to_xof")?;
                    if let Some(rate) = api::money::parse_rate(&rate) {
                        rates.entry(row.try_get("currency")?).or_default().push((row.try_get("valid_from")?, rate));
                    }
                }
            }
            let mut totals: HashMap<Uuid, [i128; 4]> = HashMap::new();
            let mut shown: HashMap<Uuid, Vec<FundingLine>> = HashMap::new();
            for (id, project, funder, kind, minor, currency, date, reference, public) in lines {
                // The API's rule: only the partner's own and public lines, in the lines and the totals.
                if funder != partner && !public {
                    continue;
                }
                let rate = rates.get(&currency).and_then(|list| list.iter().rev().find(|(from, _)| *from <= date)).map(|(_, r)| r);
                let xof = api::money::to_xof(minor, &currency, rate);
                let slot = match kind.as_str() {
                    "pledge" => 0,
                    "commitment" => 1,
                    "disbursement" => 2,
                    _ => 3,
                };
                if let Some(xof) = xof {
                    totals.entry(project).or_default()[slot] += xof;
                }
                if let Some(f) = funders.get(&funder) {
                    shown.entry(project).or_default().push(FundingLine {
                        id,
                        funder: PartnerRef { id: f.id, name: f.name.clone(), country: f.country.clone(), kind: f.kind.clone() },
                        kind,
                        amount: Money { amount: api::money::format_amount(minor, &currency), currency },
                        amount_xof: xof.map(|x| x.to_string()),
                        transaction_date: date,
                        reference,
                    });
                }
            }
            let items = projects
                .into_iter()
                .map(|project| {
                    let [pledged, committed, disbursed, spent] =
                        totals.get(&project.id).copied().unwrap_or_default().map(|x| x.to_string());
                    let roles = project
                        .participants
                        .iter()
                        .find(|p| p.partner.id == partner)
                        .map(|p| p.roles.clone())
                        .unwrap_or_default();
                    PartnerProject {
                        id: project.id,
                        title: project.title,
                        summary: project.summary,
                        status: project.status,
                        progress: project.progress,
                        domains: project.domains,
                        communes: project.communes,
                        planned_start: project.planned_start,
                        planned_end: project.planned_end,
                        actual_start: project.actual_start,
                        actual_end: project.actual_end,
                        roles,
                        funding_lines: shown.remove(&project.id).unwrap_or_default(),
                        totals_xof: Totals { pledged, committed, disbursed, spent },
                        updated_at: project.updated_at,
                    }
                })
                .collect();
            Ok(Page { items, next_cursor })
        }
        .await
    });
    match result {
        Ok(page) => HttpResponse::Ok().json(page),
        Err(error) => failed(error),
    }
}

#[get("/health")]
async fn health_check() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// Serves the baseline until killed. The pool has the API's default size (10) and, on SQLite,
/// the API's pragmas.
pub async fn serve(database_url: &str, bind: &str) -> anyhow::Result<()> {
    let pool = if database_url.starts_with("sqlite:") {
        let options: SqliteConnectOptions = database_url.parse()?;
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(std::time::Duration::from_secs(5))
            .foreign_keys(true);
        Pool::Sqlite(SqlitePoolOptions::new().max_connections(10).connect_with(options).await?)
    } else {
        Pool::Postgres(PgPoolOptions::new().max_connections(10).connect(database_url).await?)
    };
    let state = web::Data::new(State { pool });
    HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .service(list_projects)
            .service(one_project)
            .service(partner_projects)
            .service(health_check)
    })
    .bind(bind)?
    .run()
    .await?;
    Ok(())
}
