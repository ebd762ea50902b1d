//! One project's rows: the project (status, dates, budget), its domains, communes and participants.
use chrono::{DateTime, Datelike, Duration, Utc};
use entity::{project, project_commune, project_domain, project_participant};
use sea_orm::ActiveValue::Set;
use uuid::Uuid;

use super::{
    Rows, day,
    rng::Rng,
    vocabulary::{COMMUNES, DIVISIONS, DOMAIN_LABELS, DOMAINS, QUARTERS, ROLES},
};

/// What the project's history (`history::write`) builds on.
pub struct Project {
    pub id: Uuid,
    pub n: usize,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub progress: i32,
    /// The statuses that led to the current one.
    pub path: &'static [&'static str],
    /// The participants, as indexes into the partners; the first one funds.
    pub members: Vec<u16>,
}

/// Adds project number `n`, created at `created`, to `rows`.
pub fn write(
    rng: &mut Rng,
    rows: &mut Rows,
    n: usize,
    created: DateTime<Utc>,
    now: DateTime<Utc>,
    partners: &[Uuid],
) -> Project {
    let id = rng.uuid_v7(created);
    let age_years = (now - created).num_days() / 365;
    let status = *if age_years < 2 {
        rng.weighted(&[
            ("pipeline", 30),
            ("implementation", 55),
            ("finalisation", 5),
            ("suspended", 5),
            ("cancelled", 5),
        ])
    } else if age_years < 8 {
        rng.weighted(&[
            ("implementation", 35),
            ("finalisation", 15),
            ("closed", 35),
            ("suspended", 10),
            ("cancelled", 5),
        ])
    } else {
        rng.weighted(&[
            ("closed", 60),
            ("implementation", 20),
            ("cancelled", 10),
            ("finalisation", 5),
            ("suspended", 5),
        ])
    };
    // The path of statuses that led there.
    let path: &[&str] = match status {
        "pipeline" => &["pipeline"],
        "implementation" => &["pipeline", "implementation"],
        "finalisation" => &["pipeline", "implementation", "finalisation"],
        "closed" => &["pipeline", "implementation", "finalisation", "closed"],
        "suspended" => &["pipeline", "implementation", "suspended"],
        _ => &["pipeline", "cancelled"],
    };
    let progress = match status {
        "pipeline" => 0,
        "implementation" => rng.range(5, 90) as i32,
        "finalisation" => rng.range(90, 99) as i32,
        "closed" => 100,
        _ => rng.range(0, 60) as i32,
    };
    // The last change falls between creation and now (old projects settled long ago).
    let life = (now - created).num_seconds().max(60);
    let updated = created + Duration::seconds(rng.range(life / 20, life - 1).max(1));
    let planned_start = day(created) + Duration::days(rng.range(0, 180));
    let planned_end = planned_start + Duration::days(rng.range(365, 4 * 365));
    let actual_start = (status != "pipeline").then(|| planned_start + Duration::days(rng.range(0, 120)));
    let actual_end = (status == "closed").then(|| day(updated));
    let start_year = actual_start.unwrap_or(planned_start).year();
    // Domains: 1–3 distinct.
    let mut domains: Vec<&str> = Vec::with_capacity(3);
    for _ in 0..rng.range(1, 3) {
        let code = *rng.weighted(DOMAINS);
        if !domains.contains(&code) {
            domains.push(code);
        }
    }
    let label = DOMAIN_LABELS.iter().find(|(code, _)| *code == domains[0]).map_or("Projet", |(_, l)| *l);
    let quarter = *rng.pick(QUARTERS);
    let title = format!("{label} à {quarter} (n° {n})");
    let summary = format!(
        "Projet de coopération décentralisée mené avec les partenaires de la ville, lancé en {}.",
        created.year()
    );
    let (budget_minor, budget_currency) = match rng.range(0, 9) {
        0 | 1 => (None, None),
        2 => (Some(rng.range(10_000, 2_000_000) * 100), Some("EUR".to_owned())),
        _ => (Some(rng.range(5_000, 500_000) * 1_000), Some("XOF".to_owned())),
    };
    rows.p_rows.push(project::ActiveModel {
        id: Set(id),
        title: Set(title.clone()),
        summary: Set(Some(summary.clone())),
        internal_notes: Set(rng.chance(30).then(|| "Suivi interne : dossier complet.".to_owned())),
        agreement_id: Set(None),
        division: Set((*rng.pick(DIVISIONS)).to_owned()),
        agent_in_charge_id: Set(None),
        planned_start: Set(Some(planned_start)),
        planned_end: Set(Some(planned_end)),
        actual_start: Set(actual_start),
        actual_end: Set(actual_end),
        start_year: Set(start_year),
        progress: Set(progress),
        status: Set(status.to_owned()),
        budget_minor: Set(budget_minor),
        budget_currency: Set(budget_currency),
        search_text: Set(api::records::search::search_text([title.as_str(), summary.as_str()])),
        version: Set(path.len() as i32),
        archived_at: Set(None),
        created_at: Set(created),
        updated_at: Set(updated),
    });
    for code in &domains {
        rows.d_rows.push(project_domain::ActiveModel { project_id: Set(id), domain_code: Set((*code).to_owned()) });
    }
    let first_commune = rng.range(0, COMMUNES.len() as i64 - 1) as usize;
    rows.c_rows
        .push(project_commune::ActiveModel { project_id: Set(id), commune: Set(COMMUNES[first_commune].to_owned()) });
    if rng.chance(30) {
        let second = (first_commune + 1 + rng.range(0, COMMUNES.len() as i64 - 2) as usize) % COMMUNES.len();
        rows.c_rows
            .push(project_commune::ActiveModel { project_id: Set(id), commune: Set(COMMUNES[second].to_owned()) });
    }
    // Participants: 1–4 distinct partners, the first one funding.
    let mut members: Vec<u16> = Vec::with_capacity(4);
    for _ in 0..rng.range(1, 4) {
        let index = rng.range(0, partners.len() as i64 - 1) as u16;
        if !members.contains(&index) {
            members.push(index);
        }
    }
    for (k, member) in members.iter().enumerate() {
        let role = if k == 0 { "funding" } else { *rng.pick(ROLES) };
        rows.pp_rows.push(project_participant::ActiveModel {
            project_id: Set(id),
            partner_id: Set(partners[*member as usize]),
            role: Set(role.to_owned()),
        });
    }
    Project { id, n, created, updated, progress, path, members }
}
