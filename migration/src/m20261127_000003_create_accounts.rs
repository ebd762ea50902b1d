//! Accounts (people and partner machines) and their refresh tokens.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("account")
                    .col(uuid("id").primary_key())
                    .col(string_len("kind", 16))
                    .col(string_len_null("email", 254))
                    .col(string_len("full_name", 200))
                    .col(string_len("role", 32))
                    .col(string_len_null("division", 40))
                    .col(uuid_null("partner_id"))
                    .col(text_null("password_hash"))
                    .col(string_len_null("client_id", 64))
                    .col(string_len_null("client_secret_hash", 128))
                    .col(boolean("is_active").default(true))
                    .col(integer("token_version").default(1))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_account_partner")
                            .from("account", "partner_id")
                            .to("partner", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ux_account_email").table("account").col("email").unique().to_owned())
            .await?;
        manager
            .create_index(
                Index::create().name("ux_account_client_id").table("account").col("client_id").unique().to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_token")
                    .col(uuid("id").primary_key())
                    .col(uuid("account_id"))
                    .col(uuid("family_id"))
                    .col(string_len("token_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_token_account")
                            .from("refresh_token", "account_id")
                            .to("account", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_refresh_token_hash")
                    .table("refresh_token")
                    .col("token_hash")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_refresh_token_family").table("refresh_token").col("family_id").to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("refresh_token").to_owned()).await?;
        manager.drop_table(Table::drop().table("account").to_owned()).await
    }
}
