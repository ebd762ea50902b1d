//! The queries of events: reading them with their links as the API shows them (one query per
//! table, never one per row), checking and writing their content and links, and their list.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{event, event_agreement, event_partner, event_project, event_staff};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Expr, SimpleExpr},
};
use uuid::Uuid;

use super::{
    rules::upcoming_first_key,
    types::{EventFields, EventResponse, PartnershipEventKind},
};
use crate::validate::Rules;
use crate::{
    auth::Division,
    domain::partners::{store::check_partners, types::partner_ref},
    domain::staff::check_staff,
    error::ApiError,
    i18n::Text,
    records::{
        listing::{Listing, Sort, SortField, SortKind, SortValue, linked_few},
        search,
    },
};

/// An event's partners, staff, agreements and projects.
type Links = (Vec<Uuid>, Vec<Uuid>, Vec<Uuid>, Vec<Uuid>);

/// Events as the API shows them, with their links and partners.
pub async fn views(db: &impl ConnectionTrait, models: Vec<event::Model>) -> Result<Vec<EventResponse>, ApiError> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let partner_rows =
        event_partner::Entity::find().filter(event_partner::Column::EventId.is_in(ids.clone())).all(db).await?;
    let staff_rows =
        event_staff::Entity::find().filter(event_staff::Column::EventId.is_in(ids.clone())).all(db).await?;
    let agreement_rows =
        event_agreement::Entity::find().filter(event_agreement::Column::EventId.is_in(ids.clone())).all(db).await?;
    let project_rows = event_project::Entity::find().filter(event_project::Column::EventId.is_in(ids)).all(db).await?;
    let partners = crate::domain::partners::store::by_ids(
        db,
        partner_rows.iter().map(|r| r.partner_id).chain(models.iter().filter_map(|m| m.organiser_partner_id)),
    )
    .await?;
    let mut by_event: HashMap<Uuid, Links> = HashMap::new();
    for row in partner_rows {
        by_event.entry(row.event_id).or_default().0.push(row.partner_id);
    }
    for row in staff_rows {
        by_event.entry(row.event_id).or_default().1.push(row.account_id);
    }
    for row in agreement_rows {
        by_event.entry(row.event_id).or_default().2.push(row.agreement_id);
    }
    for row in project_rows {
        by_event.entry(row.event_id).or_default().3.push(row.project_id);
    }
    models
        .into_iter()
        .map(|model| {
            let (partner_ids, staff, agreements, projects) = by_event.remove(&model.id).unwrap_or_default();
            let mut partner_refs: Vec<_> =
                partner_ids.iter().filter_map(|id| partners.get(id).map(partner_ref)).collect::<Result<_, _>>()?;
            partner_refs.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(EventResponse {
                id: model.id,
                kind: PartnershipEventKind::from_stored(&model.kind)?,
                title: model.title,
                starts_on: model.starts_on,
                ends_on: model.ends_on,
                place: model.place,
                organiser: model.organiser_partner_id.and_then(|id| partners.get(&id).map(partner_ref)).transpose()?,
                division: model.division.as_deref().map(Division::from_stored).transpose()?,
                partners: partner_refs,
                staff,
                agreements,
                projects,
                minutes: model.minutes,
                decisions: model.decisions,
                archived: model.archived_at.is_some(),
                created_at: model.created_at,
                updated_at: model.updated_at,
            })
        })
        .collect()
}

/// An event and its view; 404 when absent.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(event::Model, EventResponse), ApiError> {
    let model = event::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let view = views(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, view))
}

/// A live event (pledges are announced at a live round table only); 404 when absent or archived.
pub async fn find_live(db: &impl ConnectionTrait, id: Uuid) -> Result<event::Model, ApiError> {
    event::Entity::find_by_id(id).filter(event::Column::ArchivedAt.is_null()).one(db).await?.ok_or(ApiError::NotFound)
}

/// Checks that what the event links to exists: live partners, active staff, agreements, projects
/// (422 naming the field otherwise).
pub async fn check_links(db: &impl ConnectionTrait, fields: &EventFields) -> Result<(), ApiError> {
    let mut checks = Rules::default();
    checks.absorb(check_partners(db, "partners", &fields.partners).await)?;
    if let Some(organiser) = fields.organiser_partner_id {
        checks.absorb(check_partners(db, "organiser_partner_id", &[organiser]).await)?;
    }
    for staff in &fields.staff {
        checks.absorb(check_staff(db, "staff", Some(*staff), None).await)?;
    }
    let agreements = entity::agreement::Entity::find()
        .filter(entity::agreement::Column::Id.is_in(fields.agreements.clone()))
        .count(db)
        .await?;
    let projects = entity::project::Entity::find()
        .filter(entity::project::Column::Id.is_in(fields.projects.clone()))
        .count(db)
        .await?;
    if agreements as usize != fields.agreements.len() {
        checks.fail("agreements", "unknown_agreement", Text::fixed("Accord inconnu.", "Unknown agreement."));
    }
    if projects as usize != fields.projects.len() {
        checks.fail("projects", "unknown_project", Text::fixed("Projet inconnu.", "Unknown project."));
    }
    checks.finish()
}

