//! The database connection: SQLite (embedded default) or PostgreSQL, with migrations applied.
use std::{path::Path, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, sqlx,
};

use crate::config::Settings;

/// Connects with the pool settings of `settings`. For SQLite, creates the file's folder and sets
/// the pragmas that make an acknowledged write durable: WAL journal, `synchronous=FULL`, a busy
/// timeout and foreign keys.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    if settings.is_sqlite() {
        create_sqlite_folder(&settings.database_url)?;
    }
    let mut options = ConnectOptions::new(settings.database_url.clone());
    options
        .max_connections(settings.db_pool_size)
        // The whole pool is opened here, on the main runtime, and kept open by the pool's own
        // maintenance task (also on the main runtime). A connection opened by a request lives on
        // its worker's runtime: on a graceful stop, idle workers end at once and take such
        // connections with them, and a worker still finishing a request can no longer open one
        // ("Tokio context is being shutdown"), so the request in flight answered 503 (the
        // reliability harness's graceful_stop saw it on PostgreSQL).
        .min_connections(settings.db_pool_size)
        .acquire_timeout(settings.db_acquire_timeout)
        .connect_timeout(settings.db_acquire_timeout)
        .idle_timeout(Duration::from_secs(300))
        .test_before_acquire(true)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        })
        // After a write fails on a full disk, SQLite may roll the transaction back by itself; SQLx's
        // own ROLLBACK then fails and it goes on counting the transaction as open, so the next
        // transactions on that connection became savepoints of one never committed: answered 2xx,
        // then lost when the connection closed (the reliability harness's disk-full fault saw it).
        // A connection SQLx counts inside a transaction is closed instead of being handed out.
        .map_sqlx_sqlite_before_acquire(|connection, _| {
            Box::pin(async move {
                use sqlx::Connection;
                if connection.is_in_transaction() {
                    tracing::warn!("a SQLite connection left inside a transaction is closed, not reused");
                    return Ok(false);
                }
                Ok(true)
            })
        });
    Database::connect(options).await
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so that two writers queue on the busy timeout instead of one failing when it
/// upgrades a read lock; PostgreSQL ignores the option.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Queues the transaction `db` behind any other holding the same `key` until it ends: for a rule
/// over several rows (the last director, a refresh-token family) that row locks cannot guard.
/// PostgreSQL takes a transaction-scoped advisory lock; SQLite needs nothing, its write
/// transactions (`begin_write`) are exclusive already.
pub async fn serialize_on(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

fn create_sqlite_folder(url: &str) -> Result<(), DbErr> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    match Path::new(path).parent() {
        Some(folder) if !folder.as_os_str().is_empty() => std::fs::create_dir_all(folder)
            .map_err(|error| DbErr::Custom(format!("cannot create the database folder {}: {error}", folder.display()))),
        _ => Ok(()),
    }
}

/// Connections open and idle in the pool, for the metrics.
pub fn pool_usage(db: &DatabaseConnection) -> Option<(u32, usize)> {
    use sea_orm::DatabaseConnectionType as Kind;
    match &db.inner {
        Kind::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            Some((pool.size(), pool.num_idle()))
        }
        Kind::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            Some((pool.size(), pool.num_idle()))
        }
        _ => None,
    }
}
