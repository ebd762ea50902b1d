//! The agreements of the seed document (twinnings, network memberships, cooperation conventions)
//! and their loading, each with its parties, its status move and its audit entry.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::agreement;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction};
use uuid::Uuid;

use super::SOURCE;
use crate::{
    domain::agreements::{
        store::{self as agreement_queries, record_move, write_fields as write_agreement},
        types::{AgreementFields, AgreementKind, AgreementStatus, CityRole},
    },
    error::ApiError,
    records::audit::{self, ChangeContext},
};

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

/// Inserts every agreement; `ids` are the partners' ids by seed key.
pub(super) async fn load(
    txn: &DatabaseTransaction,
    context: &ChangeContext,
    now: DateTime<Utc>,
    ids: &HashMap<&'static str, Uuid>,
) -> Result<(), ApiError> {
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
        model.insert(txn).await?;
        agreement_queries::set_links(txn, id, &fields.parties, &fields.domains).await?;
        record_move(txn, id, None, seed.status, "Chargé depuis le document source.", None).await?;
        let (_, response) = agreement_queries::find(txn, id).await?;
        audit::record::<(), _>(txn, context, "agreement", id, "create", None, Some(&response)).await?;
    }
    Ok(())
}