/// Sets the content columns and the search text.
pub fn write_fields(model: &mut event::ActiveModel, fields: &EventFields) {
    model.kind = Set(fields.kind.as_str().to_owned());
    model.title = Set(fields.title.clone());
    model.starts_on = Set(fields.starts_on);
    model.ends_on = Set(fields.ends_on);
    model.place = Set(fields.place.clone());
    model.organiser_partner_id = Set(fields.organiser_partner_id);
    model.division = Set(fields.division.map(|division| division.as_str().to_owned()));
    model.minutes = Set(fields.minutes.clone());
    model.decisions = Set(fields.decisions.clone());
    model.search_text = Set(search::search_text([
        fields.title.as_str(),
        fields.place.as_deref().unwrap_or(""),
        fields.minutes.as_deref().unwrap_or(""),
        fields.decisions.as_deref().unwrap_or(""),
    ]));
}

/// Replaces the event's partners, staff, agreements and projects by those of `fields`.
pub async fn replace_links(db: &impl ConnectionTrait, id: Uuid, fields: &EventFields) -> Result<(), ApiError> {
    event_partner::Entity::delete_many().filter(event_partner::Column::EventId.eq(id)).exec(db).await?;
    event_staff::Entity::delete_many().filter(event_staff::Column::EventId.eq(id)).exec(db).await?;
    event_agreement::Entity::delete_many().filter(event_agreement::Column::EventId.eq(id)).exec(db).await?;
    event_project::Entity::delete_many().filter(event_project::Column::EventId.eq(id)).exec(db).await?;
    if !fields.partners.is_empty() {
        let rows =
            fields.partners.iter().map(|p| event_partner::ActiveModel { event_id: Set(id), partner_id: Set(*p) });
        event_partner::Entity::insert_many(rows).exec(db).await?;
    }
    if !fields.staff.is_empty() {
        let rows = fields.staff.iter().map(|s| event_staff::ActiveModel { event_id: Set(id), account_id: Set(*s) });
        event_staff::Entity::insert_many(rows).exec(db).await?;
    }
    if !fields.agreements.is_empty() {
        let rows =
            fields.agreements.iter().map(|a| event_agreement::ActiveModel { event_id: Set(id), agreement_id: Set(*a) });
        event_agreement::Entity::insert_many(rows).exec(db).await?;
    }
    if !fields.projects.is_empty() {
        let rows =
            fields.projects.iter().map(|p| event_project::ActiveModel { event_id: Set(id), project_id: Set(*p) });
        event_project::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// The filters of the event list.
pub struct EventFilter<'a> {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Any of these kinds, any of these divisions (none: all).
    pub kind: Vec<PartnershipEventKind>,
    pub division: Vec<Division>,
    /// `upcoming` (the default), `title`, `created_at`, `updated_at`, `-` for descending.
    pub sort: Option<&'a str>,
    /// A partner taking part in or organising the event.
    pub partner: Option<Uuid>,
    pub q: Option<&'a str>,
    pub include_archived: bool,
}

/// [`upcoming_first_key`] in SQL, computed the same way by both databases, so that one keyset
/// cursor walks both the upcoming and the past events.
fn upcoming_first() -> SimpleExpr {
    // Today's date is written in the SQL, not bound: it is ours (never the client's), and a bound
    // value inside a custom expression is not renumbered for PostgreSQL.
    let today = Utc::now().date_naive().format("%Y-%m-%d");
    Expr::cust(format!(
        "CASE WHEN starts_on >= '{today}' THEN '0' || CAST(starts_on AS TEXT) \
         ELSE '1' || CAST(99991231 - CAST(REPLACE(CAST(starts_on AS TEXT), '-', '') AS INTEGER) AS TEXT) END"
    ))
}

const SORTS: &[SortField] = &[
    SortField { name: "upcoming", expr: upcoming_first, kind: SortKind::Text },
    SortField { name: "title", expr: || Expr::col(event::Column::Title), kind: SortKind::Text },
    SortField { name: "created_at", expr: || Expr::col(event::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(event::Column::UpdatedAt), kind: SortKind::Timestamp },
];

/// The events matching `filter`, upcoming first.
pub fn listing(filter: &EventFilter) -> Result<Listing<event::Entity>, ApiError> {
    let sort = Sort::parse(filter.sort, SORTS, "upcoming")?;
    let mut select = event::Entity::find();
    if !filter.include_archived {
        select = select.filter(event::Column::ArchivedAt.is_null());
    }
    if let Some(from) = filter.from {
        select = select.filter(event::Column::StartsOn.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(event::Column::StartsOn.lte(to));
    }
    if !filter.kind.is_empty() {
        select = select.filter(event::Column::Kind.is_in(filter.kind.iter().map(|k| k.as_str())));
    }
    if !filter.division.is_empty() {
        select = select.filter(event::Column::Division.is_in(filter.division.iter().map(|d| d.as_str())));
    }
    if let Some(partner) = filter.partner {
        let with_partner = linked_few::<event_partner::Entity>(
            event::Column::Id,
            event_partner::Column::EventId,
            event_partner::Column::PartnerId,
            partner,
        );
        select = select.filter(Condition::any().add(with_partner).add(event::Column::OrganiserPartnerId.eq(partner)));
    }
    if let Some(condition) = search::matching(event::Column::SearchText, filter.q)? {
        select = select.filter(condition);
    }
    let position = |sort: &Sort, row: &event::Model| {
        let value = match sort.field.name {
            "title" => SortValue::Text(row.title.clone()),
            "created_at" => SortValue::Timestamp(row.created_at),
            "updated_at" => SortValue::Timestamp(row.updated_at),
            _ => SortValue::Text(upcoming_first_key(row.starts_on, Utc::now().date_naive())),
        };
        (value, row.id)
    };
    Ok(Listing { select, sort, id_column: event::Column::Id, position })
}
