//! The baseline: the smallest honest server for the same reads. actix-web and sqlx (through the
//! `sea_orm::sqlx` re-export), no authentication, no ORM, no middleware; the same SQL statements
//! as the API's handlers run (a page of projects, then its domains, communes, participants and
//! their partners in one query per table; for a partner, its funding lines, funders and rates).
//! The ratio API ÷ baseline is the cost of our own layers.

use actix_web::{App, HttpResponse, HttpServer, get, web};
use sea_orm::sqlx::{
    PgPool, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

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

mod json;
#[macro_use]
mod rows;
mod partner;
mod projects;

use partner::partner_projects;
use projects::{list_projects, one_project};

struct State {
    pool: Pool,
}

fn failed(error: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::InternalServerError().body(error.to_string())
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
