//! Performance properties a test can pin down: a list request runs the same number of SQL
//! statements whatever its page size (the related rows of a page are loaded in one query per
//! table, never one query per row).
//!
//! Statements are counted from the spans SeaORM opens around every statement it runs
//! (`query_all_raw`, `query_one_raw`, `execute_raw`, … at `trace` level), attributed to the HTTP
//! request whose `request` span (with the id sent in `X-Request-Id`) encloses them. The server runs
//! in this process, so a global `tracing` subscriber sees its worker threads.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use chrono::{Duration, Utc};
use entity::{project, project_commune, project_domain, project_participant};
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use tests::{TestApp, backend_test, read};
use tracing::{Level, Subscriber, field, span};
use tracing_subscriber::{
    Layer,
    filter::Targets,
    layer::{Context, SubscriberExt},
    registry::LookupSpan,
};
use uuid::Uuid;

type Counts = Arc<Mutex<HashMap<String, usize>>>;

/// The id of the request a `request` span serves.
struct RequestTag(String);

struct RequestIdVisitor(Option<String>);

impl field::Visit for RequestIdVisitor {
    fn record_str(&mut self, field: &field::Field, value: &str) {
        if field.name() == "request_id" {
            self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "request_id" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

/// Counts the statements run inside each request's span, by request id.
struct StatementCounter {
    counts: Counts,
}

/// SeaORM's spans around one statement: its `ConnectionTrait` methods, on a connection or in a
/// transaction (each statement goes through exactly one of them).
fn is_statement(metadata: &tracing::Metadata<'_>) -> bool {
    matches!(metadata.target(), "sea_orm::database::db_connection" | "sea_orm::database::transaction")
        && matches!(
            metadata.name(),
            "execute_raw" | "execute_unprepared" | "query_one_raw" | "query_all_raw" | "stream_raw"
        )
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for StatementCounter {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let metadata = span.metadata();
        if metadata.name() == "request" {
            let mut visitor = RequestIdVisitor(None);
            attrs.record(&mut visitor);
            if let Some(request_id) = visitor.0 {
                span.extensions_mut().insert(RequestTag(request_id));
            }
        } else if is_statement(metadata) {
            for ancestor in span.scope().skip(1) {
                if let Some(RequestTag(request_id)) = ancestor.extensions().get::<RequestTag>() {
                    *self.counts.lock().expect("lock").entry(request_id.clone()).or_default() += 1;
                    break;
                }
            }
        }
    }
}

/// The statement counts, once the counting subscriber is installed for the whole test process;
/// `None` when another global subscriber was installed first (`TEST_LOG`).
fn counter() -> Option<Counts> {
    static COUNTER: OnceLock<Option<Counts>> = OnceLock::new();
    COUNTER
        .get_or_init(|| {
            let counts = Counts::default();
            let filter = Targets::new()
                .with_target("sea_orm::database", Level::TRACE)
                .with_target("api::http::middleware", Level::INFO);
            let subscriber =
                tracing_subscriber::registry().with(StatementCounter { counts: counts.clone() }.with_filter(filter));
            tracing::subscriber::set_global_default(subscriber).ok().map(|()| counts)
        })
        .clone()
}

/// Writes `count` live projects straight into the database, each with two domains, a commune and
/// two participants (one of them `partner`).
async fn write_projects(app: &TestApp, count: usize, partner: Uuid, other: Uuid) {
    let now = Utc::now();
    let mut projects = Vec::new();
    let mut domains = Vec::new();
    let mut communes = Vec::new();
    let mut participants = Vec::new();
    for n in 0..count {
        let id = Uuid::now_v7();
        let created = now - Duration::minutes(n as i64);
        projects.push(project::ActiveModel {
            id: Set(id),
            title: Set(format!("Forage n° {n}")),
            summary: Set(Some("Un forage et deux bornes-fontaines.".into())),
            internal_notes: Set(None),
            agreement_id: Set(None),
            division: Set("decentralized_cooperation".into()),
            agent_in_charge_id: Set(None),
            planned_start: Set(None),
            planned_end: Set(None),
            actual_start: Set(None),
            actual_end: Set(None),
            start_year: Set(2026),
            progress: Set(10),
            status: Set("implementation".into()),
            budget_minor: Set(Some(1_000_000)),
            budget_currency: Set(Some("XOF".into())),
            search_text: Set(format!("forage n° {n}")),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
        });
        for code in ["water", "sanitation"] {
            domains.push(project_domain::ActiveModel { project_id: Set(id), domain_code: Set(code.into()) });
        }
        communes.push(project_commune::ActiveModel { project_id: Set(id), commune: Set("commune_v".into()) });
        for (member, role) in [(partner, "funding"), (other, "implementing")] {
            participants.push(project_participant::ActiveModel {
                project_id: Set(id),
                partner_id: Set(member),
                role: Set(role.into()),
            });
        }
    }
    project::Entity::insert_many(projects).exec_without_returning(&app.db).await.expect("projects");
    project_domain::Entity::insert_many(domains).exec_without_returning(&app.db).await.expect("domains");
    project_commune::Entity::insert_many(communes).exec_without_returning(&app.db).await.expect("communes");
    project_participant::Entity::insert_many(participants).exec_without_returning(&app.db).await.expect("participants");
}

/// Statements run by one GET, and the number of items it answered.
async fn statements_of(app: &TestApp, counts: &Counts, token: &str, path: &str) -> (usize, usize) {
    let request_id = format!("perf-{}", Uuid::new_v4().simple());
    let response = app
        .request_as(Some(token), Method::GET, path)
        .header("X-Request-Id", &request_id)
        .send()
        .await
        .expect("request sent");
    let (status, _, body) = read(response).await;
    assert_eq!(status, 200, "{} {path}: {body}", app.backend);
    let items = body["items"].as_array().map_or(0, Vec::len);
    let statements = counts.lock().expect("lock").get(&request_id).copied().unwrap_or(0);
    (statements, items)
}

async fn list_requests_run_as_many_statements_for_5_items_as_for_50(app: TestApp) {
    let Some(counts) = counter() else {
        eprintln!("skipped: another tracing subscriber is installed (TEST_LOG?), statements cannot be counted");
        return;
    };
    let partner: Uuid = app.create_partner("Ville de Ségou", "ML").await.parse().expect("a partner id");
    let other: Uuid = app.create_partner("Association Kalanso", "ML").await.parse().expect("a partner id");
    write_projects(&app, 60, partner, other).await;
    let partner_token = app.partner_token(&partner.to_string()).await;
    for (token, path) in [
        (&app.token, "/api/v1/projects?domain=water&status=implementation&limit={limit}"),
        (&app.token, "/api/v1/projects?limit={limit}"),
        (&partner_token, "/api/v1/partner/projects?limit={limit}"),
    ] {
        let (small, small_items) = statements_of(&app, &counts, token, &path.replace("{limit}", "5")).await;
        let (large, large_items) = statements_of(&app, &counts, token, &path.replace("{limit}", "50")).await;
        assert_eq!((small_items, large_items), (5, 50), "{} {path}: page sizes", app.backend);
        assert!(small > 0, "{} {path}: no statement was counted", app.backend);
        assert_eq!(small, large, "{} {path}: statements for 5 items vs 50 items", app.backend);
        println!("{} {path}: {small} statements per page of 5 or 50", app.backend);
    }
}
backend_test!(list_requests_run_as_many_statements_for_5_items_as_for_50);
