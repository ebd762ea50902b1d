//! The city's portfolio as the seed document describes it (`shared/seed/`: « Axe de coopération »,
//! DJCD, Mairie du District de Bamako), loaded once on a fresh database. Loading is idempotent and
//! never overwrites later edits: a `seed_run` row marks the data set as loaded, and is written in
//! the same transaction as the data.
//!
//! Where the document contradicts itself (Parakou and Fès are listed both as twinned and as in
//! gestation) there is one record per partner, and the ambiguity is noted in the records.
use chrono::Utc;
use entity::{agreement, partner, seed_run};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::{
    domain::{
        agreements::{
            store::{self as agreement_queries, record_move, write_fields as write_agreement},
            types::{AgreementFields, AgreementKind, AgreementStatus, CityRole},
        },
        partners::{
            store::{self as partner_queries, write_fields as write_partner},
            types::{PartnerFields, PartnerKind},
        },
    },
    error::ApiError,
    records::audit::{self, ChangeContext},
};

pub const PORTFOLIO: &str = "portfolio-2026-seed-document";
const SOURCE: &str = "Document « Axe de coopération », DJCD, Mairie du District de Bamako";

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

struct SeedAgreement {
    kind: AgreementKind,
    partner: &'static str,
    title: &'static str,
    year: Option<i32>,
    status: AgreementStatus,
    roles: &'static [(&'static str, &'static str, Option<i32>, Option<i32>)],
    notes: Option<&'static str>,
}

const fn twinning(partner: &'static str, title: &'static str, year: i32) -> SeedAgreement {
    SeedAgreement {
        kind: AgreementKind::Twinning,
        partner,
        title,
        year: Some(year),
        status: AgreementStatus::Active,
        roles: &[],
        notes: None,
    }
}

const fn in_gestation(partner: &'static str, title: &'static str) -> SeedAgreement {
    SeedAgreement {
        kind: AgreementKind::Twinning,
        partner,
        title,
        year: None,
        status: AgreementStatus::InGestation,
        roles: &[],
        notes: None,
    }
}

const fn membership(partner: &'static str, title: &'static str) -> SeedAgreement {
    SeedAgreement {
        kind: AgreementKind::NetworkMembership,
        partner,
        title,
        year: None,
        status: AgreementStatus::Active,
        roles: &[],
        notes: None,
    }
}

const fn convention(partner: &'static str, title: &'static str) -> SeedAgreement {
    SeedAgreement {
        kind: AgreementKind::CooperationConvention,
        partner,
        title,
        year: None,
        status: AgreementStatus::Active,
        roles: &[],
        notes: None,
    }
}

const FORTUNES: &str = "Le document source note que les jumelages « ont connu des fortunes diverses » : \
l'état présent de la relation est à établir par une évaluation.";
const AMBIGUOUS_AGREEMENT: &str = "Le document source cite aussi cette ville parmi les relations de jumelage en gestation : \
à vérifier (un seul accord est tenu).";

const AGREEMENTS: &[SeedAgreement] = &[
    twinning("leipzig", "Jumelage Bamako – Leipzig", 1966),
    twinning("dakar", "Jumelage Bamako – Dakar", 1973),
    twinning("angers", "Jumelage Bamako – Angers", 1974),
    twinning("ashgabat", "Jumelage Bamako – Achgabat", 1974),
    twinning("rochester", "Jumelage Bamako – Rochester", 1975),
    twinning("turin", "Jumelage Bamako – Turin", 1994),
    twinning("bobo", "Jumelage Bamako – Bobo-Dioulasso", 1994),
    twinning("meknes", "Jumelage Bamako – Meknès", 2010),
    SeedAgreement { notes: Some(AMBIGUOUS_AGREEMENT), ..twinning("parakou", "Jumelage Bamako – Parakou", 2010) },
    twinning("nouakchott", "Jumelage Bamako – Nouakchott", 2011),
    SeedAgreement { notes: Some(AMBIGUOUS_AGREEMENT), ..twinning("fes", "Jumelage Bamako – Fès", 2013) },
    twinning("conakry", "Jumelage Bamako – Conakry", 2016),
    in_gestation("niamey", "Projet de jumelage Bamako – Niamey"),
    in_gestation("libreville", "Projet de jumelage Bamako – Libreville"),
    in_gestation("sao_paulo", "Projet de jumelage Bamako – São Paulo"),
    in_gestation("banjul", "Projet de jumelage Bamako – Banjul"),
    in_gestation("cairo", "Projet de jumelage Bamako – Le Caire"),
    in_gestation("durban", "Projet de jumelage Bamako – Durban"),
    in_gestation("marseille", "Projet de jumelage Bamako – Marseille"),
    in_gestation("montreal", "Projet de jumelage Bamako – Montréal"),
    in_gestation("bonn", "Projet de jumelage Bamako – Bonn"),
    in_gestation("stuttgart", "Projet de jumelage Bamako – Stuttgart"),
    SeedAgreement {
        roles: &[
            ("founding_member", "Membre fondateur", None, None),
            ("secretary_general", "Secrétaire général", Some(2003), Some(2004)),
        ],
        ..membership("aimf", "Adhésion à l'AIMF")
    },
    membership("metropolis", "Adhésion à METROPOLIS"),
    membership("cglua", "Adhésion à CGLU Afrique"),
    membership("africites", "Adhésion à AFRICITES"),
    membership("afcd", "Adhésion à l'Association Francophone de Coopération Décentralisée"),
    membership("ovci", "Adhésion à l'Organisation des Villes et Capitales Islamiques"),
    SeedAgreement {
        status: AgreementStatus::Ended,
        notes: Some("Réseau dissous (document source)."),
        ..membership("vcp", "Adhésion à Villes Unies contre la Pauvreté")
    },
    convention("bordeaux", "Convention de coopération décentralisée Bamako – Bordeaux"),
    convention("lyon", "Convention de coopération décentralisée Bamako – Grand Lyon"),
    convention("strasbourg", "Convention de coopération décentralisée Bamako – Strasbourg"),
    convention("evry", "Convention de coopération décentralisée Bamako – Évry"),
    convention("ouagadougou", "Convention de coopération décentralisée Bamako – Ouagadougou"),
];

