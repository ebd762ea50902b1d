//! The benchmark's data set, written straight into a migrated database: 500 partners and N
//! projects over 20 years and both divisions, each with 1–3 domains, 1–2 communes, 1–4
//! participants, 0–10 funding lines, 1–20 timeline entries and the change-feed events those
//! writes would have produced. Deterministic for a given seed (a SplitMix64 generator).
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use entity::{
    change_event, funding_line, partner, project, project_commune, project_domain, project_participant,
    project_status_update,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Statement,
    TransactionTrait,
};
use uuid::Uuid;

/// A small, fast, reproducible pseudo-random generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low + 1) as u64;
        low + (self.next_u64() % span) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    /// One of `items`, chosen with the given weights.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.next_u64() % total;
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        &items[items.len() - 1].0
    }

    /// A UUID v7 stamped with `time`, as the API makes them (random bits from this generator).
    pub fn uuid_v7(&mut self, time: DateTime<Utc>) -> Uuid {
        let millis = time.timestamp_millis().max(0) as u64;
        let random = (u128::from(self.next_u64()) << 64 | u128::from(self.next_u64())).to_be_bytes();
        let mut bytes = [0u8; 10];
        bytes.copy_from_slice(&random[..10]);
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
    }
}

/// Domains, weighted: water, sanitation, health and education are the big ones in Bamako.
const DOMAINS: &[(&str, u64)] = &[
    ("water", 3),
    ("sanitation", 2),
    ("health", 2),
    ("education", 2),
    ("training", 1),
    ("administration", 1),
    ("solid_waste", 1),
    ("roads", 1),
    ("sport_culture", 1),
    ("youth_exchange", 1),
];
const DOMAIN_LABELS: &[(&str, &str)] = &[
    ("water", "Adduction d'eau potable"),
    ("sanitation", "Assainissement"),
    ("health", "Centre de santé"),
    ("education", "École"),
    ("training", "Formation des agents"),
    ("administration", "Modernisation de l'état civil"),
    ("solid_waste", "Collecte des déchets"),
    ("roads", "Réhabilitation de voirie"),
    ("sport_culture", "Centre culturel"),
    ("youth_exchange", "Échange de jeunes"),
];
const COMMUNES: &[&str] =
    &["commune_i", "commune_ii", "commune_iii", "commune_iv", "commune_v", "commune_vi", "district"];
const QUARTERS: &[&str] = &[
    "Bamako-Coura",
    "Badalabougou",
    "Hamdallaye",
    "Lafiabougou",
    "Magnambougou",
    "Niaréla",
    "Sogoniko",
    "Faladié",
    "Kalaban-Coura",
    "Djélibougou",
    "Banconi",
    "Sébénikoro",
];
const DIVISIONS: &[&str] = &["twinning", "decentralized_cooperation"];
const ROLES: &[&str] = &["funding", "accountable", "extending", "implementing"];
const PARTNER_KINDS: &[(&str, u64)] = &[
    ("city", 40),
    ("technical_financial_partner", 15),
    ("ngo", 20),
    ("international_organization", 10),
    ("local_government_network", 5),
    ("state_service", 5),
    ("private", 5),
];
const COUNTRIES: &[&str] = &["FR", "DE", "SN", "BF", "GN", "MA", "CN", "US", "BE", "CA", "IT", "ES", "TN", "CI", "NE"];
const FUNDING_KINDS: &[(&str, u64)] = &[("pledge", 2), ("commitment", 3), ("disbursement", 3), ("expenditure", 2)];

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counts {
    pub partners: usize,
    pub projects: usize,
    pub project_domains: usize,
    pub project_communes: usize,
    pub participants: usize,
    pub funding_lines: usize,
    pub status_updates: usize,
    pub change_events: usize,
    pub seconds: f64,
}

/// Projects written per transaction.
const BATCH: usize = 2_000;

/// Rows per INSERT: bounded by the number of bind parameters (SQLite allows 32,766).
fn chunk_rows(columns: usize) -> usize {
    (30_000 / columns).max(1)
}

