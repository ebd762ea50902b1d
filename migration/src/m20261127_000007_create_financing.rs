//! Funding lines of projects and the exchange rates the director maintains.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("funding_line")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(uuid("partner_id"))
                    .col(string_len("kind", 20))
                    // In the currency's minor unit: exact on both databases.
                    .col(big_integer("amount_minor"))
                    .col(string_len("currency", 3))
                    .col(date("transaction_date"))
                    .col(string_len_null("reference", 100))
                    .col(text_null("note"))
                    .col(boolean("is_public").default(false))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_funding_line_project")
                            .from("funding_line", "project_id")
                            .to("project", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_funding_line_partner")
                            .from("funding_line", "partner_id")
                            .to("partner", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_funding_line_project")
                    .table("funding_line")
                    .col("project_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_funding_line_partner").table("funding_line").col("partner_id").to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("exchange_rate")
                    .col(uuid("id").primary_key())
                    .col(string_len("currency", 3))
                    // How many XOF one unit of the currency is worth, as an exact decimal string.
                    .col(string_len("rate_to_xof", 40))
                    .col(date("valid_from"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_exchange_rate_currency_date")
                    .table("exchange_rate")
                    .col("currency")
                    .col("valid_from")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("exchange_rate").to_owned()).await?;
        manager.drop_table(Table::drop().table("funding_line").to_owned()).await
    }
}
