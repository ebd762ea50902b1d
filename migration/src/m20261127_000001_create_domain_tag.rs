//! The ten domains of cooperation named by the seed document, with stable codes.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (code, French label, English label), in the seed's order.
const SEED_DOMAINS: [(&str, &str, &str); 10] = [
    ("training", "Formation et renforcement des capacités", "Training and capacity building"),
    (
        "administration",
        "Organisation administrative et amélioration des services",
        "Administrative organisation and service improvement",
    ),
    ("health", "Santé", "Health"),
    ("education", "Éducation", "Education"),
    ("solid_waste", "Gestion des déchets solides", "Solid waste management"),
    ("sanitation", "Assainissement", "Sanitation"),
    ("water", "Hydraulique", "Water supply"),
    ("roads", "Voirie", "Roads"),
    ("sport_culture", "Sport et culture", "Sport and culture"),
    ("youth_exchange", "Échange de jeunes", "Youth exchanges"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("domain_tag")
                    .col(string_len("code", 40).primary_key())
                    .col(string_len("label_fr", 200))
                    .col(string_len("label_en", 200))
                    .col(integer("position"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;

        let mut insert = Query::insert();
        insert.into_table("domain_tag").columns([
            "code",
            "label_fr",
            "label_en",
            "position",
            "version",
            "created_at",
            "updated_at",
        ]);
        for (position, (code, label_fr, label_en)) in SEED_DOMAINS.iter().enumerate() {
            insert.values_panic([
                (*code).into(),
                (*label_fr).into(),
                (*label_en).into(),
                (position as i32 + 1).into(),
                1.into(),
                Expr::current_timestamp(),
                Expr::current_timestamp(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("domain_tag").to_owned()).await
    }
}
