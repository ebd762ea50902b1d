//! The database refuses unknown codes (issue #15): every column holding a code of a fixed list gets
//! a CHECK constraint on PostgreSQL; SQLite, which cannot add a constraint to an existing table,
//! gets the same check as a pair of triggers (before insert, before update of the column).
//!
//! The lists are copied here on purpose: a migration never changes once landed, so a later list
//! change is a later migration. `api`'s unit tests compare these lists with its code enums.
use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const AGREEMENT_STATUSES: &[&str] = &["in_gestation", "active", "dormant", "suspended", "ended"];
const PROJECT_STATUSES: &[&str] = &["pipeline", "implementation", "finalisation", "closed", "cancelled", "suspended"];
const DIVISIONS: &[&str] = &["twinning", "decentralized_cooperation"];

/// (table, column, allowed codes). NULL stays allowed where the column is nullable.
pub const CODE_COLUMNS: &[(&str, &str, &[&str])] = &[
    ("account", "kind", &["person", "machine"]),
    ("account", "role", &["director", "division_head", "agent", "partner"]),
    ("account", "division", DIVISIONS),
    (
        "partner",
        "kind",
        &[
            "city",
            "local_government_network",
            "technical_financial_partner",
            "international_organization",
            "ngo",
            "state_service",
            "private",
        ],
    ),
    (
        "agreement",
        "kind",
        &[
            "twinning",
            "cooperation_convention",
            "network_membership",
            "memorandum_of_understanding",
            "financing_agreement",
        ],
    ),
    ("agreement", "division", DIVISIONS),
    ("agreement", "status", AGREEMENT_STATUSES),
    ("agreement_status_change", "from_status", AGREEMENT_STATUSES),
    ("agreement_status_change", "to_status", AGREEMENT_STATUSES),
    ("project", "division", DIVISIONS),
    ("project", "status", PROJECT_STATUSES),
    ("project_status_update", "from_status", PROJECT_STATUSES),
    ("project_status_update", "to_status", PROJECT_STATUSES),
    ("project_participant", "role", &["funding", "accountable", "extending", "implementing"]),
    (
        "project_commune",
        "commune",
        &["commune_i", "commune_ii", "commune_iii", "commune_iv", "commune_v", "commune_vi", "district"],
    ),
    ("funding_line", "kind", &["pledge", "commitment", "disbursement", "expenditure"]),
    ("event", "kind", &["round_table", "delegation_visit", "youth_exchange", "signing", "general_assembly", "other"]),
    ("event", "division", DIVISIONS),
    ("evaluation", "vitality", &["strong", "steady", "weak", "dormant"]),
    (
        "change_event",
        "kind",
        &["project.created", "project.updated", "project.status_changed", "project.funding_line_added"],
    ),
    ("webhook_endpoint", "status", &["active", "failing", "paused"]),
    ("webhook_delivery", "status", &["pending", "delivered", "failed"]),
];

fn name(table: &str, column: &str) -> String {
    format!("ck_{table}_{column}_code")
}

fn list(codes: &[&str]) -> String {
    codes.iter().map(|code| format!("'{code}'")).collect::<Vec<_>>().join(", ")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for (table, column, codes) in CODE_COLUMNS {
            let name = name(table, column);
            let allowed = list(codes);
            match backend {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({allowed}))"
                    ))
                    .await?;
                }
                _ => {
                    let check = format!(
                        "WHEN NEW.{column} IS NOT NULL AND NEW.{column} NOT IN ({allowed}) \
                         BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
                    );
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name}_insert BEFORE INSERT ON {table} FOR EACH ROW {check}"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name}_update BEFORE UPDATE OF {column} ON {table} FOR EACH ROW {check}"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for (table, column, _) in CODE_COLUMNS {
            let name = name(table, column);
            match backend {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).await?;
                }
                _ => {
                    db.execute_unprepared(&format!("DROP TRIGGER {name}_insert")).await?;
                    db.execute_unprepared(&format!("DROP TRIGGER {name}_update")).await?;
                }
            }
        }
        Ok(())
    }
}
