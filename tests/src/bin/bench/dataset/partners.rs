//! The 500 partners, created over the first years of the 20.
use chrono::{DateTime, Datelike, Duration, Utc};
use entity::partner;
use sea_orm::{ActiveValue::Set, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::{
    insert_all,
    rng::Rng,
    vocabulary::{COUNTRIES, PARTNER_KINDS},
};

/// Writes the partners, in one transaction, and returns their ids.
pub async fn write(
    db: &DatabaseConnection,
    rng: &mut Rng,
    start: DateTime<Utc>,
    span_secs: i64,
) -> anyhow::Result<Vec<Uuid>> {
    let mut partners = Vec::with_capacity(500);
    let mut partner_rows = Vec::with_capacity(500);
    for n in 0..500 {
        let created = start + Duration::seconds(rng.range(0, span_secs / 4));
        let id = rng.uuid_v7(created);
        let kind = *rng.weighted(PARTNER_KINDS);
        let country = *rng.pick(COUNTRIES);
        let name = match kind {
            "city" => format!("Ville partenaire n° {n:03}"),
            "ngo" => format!("Association de solidarité n° {n:03}"),
            "technical_financial_partner" => format!("Agence de développement n° {n:03}"),
            _ => format!("Organisation partenaire n° {n:03}"),
        };
        let locality = format!("Localité {n:03}");
        partner_rows.push(partner::ActiveModel {
            id: Set(id),
            name: Set(name.clone()),
            short_name: Set(None),
            kind: Set(kind.to_owned()),
            is_classic_ptf: Set(kind == "technical_financial_partner" && rng.chance(50)),
            country: Set(country.to_owned()),
            locality: Set(Some(locality.clone())),
            website: Set(Some(format!("https://partenaire-{n:03}.example.org"))),
            languages: Set(serde_json::json!(["fr"])),
            description: Set(Some(format!("Partenaire de la ville de Bamako depuis {}.", created.year()))),
            latitude: Set(None),
            longitude: Set(None),
            contacts: Set(serde_json::json!([])),
            notes: Set(None),
            source: Set(Some("banc d'essai".to_owned())),
            search_text: Set(api::records::search::search_text([name.as_str(), &locality, country])),
            name_key: Set(api::records::search::normalize(&name)),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
        });
        partners.push(id);
    }
    let txn = db.begin().await?;
    insert_all(&txn, partner_rows, 21).await?;
    txn.commit().await?;
    Ok(partners)
}
