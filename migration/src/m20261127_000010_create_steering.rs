//! Steering: evaluations of agreements (with a cadence per agreement), events (round tables,
//! visits, exchanges, signings, assemblies) with their participants and links, and pledges linked
//! to the round table where they were announced.
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

fn link(
    table: &'static str,
    left: &'static str,
    left_table: &'static str,
    right: &'static str,
    right_table: &'static str,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(uuid(left))
        .col(uuid(right))
        .primary_key(Index::create().name(format!("pk_{table}")).col(left).col(right))
        .foreign_key(&mut fk(&format!("fk_{table}_{left}"), table, left, left_table, ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(&format!("fk_{table}_{right}"), table, right, right_table, ForeignKeyAction::Restrict))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("agreement").add_column(integer_null("evaluation_cadence_months")).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("evaluation")
                    .col(uuid("id").primary_key())
                    .col(uuid("agreement_id"))
                    .col(date("evaluated_on"))
                    .col(json("evaluators"))
                    .col(string_len("vitality", 20))
                    .col(integer("score_activity"))
                    .col(integer("score_results"))
                    .col(integer("score_financing"))
                    .col(integer("score_responsiveness"))
                    .col(text_null("findings"))
                    .col(text_null("recommendations"))
                    .col(json("priority_actions"))
                    .col(timestamp_with_time_zone_null("signed_off_at"))
                    .col(uuid_null("signed_off_by"))
                    .col(uuid_null("created_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_evaluation_agreement",
                        "evaluation",
                        "agreement_id",
                        "agreement",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_evaluation_agreement")
                    .table("evaluation")
                    .col("agreement_id")
                    .col("evaluated_on")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event")
                    .col(uuid("id").primary_key())
                    .col(string_len("kind", 30))
                    .col(string_len("title", 300))
                    .col(date("starts_on"))
                    .col(date_null("ends_on"))
                    .col(string_len_null("place", 200))
                    .col(uuid_null("organiser_partner_id"))
                    .col(text_null("minutes"))
                    .col(text_null("decisions"))
                    .col(text("search_text"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "fk_event_organiser",
                        "event",
                        "organiser_partner_id",
                        "partner",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ix_event_starts").table("event").col("starts_on").col("id").to_owned())
            .await?;
        manager.create_table(link("event_partner", "event_id", "event", "partner_id", "partner")).await?;
        manager.create_table(link("event_staff", "event_id", "event", "account_id", "account")).await?;
        manager.create_table(link("event_agreement", "event_id", "event", "agreement_id", "agreement")).await?;
        manager.create_table(link("event_project", "event_id", "event", "project_id", "project")).await?;
        manager.alter_table(Table::alter().table("funding_line").add_column(uuid_null("event_id")).to_owned()).await?;
        manager
            .create_index(
                Index::create().name("ix_funding_line_event").table("funding_line").col("event_id").to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_funding_line_event").table("funding_line").to_owned()).await?;
        manager.alter_table(Table::alter().table("funding_line").drop_column("event_id").to_owned()).await?;
        for table in ["event_project", "event_agreement", "event_staff", "event_partner", "event", "evaluation"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("agreement").drop_column("evaluation_cadence_months").to_owned()).await
    }
}
