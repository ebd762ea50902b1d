//! The audit trail (every change, who, when, which request, before and after), the replay store
//! of `Idempotency-Key`, and the marker of seed data already loaded.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_event")
                    .col(uuid("id").primary_key())
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(uuid_null("actor_id"))
                    .col(string_len_null("request_id", 64))
                    .col(string_len("entity_type", 40))
                    .col(string_len("entity_id", 64))
                    .col(string_len("action", 40))
                    .col(json_null("before"))
                    .col(json_null("after"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_entity")
                    .table("audit_event")
                    .col("entity_type")
                    .col("entity_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("idempotency_key")
                    .col(string_len("scope", 64))
                    .col(string_len("key", 255))
                    .col(string_len("request_hash", 64))
                    .col(integer_null("status"))
                    .col(text_null("response_body"))
                    .col(json_null("response_headers"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .primary_key(Index::create().name("pk_idempotency_key").col("scope").col("key"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("seed_run")
                    .col(string_len("name", 100).primary_key())
                    .col(timestamp_with_time_zone("loaded_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["seed_run", "idempotency_key", "audit_event"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
