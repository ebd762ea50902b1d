//! The audit keeps the server's own request id (unique per request) and, beside it, the id the
//! client sent in `X-Request-Id` (which two requests may share). Events get the division that
//! writes them, as every other record has: existing events take the one division of the
//! agreements and projects they are linked to, and stay without one (director only) otherwise.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_event")
                    .add_column(ColumnDef::new("client_request_id").string_len(64).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table("event").add_column(ColumnDef::new("division").string_len(40).null()).to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE event SET division = (
                    SELECT CASE WHEN COUNT(DISTINCT d.division) = 1 THEN MIN(d.division) END FROM (
                        SELECT a.division FROM event_agreement ea JOIN agreement a ON a.id = ea.agreement_id WHERE ea.event_id = event.id
                        UNION SELECT p.division FROM event_project ep JOIN project p ON p.id = ep.project_id WHERE ep.event_id = event.id
                    ) d
                )",
            )
            .await?;
        manager.create_index(Index::create().name("ix_event_division").table("event").col("division").to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_event_division").table("event").to_owned()).await?;
        manager.alter_table(Table::alter().table("event").drop_column("division").to_owned()).await?;
        manager.alter_table(Table::alter().table("audit_event").drop_column("client_request_id").to_owned()).await
    }
}
