//! The DJCD schema, one migration per change. A landed migration is never edited: add a new one.
pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_domain_tag;
mod m20261127_000002_create_partners;
mod m20261127_000003_create_accounts;
mod m20261127_000004_create_agreements;
mod m20261127_000005_create_audit_and_idempotency;
mod m20261127_000006_create_projects;
mod m20261127_000007_create_financing;
mod m20261127_000008_create_change_events;
mod m20261127_000009_create_webhooks;
mod m20261127_000010_create_steering;
mod m20261127_000011_index_change_event_by_project_position;
mod m20261203_000013_webhook_fairness;
mod m20261203_000015_audit_client_request_and_event_division;
mod m20261203_000016_code_checks;

/// The code columns and the codes the database accepts in each (for `api`'s consistency test).
pub use m20261203_000016_code_checks::CODE_COLUMNS;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_domain_tag::Migration),
            Box::new(m20261127_000002_create_partners::Migration),
            Box::new(m20261127_000003_create_accounts::Migration),
            Box::new(m20261127_000004_create_agreements::Migration),
            Box::new(m20261127_000005_create_audit_and_idempotency::Migration),
            Box::new(m20261127_000006_create_projects::Migration),
            Box::new(m20261127_000007_create_financing::Migration),
            Box::new(m20261127_000008_create_change_events::Migration),
            Box::new(m20261127_000009_create_webhooks::Migration),
            Box::new(m20261127_000010_create_steering::Migration),
            Box::new(m20261127_000011_index_change_event_by_project_position::Migration),
            Box::new(m20261203_000013_webhook_fairness::Migration),
            Box::new(m20261203_000015_audit_client_request_and_event_division::Migration),
            Box::new(m20261203_000016_code_checks::Migration),
        ]
    }
}
