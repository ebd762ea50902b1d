//! `GET /partner/projects`: the partner's page of scenario (c), with its funding lines and totals.
use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::{self, AssertSqlSafe, Row};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    FUNDING_COLUMNS, PARTNER_COLUMNS, Pool, State, failed,
    json::{FundingLine, LineRow, Money, Page, Participant, PartnerProject, PartnerRef, Project, Totals},
    partner_list_sql, placeholders,
};

#[derive(Deserialize)]
pub struct PartnerQuery {
    pub partner: Uuid,
    pub updated_since: DateTime<Utc>,
    pub limit: Option<i64>,
}

#[get("/partner/projects")]
pub async fn partner_projects(state: web::Data<State>, query: web::Query<PartnerQuery>) -> HttpResponse {
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let partner = query.partner;
    let result: Result<Page<PartnerProject>, sqlx::Error> = on_pool!(&state.pool, p, sql => {
        async {
            let rows = sqlx::query(sql(&partner_list_sql()))
                .bind(partner)
                .bind(query.updated_since)
                .bind(limit + 1)
                .fetch_all(p)
                .await?;
            let mut projects = Vec::with_capacity(rows.len());
            for row in &rows {
                projects.push(project_row!(row));
            }
            let more = projects.len() as i64 > limit;
            projects.truncate(limit as usize);
            let next_cursor = more.then(|| projects.last().map(|p| p.id.to_string())).flatten();
            let projects = with_links!(p, sql, projects);
            let mut lines: Vec<LineRow> = Vec::new();
            if !projects.is_empty() {
                let text = format!(
                    r#"SELECT {FUNDING_COLUMNS} FROM "funding_line" WHERE "funding_line"."project_id" IN ({}) AND "funding_line"."archived_at" IS NULL ORDER BY "funding_line"."id" ASC"#,
                    placeholders(1, projects.len())
                );
                let mut query = sqlx::query(sql(&text));
                for project in &projects {
                    query = query.bind(project.id);
                }
                for row in query.fetch_all(p).await? {
                    let _note: Option<String> = row.try_get("note")?;
                    let _created: DateTime<Utc> = row.try_get("created_at")?;
                    lines.push((
                        row.try_get("id")?,
                        row.try_get("project_id")?,
                        row.try_get("partner_id")?,
                        row.try_get("kind")?,
                        row.try_get("amount_minor")?,
                        row.try_get("currency")?,
                        row.try_get("transaction_date")?,
                        row.try_get("reference")?,
                        row.try_get("is_public")?,
                    ));
                }
            }
            let mut funder_ids: Vec<Uuid> = lines.iter().map(|l| l.2).collect();
            funder_ids.sort();
            funder_ids.dedup();
            let funders = partners_of!(p, sql, funder_ids);
            let mut rates: HashMap<String, Vec<(NaiveDate, _)>> = HashMap::new();
            if !projects.is_empty() {
                let text = r#"SELECT "exchange_rate"."id", "exchange_rate"."currency", "exchange_rate"."rate_to_xof", "exchange_rate"."valid_from", "exchange_rate"."created_by", "exchange_rate"."created_at" FROM "exchange_rate" ORDER BY "exchange_rate"."valid_from" ASC"#;
                for row in sqlx::query(sql(text)).fetch_all(p).await? {
                    let rate: String = row.try_get("rate_to_xof")?;
                    if let Some(rate) = api::money::parse_rate(&rate) {
                        rates.entry(row.try_get("currency")?).or_default().push((row.try_get("valid_from")?, rate));
                    }
                }
            }
            let mut totals: HashMap<Uuid, [i128; 4]> = HashMap::new();
            let mut shown: HashMap<Uuid, Vec<FundingLine>> = HashMap::new();
            for (id, project, funder, kind, minor, currency, date, reference, public) in lines {
                // The API's rule: only the partner's own and public lines, in the lines and the totals.
                if funder != partner && !public {
                    continue;
                }
                let rate = rates.get(&currency).and_then(|list| list.iter().rev().find(|(from, _)| *from <= date)).map(|(_, r)| r);
                let xof = api::money::to_xof(minor, &currency, rate);
                let slot = match kind.as_str() {
                    "pledge" => 0,
                    "commitment" => 1,
                    "disbursement" => 2,
                    _ => 3,
                };
                if let Some(xof) = xof {
                    totals.entry(project).or_default()[slot] += xof;
                }
                if let Some(f) = funders.get(&funder) {
                    shown.entry(project).or_default().push(FundingLine {
                        id,
                        funder: PartnerRef { id: f.id, name: f.name.clone(), country: f.country.clone(), kind: f.kind.clone() },
                        kind,
                        amount: Money { amount: api::money::format_amount(minor, &currency), currency },
                        amount_xof: xof.map(|x| x.to_string()),
                        transaction_date: date,
                        reference,
                    });
                }
            }
            let items = projects
                .into_iter()
                .map(|project| {
                    let [pledged, committed, disbursed, spent] =
                        totals.get(&project.id).copied().unwrap_or_default().map(|x| x.to_string());
                    let roles = project
                        .participants
                        .iter()
                        .find(|p| p.partner.id == partner)
                        .map(|p| p.roles.clone())
                        .unwrap_or_default();
                    PartnerProject {
                        id: project.id,
                        title: project.title,
                        summary: project.summary,
                        status: project.status,
                        progress: project.progress,
                        domains: project.domains,
                        communes: project.communes,
                        planned_start: project.planned_start,
                        planned_end: project.planned_end,
                        actual_start: project.actual_start,
                        actual_end: project.actual_end,
                        roles,
                        funding_lines: shown.remove(&project.id).unwrap_or_default(),
                        totals_xof: Totals { pledged, committed, disbursed, spent },
                        updated_at: project.updated_at,
                    }
                })
                .collect();
            Ok(Page { items, next_cursor })
        }
        .await
    });
    match result {
        Ok(page) => HttpResponse::Ok().json(page),
        Err(error) => failed(error),
    }
}
