//! The databases measured: a fresh one per backend (dropped afterwards), and raw reads of it.
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, Value};
use uuid::Uuid;

use crate::Options;

/// A fresh database: (URL, what to do to drop it).
pub async fn fresh_database(backend: &str, options: &Options) -> anyhow::Result<(String, Cleanup)> {
    match backend {
        "sqlite" => {
            let folder = std::env::temp_dir().join(format!("djcd-bench-{}", Uuid::new_v4().simple()));
            std::fs::create_dir_all(&folder)?;
            Ok((format!("sqlite://{}/djcd.db?mode=rwc", folder.display()), Cleanup::Folder(folder)))
        }
        "postgres" => {
            let admin_url = options
                .postgres_url
                .clone()
                .filter(|u| !u.is_empty())
                .ok_or_else(|| anyhow!("postgres needs TEST_DATABASE_URL (or --postgres-url)"))?;
            let admin = Database::connect(admin_url.as_str()).await?;
            let name = format!("djcd_bench_{}", Uuid::new_v4().simple());
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await.ok();
            let (base, query) = match admin_url.split_once('?') {
                Some((base, query)) => (base.to_owned(), format!("?{query}")),
                None => (admin_url.clone(), String::new()),
            };
            let server = base.rsplit_once('/').map_or(base.as_str(), |(server, _)| server).to_owned();
            Ok((format!("{server}/{name}{query}"), Cleanup::Postgres { admin_url, name }))
        }
        other => bail!("unknown backend {other}: use sqlite or postgres"),
    }
}

pub enum Cleanup {
    Folder(PathBuf),
    Postgres { admin_url: String, name: String },
    Nothing,
}

impl Cleanup {
    pub async fn run(self) {
        match self {
            Cleanup::Folder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    admin.close().await.ok();
                }
            }
            Cleanup::Nothing => {}
        }
    }
}

pub async fn scalar_i64(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .await?
        .ok_or_else(|| anyhow!("no row: {sql}"))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

pub async fn uuids(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> anyhow::Result<Vec<Uuid>> {
    let rows = db.query_all_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await?;
    rows.iter().map(|row| row.try_get_by_index::<Uuid>(0).map_err(Into::into)).collect()
}

/// Every `step`-th element, at most `count` of them.
pub fn spread<T: Clone>(items: &[T], count: usize) -> Vec<T> {
    if items.len() <= count {
        return items.to_vec();
    }
    let step = items.len() as f64 / count as f64;
    (0..count).map(|k| items[(k as f64 * step) as usize].clone()).collect()
}
