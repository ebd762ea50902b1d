//! The partners of the seed document (twinned cities and local-government networks) and their loading.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::partner;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction};
use uuid::Uuid;

use super::SOURCE;
use crate::{
    domain::partners::{
        store::{self as partner_queries, write_fields as write_partner},
        types::{PartnerFields, PartnerKind},
    },
    error::ApiError,
    records::audit::{self, ChangeContext},
};

struct SeedPartner {
    key: &'static str,
    name: &'static str,
    short_name: Option<&'static str>,
    kind: PartnerKind,
    country: &'static str,
    coordinates: Option<(f64, f64)>,
    languages: &'static [&'static str],
    notes: Option<&'static str>,
}

const fn city(
    key: &'static str,
    name: &'static str,
    country: &'static str,
    lat: f64,
    lon: f64,
    languages: &'static [&'static str],
) -> SeedPartner {
    SeedPartner {
        key,
        name,
        short_name: None,
        kind: PartnerKind::City,
        country,
        coordinates: Some((lat, lon)),
        languages,
        notes: None,
    }
}

const fn network(
    key: &'static str,
    name: &'static str,
    short: &'static str,
    country: &'static str,
    notes: Option<&'static str>,
) -> SeedPartner {
    SeedPartner {
        key,
        name,
        short_name: Some(short),
        kind: PartnerKind::LocalGovernmentNetwork,
        country,
        coordinates: None,
        languages: &["fr"],
        notes,
    }
}

const AMBIGUOUS: &str = "Le document source cite cette ville à la fois parmi les jumelages signés et parmi les relations en gestation ; \
un seul enregistrement est tenu, au statut signé, en attendant vérification.";
const SEAT_ASSUMED: &str = "Pays du siège, supposé : le document source ne le précise pas.";

const PARTNERS: &[SeedPartner] = &[
    city("leipzig", "Leipzig", "DE", 51.3397, 12.3731, &["de"]),
    city("dakar", "Dakar", "SN", 14.7167, -17.4677, &["fr"]),
    city("angers", "Angers", "FR", 47.4784, -0.5632, &["fr"]),
    city("ashgabat", "Achgabat", "TM", 37.9601, 58.3261, &["tk", "ru"]),
    city("rochester", "Rochester", "US", 43.1566, -77.6088, &["en"]),
    city("turin", "Turin", "IT", 45.0703, 7.6869, &["it"]),
    city("bobo", "Bobo-Dioulasso", "BF", 11.1771, -4.2979, &["fr"]),
    city("meknes", "Meknès", "MA", 33.8938, -5.5473, &["ar", "fr"]),
    SeedPartner { notes: Some(AMBIGUOUS), ..city("parakou", "Parakou", "BJ", 9.3372, 2.6303, &["fr"]) },
    city("nouakchott", "Nouakchott", "MR", 18.0735, -15.9582, &["ar", "fr"]),
    SeedPartner { notes: Some(AMBIGUOUS), ..city("fes", "Fès", "MA", 34.0181, -5.0078, &["ar", "fr"]) },
    city("conakry", "Conakry", "GN", 9.6412, -13.5784, &["fr"]),
    city("niamey", "Niamey", "NE", 13.5116, 2.1254, &["fr"]),
    city("libreville", "Libreville", "GA", 0.4162, 9.4673, &["fr"]),
    city("sao_paulo", "São Paulo", "BR", -23.5505, -46.6333, &["pt"]),
    city("banjul", "Banjul", "GM", 13.4549, -16.5790, &["en"]),
    city("cairo", "Le Caire", "EG", 30.0444, 31.2357, &["ar"]),
    city("durban", "Durban", "ZA", -29.8587, 31.0218, &["en", "zu"]),
    city("marseille", "Marseille", "FR", 43.2965, 5.3698, &["fr"]),
    city("montreal", "Montréal", "CA", 45.5017, -73.5673, &["fr", "en"]),
    city("bonn", "Bonn", "DE", 50.7374, 7.0982, &["de"]),
    city("stuttgart", "Stuttgart", "DE", 48.7758, 9.1829, &["de"]),
    city("bordeaux", "Bordeaux", "FR", 44.8378, -0.5792, &["fr"]),
    city("lyon", "Grand Lyon", "FR", 45.7640, 4.8357, &["fr"]),
    city("strasbourg", "Strasbourg", "FR", 48.5734, 7.7521, &["fr"]),
    city("evry", "Évry", "FR", 48.6238, 2.4296, &["fr"]),
    city("ouagadougou", "Ouagadougou", "BF", 12.3714, -1.5197, &["fr"]),
    network("aimf", "Association Internationale des Maires Francophones", "AIMF", "FR", None),
    network("metropolis", "METROPOLIS, Association mondiale des grandes métropoles", "METROPOLIS", "ES", None),
    network("cglua", "Cités et Gouvernements Locaux Unis d'Afrique", "CGLU Afrique", "MA", None),
    network("africites", "AFRICITES", "AFRICITES", "MA", Some(SEAT_ASSUMED)),
    network("afcd", "Association Francophone de Coopération Décentralisée", "AFCD", "FR", Some(SEAT_ASSUMED)),
    network("ovci", "Organisation des Villes et Capitales Islamiques", "OVCI", "SA", None),
    network("vcp", "Villes Unies contre la Pauvreté", "VCP", "CH", Some(SEAT_ASSUMED)),
    network(
        "fmcu",
        "Fédération Mondiale des Cités Unies",
        "FMCU",
        "FR",
        Some("Sous son égide furent signés la plupart des jumelages de Bamako ; fondue dans CGLU en 2004."),
    ),
];

/// Inserts every partner with its audit entry; returns their ids by seed key.
pub(super) async fn load(
    txn: &DatabaseTransaction,
    context: &ChangeContext,
    now: DateTime<Utc>,
) -> Result<HashMap<&'static str, Uuid>, ApiError> {
    let mut ids = HashMap::new();
    for seed in PARTNERS {
        let id = Uuid::now_v7();
        let fields = PartnerFields {
            name: seed.name.to_owned(),
            short_name: seed.short_name.map(str::to_owned),
            kind: seed.kind,
            is_classic_ptf: false,
            country: seed.country.to_owned(),
            locality: None,
            website: None,
            languages: seed.languages.iter().map(|l| (*l).to_owned()).collect(),
            description: None,
            latitude: seed.coordinates.map(|c| c.0),
            longitude: seed.coordinates.map(|c| c.1),
            contacts: Vec::new(),
            domains: Vec::new(),
            notes: seed.notes.map(str::to_owned),
        };
        let mut model = partner::ActiveModel {
            id: Set(id),
            source: Set(Some(SOURCE.to_owned())),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        write_partner(&mut model, &fields)?;
        model.insert(txn).await?;
        let (_, response) = partner_queries::find(txn, id).await?;
        audit::record::<(), _>(txn, context, "partner", id, "create", None, Some(&response)).await?;
        ids.insert(seed.key, id);
    }
    Ok(ids)
}
