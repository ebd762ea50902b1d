//! Webhook endpoints of partner systems, their deliveries (the outbox's second half: every
//! attempt's state is in the database, so deliveries survive a restart) and the worker's position
//! in the change feed.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhook_endpoint")
                    .col(uuid("id").primary_key())
                    .col(uuid("partner_id"))
                    .col(string_len("url", 500))
                    .col(json("events"))
                    .col(string_len("secret", 200))
                    .col(string_len("status", 20))
                    .col(uuid_null("created_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_partner")
                            .from("webhook_endpoint", "partner_id")
                            .to("partner", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_endpoint_partner")
                    .table("webhook_endpoint")
                    .col("partner_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_delivery")
                    .col(uuid("id").primary_key())
                    .col(uuid("endpoint_id"))
                    .col(uuid("event_id"))
                    .col(string_len("event_type", 40))
                    .col(text("payload"))
                    .col(integer("attempts").default(0))
                    .col(string_len("status", 20))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(integer_null("last_status"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_delivery_endpoint")
                            .from("webhook_delivery", "endpoint_id")
                            .to("webhook_endpoint", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_delivery_due")
                    .table("webhook_delivery")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_delivery_endpoint")
                    .table("webhook_delivery")
                    .col("endpoint_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("feed_cursor")
                    .col(string_len("name", 60).primary_key())
                    .col(big_integer("txid"))
                    .col(big_integer("seq"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["feed_cursor", "webhook_delivery", "webhook_endpoint"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
