//! Reading rows into the JSON shapes: a project, the partners of a list, a page's links.
/// Reads a project row (every column, as the ORM does).
macro_rules! project_row {
    ($row:expr) => {{
        let row = $row;
        let budget_minor: Option<i64> = row.try_get("budget_minor")?;
        let budget_currency: Option<String> = row.try_get("budget_currency")?;
        let _search_text: String = row.try_get("search_text")?;
        let _version: i32 = row.try_get("version")?;
        let archived_at: Option<DateTime<Utc>> = row.try_get("archived_at")?;
        Project {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            summary: row.try_get("summary")?,
            internal_notes: row.try_get("internal_notes")?,
            agreement_id: row.try_get("agreement_id")?,
            division: row.try_get("division")?,
            agent_in_charge_id: row.try_get("agent_in_charge_id")?,
            domains: Vec::new(),
            communes: Vec::new(),
            planned_start: row.try_get("planned_start")?,
            planned_end: row.try_get("planned_end")?,
            actual_start: row.try_get("actual_start")?,
            actual_end: row.try_get("actual_end")?,
            progress: {
                let _start_year: i32 = row.try_get("start_year")?;
                row.try_get("progress")?
            },
            status: row.try_get("status")?,
            budget: match (budget_minor, budget_currency) {
                (Some(minor), Some(currency)) => {
                    Some(Money { amount: api::money::format_amount(minor, &currency), currency })
                }
                _ => None,
            },
            participants: Vec::new(),
            archived: archived_at.is_some(),
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        }
    }};
}

/// Reads the partners of `ids` (every column, as the ORM does).
macro_rules! partners_of {
    ($p:expr, $sql:expr, $ids:expr) => {{
        let ids: Vec<Uuid> = $ids;
        let mut partners: HashMap<Uuid, PartnerRef> = HashMap::new();
        if !ids.is_empty() {
            let text = format!(
                r#"SELECT {PARTNER_COLUMNS} FROM "partner" WHERE "partner"."id" IN ({})"#,
                placeholders(1, ids.len())
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            for row in query.fetch_all($p).await? {
                let partner = PartnerRef {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    country: row.try_get("country")?,
                    kind: row.try_get("kind")?,
                };
                partners.insert(partner.id, partner);
            }
        }
        partners
    }};
}

/// Fills in the domains, communes and participants of `projects`: one query per table.
macro_rules! with_links {
    ($p:expr, $sql:expr, $projects:expr) => {{
        let mut projects: Vec<Project> = $projects;
        if !projects.is_empty() {
            let ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
            let list = placeholders(1, ids.len());
            let mut domains: HashMap<Uuid, Vec<String>> = HashMap::new();
            let text = format!(
                r#"SELECT "project_domain"."project_id", "project_domain"."domain_code" FROM "project_domain" WHERE "project_domain"."project_id" IN ({list}) ORDER BY "project_domain"."domain_code" ASC"#
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            for row in query.fetch_all($p).await? {
                domains.entry(row.try_get("project_id")?).or_default().push(row.try_get("domain_code")?);
            }
            let mut communes: HashMap<Uuid, Vec<String>> = HashMap::new();
            let text = format!(
                r#"SELECT "project_commune"."project_id", "project_commune"."commune" FROM "project_commune" WHERE "project_commune"."project_id" IN ({list})"#
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            for row in query.fetch_all($p).await? {
                communes.entry(row.try_get("project_id")?).or_default().push(row.try_get("commune")?);
            }
            let text = format!(
                r#"SELECT "project_participant"."project_id", "project_participant"."partner_id", "project_participant"."role" FROM "project_participant" WHERE "project_participant"."project_id" IN ({list})"#
            );
            let mut query = sqlx::query($sql(&text));
            for id in &ids {
                query = query.bind(*id);
            }
            let mut roles: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
            let mut partner_ids = Vec::new();
            for row in query.fetch_all($p).await? {
                let partner: Uuid = row.try_get("partner_id")?;
                partner_ids.push(partner);
                roles.entry(row.try_get("project_id")?).or_default().push((partner, row.try_get("role")?));
            }
            partner_ids.sort();
            partner_ids.dedup();
            let partners = partners_of!($p, $sql, partner_ids);
            for project in &mut projects {
                project.domains = domains.remove(&project.id).unwrap_or_default();
                let mut communes = communes.remove(&project.id).unwrap_or_default();
                communes.sort();
                project.communes = communes;
                let mut by_partner: std::collections::BTreeMap<Uuid, Vec<String>> = Default::default();
                for (partner, role) in roles.remove(&project.id).unwrap_or_default() {
                    by_partner.entry(partner).or_default().push(role);
                }
                let mut participants: Vec<Participant> = by_partner
                    .into_iter()
                    .filter_map(|(id, mut roles)| {
                        roles.sort();
                        partners.get(&id).map(|p| Participant {
                            partner: PartnerRef {
                                id: p.id,
                                name: p.name.clone(),
                                country: p.country.clone(),
                                kind: p.kind.clone(),
                            },
                            roles,
                        })
                    })
                    .collect();
                participants.sort_by(|a, b| a.partner.name.cmp(&b.partner.name));
                project.participants = participants;
            }
        }
        projects
    }};
}
