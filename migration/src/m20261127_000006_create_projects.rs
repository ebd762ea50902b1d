//! Projects, their domains, communes and participants, and the timeline of their status.
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
                    .table("project")
                    .col(uuid("id").primary_key())
                    .col(string_len("title", 300))
                    .col(text_null("summary"))
                    .col(text_null("internal_notes"))
                    .col(uuid_null("agreement_id"))
                    .col(string_len("division", 40))
                    .col(uuid_null("agent_in_charge_id"))
                    .col(date_null("planned_start"))
                    .col(date_null("planned_end"))
                    .col(date_null("actual_start"))
                    .col(date_null("actual_end"))
                    // The year the project is filed under: actual start, else planned start, else creation.
                    .col(integer("start_year"))
                    .col(integer("progress").default(0))
                    .col(string_len("status", 20))
                    // Amounts are integers in the currency's minor unit (XOF has none, EUR cents):
                    // exact, and the same on SQLite and PostgreSQL.
                    .col(big_integer_null("budget_minor"))
                    .col(string_len_null("budget_currency", 3))
                    .col(text("search_text"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_project_agreement",
                        "project",
                        "agreement_id",
                        "agreement",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_project_agent",
                        "project",
                        "agent_in_charge_id",
                        "account",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_project_status_created", vec!["status", "created_at", "id"]),
            ("ix_project_created", vec!["created_at", "id"]),
            ("ix_project_updated", vec!["updated_at", "id"]),
            ("ix_project_division", vec!["division"]),
            ("ix_project_agreement", vec!["agreement_id"]),
            ("ix_project_start_year", vec!["start_year"]),
        ] {
            let mut index = Index::create().name(name).table("project").to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("project_domain")
                    .col(uuid("project_id"))
                    .col(string_len("domain_code", 40))
                    .primary_key(Index::create().name("pk_project_domain").col("project_id").col("domain_code"))
                    .foreign_key(&mut fk(
                        "fk_project_domain_project",
                        "project_domain",
                        "project_id",
                        "project",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_domain_domain")
                            .from("project_domain", "domain_code")
                            .to("domain_tag", "code")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_project_domain_code")
                    .table("project_domain")
                    .col("domain_code")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("project_commune")
                    .col(uuid("project_id"))
                    .col(string_len("commune", 20))
                    .primary_key(Index::create().name("pk_project_commune").col("project_id").col("commune"))
                    .foreign_key(&mut fk(
                        "fk_project_commune_project",
                        "project_commune",
                        "project_id",
                        "project",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_project_commune")
                    .table("project_commune")
                    .col("commune")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("project_participant")
                    .col(uuid("project_id"))
                    .col(uuid("partner_id"))
                    .col(string_len("role", 20))
                    .primary_key(
                        Index::create().name("pk_project_participant").col("project_id").col("partner_id").col("role"),
                    )
                    .foreign_key(&mut fk(
                        "fk_participant_project",
                        "project_participant",
                        "project_id",
                        "project",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_participant_partner",
                        "project_participant",
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
                    .name("ix_participant_partner")
                    .table("project_participant")
                    .col("partner_id")
                    .col("project_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("project_status_update")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(date("occurred_on"))
                    .col(string_len_null("from_status", 20))
                    .col(string_len_null("to_status", 20))
                    .col(integer_null("progress"))
                    .col(text("note"))
                    .col(uuid_null("author_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "fk_status_update_project",
                        "project_status_update",
                        "project_id",
                        "project",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_status_update_author",
                        "project_status_update",
                        "author_id",
                        "account",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_update_project")
                    .table("project_status_update")
                    .col("project_id")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["project_status_update", "project_participant", "project_commune", "project_domain", "project"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