/// The FMCU merged into UCLG in 2004: twinnings signed before then are recorded under its aegis,
/// as the document says "for the most part" without naming them.
const AEGIS_BEFORE_YEAR: i32 = 2004;

/// Loads the portfolio unless it was loaded before. Returns whether it loaded now.
pub async fn load_portfolio(db: &DatabaseConnection) -> Result<bool, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    if seed_run::Entity::find_by_id(PORTFOLIO.to_owned()).one(&txn).await?.is_some() {
        txn.commit().await?;
        return Ok(false);
    }
    seed_run::ActiveModel { name: Set(PORTFOLIO.to_owned()), loaded_at: Set(Utc::now()) }.insert(&txn).await?;
    let context = ChangeContext::system();
    let now = Utc::now();
    let mut ids = std::collections::HashMap::new();
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
        model.insert(&txn).await?;
        let (_, response) = partner_queries::find(&txn, id).await?;
        audit::record::<(), _>(&txn, &context, "partner", id, "create", None, Some(&response)).await?;
        ids.insert(seed.key, id);
    }
    for seed in AGREEMENTS {
        let id = Uuid::now_v7();
        let party = ids[seed.partner];
        let aegis = (seed.kind == AgreementKind::Twinning && seed.year.is_some_and(|y| y < AEGIS_BEFORE_YEAR))
            .then(|| ids["fmcu"]);
        let notes = match (seed.kind, seed.status, seed.notes) {
            (_, _, Some(notes)) => Some(notes.to_owned()),
            (AgreementKind::Twinning, AgreementStatus::Active, None) => Some(FORTUNES.to_owned()),
            _ => None,
        };
        let fields = AgreementFields {
            title: seed.title.to_owned(),
            signed_on: None,
            signed_year: seed.year,
            effective_on: None,
            ends_on: None,
            aegis_partner_id: aegis,
            parties: vec![party],
            city_roles: seed
                .roles
                .iter()
                .map(|(role, label, from, to)| CityRole {
                    role: (*role).into(),
                    label: Some((*label).into()),
                    from_year: *from,
                    to_year: *to,
                })
                .collect(),
            domains: Vec::new(),
            summary: None,
            agent_in_charge_id: None,
            notes,
            evaluation_cadence_months: None,
        };
        let mut model = agreement::ActiveModel {
            id: Set(id),
            kind: Set(seed.kind.as_str().to_owned()),
            division: Set(seed.kind.division().as_str().to_owned()),
            status: Set(seed.status.as_str().to_owned()),
            source: Set(Some(SOURCE.to_owned())),
            version: Set(1),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        write_agreement(&mut model, &fields)?;
        model.insert(&txn).await?;
        agreement_queries::set_links(&txn, id, &fields.parties, &fields.domains).await?;
        record_move(&txn, id, None, seed.status, "Chargé depuis le document source.", None).await?;
        let (_, response) = agreement_queries::find(&txn, id).await?;
        audit::record::<(), _>(&txn, &context, "agreement", id, "create", None, Some(&response)).await?;
    }
    txn.commit().await?;
    Ok(true)
}
