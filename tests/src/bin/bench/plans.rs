//! The plans of the statements under study, and their time when run alone.
use std::time::Instant;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait, Value};
use uuid::Uuid;

use crate::{databases::uuids, load::median, report::Plan};

pub fn p(backend: DatabaseBackend, n: usize) -> String {
    if backend == DatabaseBackend::Postgres { format!("${n}") } else { format!("?{n}") }
}

/// A bound parameter of a statement under study.
#[derive(Clone)]
pub enum Param {
    Text(&'static str),
    Uuid(Uuid),
    Time(DateTime<Utc>),
    Int(i64),
}

impl Param {
    fn value(&self) -> Value {
        match self {
            Param::Text(text) => (*text).into(),
            Param::Uuid(id) => (*id).into(),
            Param::Time(time) => (*time).into(),
            Param::Int(n) => (*n).into(),
        }
    }

    /// As a PostgreSQL literal, for `EXECUTE`.
    fn literal(&self) -> String {
        match self {
            Param::Text(text) => format!("'{}'", text.replace('\'', "''")),
            Param::Uuid(id) => format!("'{id}'"),
            Param::Time(time) => format!("'{}'", time.to_rfc3339()),
            Param::Int(n) => n.to_string(),
        }
    }
}

/// The plan of a statement and its time when run alone. On PostgreSQL, two plans: the custom one
/// (planned for these values) and the generic one, which a prepared statement (the API's
/// statements are prepared and cached per connection) switches to after five runs when the
/// planner expects it to cost no more.
pub async fn explain(db: &DatabaseConnection, name: &str, sql: String, params: Vec<Param>) -> anyhow::Result<Plan> {
    let backend = db.get_database_backend();
    let values: Vec<Value> = params.iter().map(Param::value).collect();
    // The statement alone, timed: prepared and run 20 times on one connection, as each of the
    // API's pooled connections runs it (so that PostgreSQL may switch to its generic plan).
    let mut times = Vec::new();
    let txn = db.begin().await?;
    for _ in 0..20 {
        let started = Instant::now();
        txn.query_all_raw(Statement::from_sql_and_values(backend, &sql, values.clone())).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    txn.rollback().await?;
    let plan = if backend == DatabaseBackend::Postgres {
        let lines = |rows: Vec<sea_orm::QueryResult>| {
            rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect::<Vec<_>>().join("\n")
        };
        let custom = lines(
            db.query_all_raw(Statement::from_sql_and_values(
                backend,
                format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"),
                values.clone(),
            ))
            .await?,
        );
        let txn = db.begin().await?;
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_generic_plan").await?;
        txn.execute_unprepared(&format!("PREPARE bench_plan AS {sql}")).await?;
        let arguments = params.iter().map(Param::literal).collect::<Vec<_>>().join(", ");
        let generic = lines(
            txn.query_all_raw(Statement::from_string(
                backend,
                format!("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_plan({arguments})"),
            ))
            .await?,
        );
        txn.execute_unprepared("DEALLOCATE bench_plan").await?;
        txn.rollback().await?;
        format!(
            "-- custom plan (these values)\n{custom}\n\n-- generic plan (a cached prepared statement after five runs)\n{generic}"
        )
    } else {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, format!("EXPLAIN QUERY PLAN {sql}"), values.clone()))
            .await?;
        rows.iter()
            .map(|r| {
                let parent: i64 = r.try_get_by_index(1).unwrap_or(0);
                let detail: String = r.try_get_by_index(3).unwrap_or_default();
                format!("{}{detail}", if parent == 0 { "" } else { "  " })
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok(Plan { name: name.to_owned(), sql, plan, median_ms: median(&mut times) })
}

pub const PROJECT_SELECT: &str = r#"SELECT "project"."id", "project"."title", "project"."summary", "project"."internal_notes", "project"."agreement_id", "project"."division", "project"."agent_in_charge_id", "project"."planned_start", "project"."planned_end", "project"."actual_start", "project"."actual_end", "project"."start_year", "project"."progress", "project"."status", "project"."budget_minor", "project"."budget_currency", "project"."search_text", "project"."version", "project"."archived_at", "project"."created_at", "project"."updated_at" FROM "project""#;

pub async fn plans(
    db: &DatabaseConnection,
    partner: Uuid,
    since: DateTime<Utc>,
    deep_cursor: Option<(DateTime<Utc>, Uuid)>,
    feed_after: (i64, i64),
) -> anyhow::Result<Vec<Plan>> {
    let b = db.get_database_backend();
    let list_where = format!(
        r#"WHERE "project"."archived_at" IS NULL AND "project"."status" = {} AND EXISTS(SELECT 1 FROM "project_domain" WHERE "project_domain"."project_id" = "project"."id" AND "project_domain"."domain_code" = {})"#,
        p(b, 1),
        p(b, 2)
    );
    let mut plans = vec![
        explain(
            db,
            "(a) list, page 1",
            format!(
                r#"{PROJECT_SELECT} {list_where} ORDER BY "created_at" DESC, "project"."id" DESC LIMIT {}"#,
                p(b, 3)
            ),
            vec![Param::Text("implementation"), Param::Text("water"), Param::Int(51)],
        )
        .await?,
    ];
    if let Some((created, id)) = deep_cursor {
        plans.push(
            explain(
                db,
                "(f) list, deep page by keyset",
                format!(
                    r#"{PROJECT_SELECT} {list_where} AND ("created_at", "project"."id") < ({}, {}) ORDER BY "created_at" DESC, "project"."id" DESC LIMIT {}"#,
                    p(b, 3),
                    p(b, 4),
                    p(b, 5)
                ),
                vec![
                    Param::Text("implementation"),
                    Param::Text("water"),
                    Param::Time(created),
                    Param::Uuid(id),
                    Param::Int(51),
                ],
            )
            .await?,
        );
    }
    plans.push(
        explain(
            db,
            "(b) one project",
            format!(r#"{PROJECT_SELECT} WHERE "project"."id" = {} LIMIT {}"#, p(b, 1), p(b, 2)),
            vec![
                Param::Uuid(
                    uuids(db, r#"SELECT "id" FROM "project" ORDER BY "id" LIMIT 1"#, vec![])
                        .await?
                        .first()
                        .copied()
                        .unwrap_or_default(),
                ),
                Param::Int(1),
            ],
        )
        .await?,
    );
    plans.push(
        explain(
            db,
            "(c) partner's projects updated since",
            format!(
                r#"{PROJECT_SELECT} WHERE "project"."archived_at" IS NULL AND "project"."id" IN (SELECT "project_id" FROM "project_participant" WHERE "project_participant"."partner_id" = {}) AND "project"."updated_at" >= {} ORDER BY "updated_at" ASC, "project"."id" ASC LIMIT {}"#,
                p(b, 1),
                p(b, 2),
                p(b, 3)
            ),
            vec![Param::Uuid(partner), Param::Time(since), Param::Int(51)],
        )
        .await?,
    );
    let postgres = b == DatabaseBackend::Postgres;
    let horizon = if postgres { " AND e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint" } else { "" };
    // As api/src/feed.rs writes it for each database.
    let (after, visibility) = if postgres {
        (
            format!("(e.txid, e.seq) > ({}, {})", p(b, 1), p(b, 2)),
            format!(
                " AND EXISTS (SELECT 1 FROM project_participant pp WHERE pp.project_id = e.project_id AND pp.partner_id = {p4}) \
                 AND (e.kind <> 'project.funding_line_added' OR EXISTS (SELECT 1 FROM funding_line f \
                 WHERE f.id = e.funding_line_id AND (f.partner_id = {p4} OR f.is_public = TRUE)))",
                p4 = p(b, 4)
            ),
        )
    } else {
        (
            format!("(e.txid > {p1} OR (e.txid = {p1} AND e.seq > {p2}))", p1 = p(b, 1), p2 = p(b, 2)),
            format!(
                " AND e.project_id IN (SELECT project_id FROM project_participant WHERE partner_id = {p4}) \
                 AND (e.kind <> 'project.funding_line_added' OR e.funding_line_id IN \
                 (SELECT id FROM funding_line WHERE partner_id = {p4} OR is_public = 1))",
                p4 = p(b, 4)
            ),
        )
    };
    plans.push(
        explain(
            db,
            "(d) change feed after the last cursor",
            format!(
                "SELECT e.txid, e.seq, e.id, e.kind, e.project_id, e.funding_line_id, e.occurred_at FROM change_event e \
                 WHERE {after}{horizon}{visibility} ORDER BY e.txid, e.seq LIMIT {p3}",
                p3 = p(b, 3),
            ),
            vec![Param::Int(feed_after.0), Param::Int(feed_after.1), Param::Int(51), Param::Uuid(partner)],
        )
        .await?,
    );
    Ok(plans)
}
