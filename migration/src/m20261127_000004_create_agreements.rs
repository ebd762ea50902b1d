//! Agreements (twinnings, conventions, network memberships…), their parties, domains and the
//! history of their status.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from_table, from_col).to(to_table, "id").on_delete(on_delete).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("agreement")
                    .col(uuid("id").primary_key())
                    .col(string_len("kind", 40))
                    .col(string_len("title", 300))
                    .col(string_len("division", 40))
                    .col(string_len("status", 20))
                    .col(date_null("signed_on"))
                    .col(integer_null("signed_year"))
                    .col(date_null("effective_on"))
                    .col(date_null("ends_on"))
                    .col(uuid_null("aegis_partner_id"))
                    .col(json("city_roles"))
                    .col(text_null("summary"))
                    .col(uuid_null("agent_in_charge_id"))
                    .col(text_null("notes"))
                    .col(string_len_null("source", 200))
                    .col(text("search_text"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_agreement_aegis",
                        "agreement",
                        "aegis_partner_id",
                        "partner",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_agreement_agent",
                        "agreement",
                        "agent_in_charge_id",
                        "account",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_agreement_status", "status"),
            ("ix_agreement_kind", "kind"),
            ("ix_agreement_division", "division"),
            ("ix_agreement_year", "signed_year"),
        ] {
            manager.create_index(Index::create().name(name).table("agreement").col(column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("agreement_party")
                    .col(uuid("agreement_id"))
                    .col(uuid("partner_id"))
                    .primary_key(Index::create().name("pk_agreement_party").col("agreement_id").col("partner_id"))
                    .foreign_key(&mut fk(
                        "fk_agreement_party_agreement",
                        "agreement_party",
                        "agreement_id",
                        "agreement",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_agreement_party_partner",
                        "agreement_party",
                        "partner_id",
                        "partner",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_agreement_party_partner")
                    .table("agreement_party")
                    .col("partner_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("agreement_domain")
                    .col(uuid("agreement_id"))
                    .col(string_len("domain_code", 40))
                    .primary_key(Index::create().name("pk_agreement_domain").col("agreement_id").col("domain_code"))
                    .foreign_key(&mut fk(
                        "fk_agreement_domain_agreement",
                        "agreement_domain",
                        "agreement_id",
                        "agreement",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agreement_domain_domain")
                            .from("agreement_domain", "domain_code")
                            .to("domain_tag", "code")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_agreement_domain_code")
                    .table("agreement_domain")
                    .col("domain_code")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("agreement_status_change")
                    .col(uuid("id").primary_key())
                    .col(uuid("agreement_id"))
                    .col(string_len_null("from_status", 20))
                    .col(string_len("to_status", 20))
                    .col(text("reason"))
                    .col(uuid_null("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(&mut fk(
                        "fk_status_change_agreement",
                        "agreement_status_change",
                        "agreement_id",
                        "agreement",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_status_change_account",
                        "agreement_status_change",
                        "changed_by",
                        "account",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_change_agreement")
                    .table("agreement_status_change")
                    .col("agreement_id")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["agreement_status_change", "agreement_domain", "agreement_party", "agreement"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