async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>, columns: usize) -> Result<(), sea_orm::DbErr>
where
    A: ActiveModelTrait + Send,
{
    let size = chunk_rows(columns);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(size).collect();
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

fn day(time: DateTime<Utc>) -> NaiveDate {
    time.date_naive()
}

/// Writes the data set. `now` is the end of the 20 years.
pub async fn generate(db: &DatabaseConnection, projects: usize, seed: u64) -> anyhow::Result<Counts> {
    let started = Instant::now();
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Sqlite {
        // Loading only: the server reopens the file with its own (durable) settings.
        db.execute_unprepared("PRAGMA synchronous = OFF").await?;
    } else {
        db.execute_unprepared("SET synchronous_commit = off").await?;
    }
    let mut rng = Rng::new(seed);
    let now = Utc::now();
    let start = now - Duration::days(365 * 20);
    let span_secs = (now - start).num_seconds() - 86_400;
    let mut counts = Counts::default();

    // Partners, created over the first years.
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
    counts.partners = partner_rows.len();
    let txn = db.begin().await?;
    insert_all(&txn, partner_rows, 21).await?;
    txn.commit().await?;

    // Project creation times, in order, so that ids (UUID v7) grow with them as in real life.
    let mut times: Vec<i64> = (0..projects).map(|_| rng.range(0, span_secs)).collect();
    times.sort_unstable();
    for (batch_number, batch) in times.chunks(BATCH).enumerate() {
        let mut p_rows = Vec::with_capacity(batch.len());
        let mut d_rows = Vec::new();
        let mut c_rows = Vec::new();
        let mut pp_rows = Vec::new();
        let mut f_rows = Vec::new();
        let mut s_rows = Vec::new();
        let mut e_rows = Vec::new();
        for (offset, secs) in batch.iter().enumerate() {
            let n = batch_number * BATCH + offset;
            let created = start + Duration::seconds(*secs);
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
            p_rows.push(project::ActiveModel {
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
                d_rows.push(project_domain::ActiveModel { project_id: Set(id), domain_code: Set((*code).to_owned()) });
            }
            let first_commune = rng.range(0, COMMUNES.len() as i64 - 1) as usize;
            c_rows.push(project_commune::ActiveModel {
                project_id: Set(id),
                commune: Set(COMMUNES[first_commune].to_owned()),
            });
            if rng.chance(30) {
                let second = (first_commune + 1 + rng.range(0, COMMUNES.len() as i64 - 2) as usize) % COMMUNES.len();
                c_rows.push(project_commune::ActiveModel {
                    project_id: Set(id),
                    commune: Set(COMMUNES[second].to_owned()),
                });
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
                pp_rows.push(project_participant::ActiveModel {
                    project_id: Set(id),
                    partner_id: Set(partners[*member as usize]),
                    role: Set(role.to_owned()),
                });
            }
            // Change events, in the order the writes happened.
            let mut events: Vec<(DateTime<Utc>, &str, Option<Uuid>)> = vec![(created, "project.created", None)];
            // Funding lines: 0–10, from the participants.
            for _ in 0..rng.range(0, 10) {
                let when = created + Duration::seconds(rng.range(0, (updated - created).num_seconds().max(1)));
                let line_id = rng.uuid_v7(when);
                let funder = partners[*rng.pick(&members) as usize];
                let (amount, currency) = if rng.chance(15) {
                    (rng.range(1_000, 500_000) * 100, "EUR")
                } else {
                    (rng.range(1_000, 200_000) * 1_000, "XOF")
                };
                f_rows.push(funding_line::ActiveModel {
                    id: Set(line_id),
                    project_id: Set(id),
                    partner_id: Set(funder),
                    kind: Set((*rng.weighted(FUNDING_KINDS)).to_owned()),
                    amount_minor: Set(amount),
                    currency: Set(currency.to_owned()),
                    transaction_date: Set(day(when)),
                    reference: Set(Some(format!("CONV-{}-{n}", when.year()))),
                    note: Set(None),
                    is_public: Set(rng.chance(30)),
                    event_id: Set(None),
                    version: Set(1),
                    archived_at: Set(None),
                    created_at: Set(when),
                    updated_at: Set(when),
                });
                events.push((when, "project.funding_line_added", Some(line_id)));
            }
            // Timeline: 1–20 entries; the first records the project, the status moves are spread
            // over the life of the project, the others are progress reports; the last is at `updated`.
            let entries = (rng.range(1, 20) as usize).max(path.len());
            let mut moves = path.iter().skip(1).peekable();
            let mut previous_status = "pipeline";
            let mut reported = 0;
            for k in 0..entries {
                let when = if k == 0 {
                    created
                } else if k + 1 == entries {
                    updated
                } else {
                    created + (updated - created) * k as i32 / entries as i32
                };
                let remaining_entries = entries - k;
                let must_move = moves.len() >= remaining_entries;
                let (from_status, to_status, kind) = if k == 0 {
                    (None, Some("pipeline"), "project.created")
                } else if must_move || (moves.peek().is_some() && rng.chance(40)) {
                    let to = *moves.next().unwrap_or(&"implementation");
                    let from = previous_status;
                    previous_status = to;
                    (Some(from), Some(to), "project.status_changed")
                } else {
                    (None, None, "project.updated")
                };
                let entry_progress = if k + 1 == entries {
                    progress
                } else {
                    reported = (reported + rng.range(0, 15) as i32).min(progress);
                    reported
                };
                s_rows.push(project_status_update::ActiveModel {
                    id: Set(rng.uuid_v7(when)),
                    project_id: Set(id),
                    occurred_on: Set(day(when)),
                    from_status: Set(from_status.map(str::to_owned)),
                    to_status: Set(to_status.map(str::to_owned)),
                    progress: Set(Some(entry_progress)),
                    note: Set(if k == 0 {
                        "Projet enregistré.".to_owned()
                    } else {
                        format!("Point d'étape n° {k} : travaux en cours, réunion de suivi tenue avec les partenaires.")
                    }),
                    author_id: Set(None),
                    created_at: Set(when),
                });
                if k > 0 {
                    events.push((when, kind, None));
                }
            }
            events.sort_by_key(|(when, _, _)| *when);
            for (when, kind, line) in events {
                e_rows.push(change_event::ActiveModel {
                    seq: sea_orm::ActiveValue::NotSet,
                    txid: Set(0),
                    id: Set(rng.uuid_v7(when)),
                    kind: Set(kind.to_owned()),
                    project_id: Set(id),
                    funding_line_id: Set(line),
                    occurred_at: Set(when),
                });
            }
        }
        counts.projects += p_rows.len();
        counts.project_domains += d_rows.len();
        counts.project_communes += c_rows.len();
        counts.participants += pp_rows.len();
        counts.funding_lines += f_rows.len();
        counts.status_updates += s_rows.len();
        counts.change_events += e_rows.len();
        // One transaction per batch, as if each batch had been one import.
        let txn = db.begin().await?;
        insert_all(&txn, p_rows, 21).await?;
        insert_all(&txn, d_rows, 2).await?;
        insert_all(&txn, c_rows, 2).await?;
        insert_all(&txn, pp_rows, 3).await?;
        insert_all(&txn, f_rows, 15).await?;
        insert_all(&txn, s_rows, 9).await?;
        insert_all(&txn, e_rows, 6).await?;
        if backend == DatabaseBackend::Postgres {
            // The feed reads events in (writing transaction, sequence) order, as the API writes them.
            txn.execute_unprepared("UPDATE change_event SET txid = pg_current_xact_id()::text::bigint WHERE txid = 0")
                .await?;
        }
        txn.commit().await?;
        if projects >= 100_000 && (batch_number + 1) % 25 == 0 {
            eprintln!("  … {} projects written ({:.0} s)", counts.projects, started.elapsed().as_secs_f64());
        }
    }
    if backend == DatabaseBackend::Postgres {
        // What autovacuum does on its own within a minute: statistics and the visibility map.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    counts.seconds = started.elapsed().as_secs_f64();
    Ok(counts)
}

/// The row counts of a database generated earlier (`--database-url`).
pub async fn count(db: &DatabaseConnection) -> anyhow::Result<Counts> {
    let backend = db.get_database_backend();
    let mut numbers = Vec::new();
    for table in [
        "partner",
        "project",
        "project_domain",
        "project_commune",
        "project_participant",
        "funding_line",
        "project_status_update",
        "change_event",
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row =
            db.query_one_raw(Statement::from_string(backend, sql)).await?.ok_or_else(|| anyhow::anyhow!("no count"))?;
        numbers.push(row.try_get::<i64>("", "n")? as usize);
    }
    Ok(Counts {
        partners: numbers[0],
        projects: numbers[1],
        project_domains: numbers[2],
        project_communes: numbers[3],
        participants: numbers[4],
        funding_lines: numbers[5],
        status_updates: numbers[6],
        change_events: numbers[7],
        seconds: 0.0,
    })
}

/// A time as the API writes it in JSON (RFC 3339, UTC).
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A fixed instant, `years` before now.
pub fn years_ago(years: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(Utc::now().timestamp() - years * 365 * 86_400, 0).single().unwrap_or_else(Utc::now)
}
