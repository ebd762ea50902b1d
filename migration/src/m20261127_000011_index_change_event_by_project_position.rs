//! A partner's change feed reads the events of its projects after a position (txid, seq): with
//! (project_id, txid, seq) the database can read each project's events from the cursor on, in feed
//! order, instead of walking the whole feed and probing every event. It replaces (project_id, seq),
//! which nothing else reads.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_change_event_project_position")
                    .table("change_event")
                    .col("project_id")
                    .col("txid")
                    .col("seq")
                    .to_owned(),
            )
            .await?;
        manager.drop_index(Index::drop().name("ix_change_event_project").table("change_event").to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_change_event_project")
                    .table("change_event")
                    .col("project_id")
                    .col("seq")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name("ix_change_event_project_position").table("change_event").to_owned())
            .await
    }
}
