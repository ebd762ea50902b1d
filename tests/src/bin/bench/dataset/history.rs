//! One project's history: its funding lines, its timeline, and the change-feed events of both.
use chrono::{DateTime, Datelike, Duration, Utc};
use entity::{change_event, funding_line, project_status_update};
use sea_orm::ActiveValue::Set;
use uuid::Uuid;

use super::{Rows, day, projects::Project, rng::Rng, vocabulary::FUNDING_KINDS};

/// Adds the history of `project` to `rows`, in the order the writes would have happened.
pub fn write(rng: &mut Rng, rows: &mut Rows, project: &Project, partners: &[Uuid]) {
    let Project { id, n, created, updated, progress, path, ref members } = *project;
    // Change events, in the order the writes happened.
    let mut events: Vec<(DateTime<Utc>, &str, Option<Uuid>)> = vec![(created, "project.created", None)];
    // Funding lines: 0–10, from the participants.
    for _ in 0..rng.range(0, 10) {
        let when = created + Duration::seconds(rng.range(0, (updated - created).num_seconds().max(1)));
        let line_id = rng.uuid_v7(when);
        let funder = partners[*rng.pick(members) as usize];
        let (amount, currency) = if rng.chance(15) {
            (rng.range(1_000, 500_000) * 100, "EUR")
        } else {
            (rng.range(1_000, 200_000) * 1_000, "XOF")
        };
        rows.f_rows.push(funding_line::ActiveModel {
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
        rows.s_rows.push(project_status_update::ActiveModel {
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
        rows.e_rows.push(change_event::ActiveModel {
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
