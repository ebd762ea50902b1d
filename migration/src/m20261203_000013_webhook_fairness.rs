//! Webhook fairness (issue #14, item 6): per endpoint, a lease (one delivery in flight, whichever
//! instance sends it), the count of consecutive failed attempts and the end of a pause (circuit
//! breaker); and an index to find an endpoint's oldest due delivery.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["lease_until", "paused_until", "consecutive_failures"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds only one at a time.
        for column in [
            timestamp_with_time_zone_null("lease_until"),
            timestamp_with_time_zone_null("paused_until"),
            integer("consecutive_failures").default(0).to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table("webhook_endpoint").add_column(&mut column).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_delivery_endpoint_due")
                    .table("webhook_delivery")
                    .col("endpoint_id")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_delivery_endpoint_due").table("webhook_delivery").to_owned()).await?;
        for column in COLUMNS {
            manager.alter_table(Table::alter().table("webhook_endpoint").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
