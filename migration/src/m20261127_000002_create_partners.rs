//! Partners: the organisations the city works with, and the domains they work in.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("partner")
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 200))
                    .col(string_len_null("short_name", 60))
                    .col(string_len("kind", 40))
                    .col(boolean("is_classic_ptf").default(false))
                    .col(string_len("country", 2))
                    .col(string_len_null("locality", 200))
                    .col(string_len_null("website", 500))
                    .col(json("languages"))
                    .col(text_null("description"))
                    .col(double_null("latitude"))
                    .col(double_null("longitude"))
                    .col(json("contacts"))
                    .col(text_null("notes"))
                    .col(string_len_null("source", 200))
                    // Lower-case, accent-free copy of the searchable text, so that "fes" finds "Fès"
                    // in the same way on SQLite and PostgreSQL.
                    .col(text("search_text"))
                    // The normalised name, unique per country: the same partner cannot be created twice.
                    .col(string_len("name_key", 200))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_partner_name_country")
                    .table("partner")
                    .col("name_key")
                    .col("country")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("ix_partner_kind").table("partner").col("kind").to_owned()).await?;
        manager
            .create_index(Index::create().name("ix_partner_country").table("partner").col("country").to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("partner_domain")
                    .col(uuid("partner_id"))
                    .col(string_len("domain_code", 40))
                    .primary_key(Index::create().name("pk_partner_domain").col("partner_id").col("domain_code"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_partner_domain_partner")
                            .from("partner_domain", "partner_id")
                            .to("partner", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_partner_domain_domain")
                            .from("partner_domain", "domain_code")
                            .to("domain_tag", "code")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_partner_domain_code").table("partner_domain").col("domain_code").to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("partner_domain").to_owned()).await?;
        manager.drop_table(Table::drop().table("partner").to_owned()).await
    }
}
