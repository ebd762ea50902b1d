//! The change feed of projects: one row per event, written in the transaction of the change. It
//! is what partner systems poll and what webhooks deliver (the outbox).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("change_event")
                    .col(big_pk_auto("seq"))
                    // The writing transaction's id on PostgreSQL (0 on SQLite, where writers are
                    // serialised): readers only see events of transactions older than every
                    // transaction still running, so a cursor never skips a late commit.
                    .col(big_integer("txid").default(0))
                    .col(uuid("id"))
                    .col(string_len("kind", 40))
                    .col(uuid("project_id"))
                    .col(uuid_null("funding_line_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ux_change_event_id").table("change_event").col("id").unique().to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_change_event_order").table("change_event").col("txid").col("seq").to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_change_event_project")
                    .table("change_event")
                    .col("project_id")
                    .col("seq")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("change_event").to_owned()).await
    }
}
