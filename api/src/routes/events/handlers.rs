//! Handlers of `/api/v1/events`.
use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::Utc;
use entity::{event, event_agreement, event_partner, event_project, event_staff, partner};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::Expr,
};
use uuid::Uuid;

use super::dto::{CreatePledge, EventInput, EventList, EventResponse, ListEventsQuery, PartnershipEventKind};
use crate::{
    auth::{
        Authorized, CurrentUser,
        policy::{ReadEvents, WriteEvents, WriteProjects, may_write_event},
    },
    domain::{
        partners::{store::check_partners, types::partner_refs},
        staff::check_staff,
    },
    error::ApiError,
    http::{
        concurrency::{IfMatch, etag},
        extract::ApiJson,
        middleware::RequestId,
        pagination::page_limit,
    },
    i18n::Text,
    records::{
        archive,
        audit::{self, ChangeContext},
        listing::{Listing, PageRequest, Sort, SortField, SortKind, SortValue, linked_few},
        search,
        versioning::{lock, save_versioned},
    },
    routes::funding_lines::{dto::CreateFundingLine, dto::FundingKind, handlers as funding},
    state::AppState,
};

const ENTITY: &str = "event";

/// Upcoming events first, soonest first; then past ones, most recent first — as one text key:
/// `0YYYY-MM-DD` for upcoming, `1` and the complement of `YYYYMMDD` to 99991231 for past ones, so
/// that one keyset cursor walks both parts. Computed the same way by both databases.
fn upcoming_first() -> sea_orm::sea_query::SimpleExpr {
    // Today's date is written in the SQL, not bound: it is ours (never the client's), and a bound
    // value inside a custom expression is not renumbered for PostgreSQL.
    let today = Utc::now().date_naive().format("%Y-%m-%d");
    Expr::cust(format!(
        "CASE WHEN starts_on >= '{today}' THEN '0' || CAST(starts_on AS TEXT) \
         ELSE '1' || CAST(99991231 - CAST(REPLACE(CAST(starts_on AS TEXT), '-', '') AS INTEGER) AS TEXT) END"
    ))
}

const SORTS: &[SortField] = &[SortField { name: "upcoming", expr: upcoming_first, kind: SortKind::Text }];

fn sort_key(model: &event::Model) -> SortValue {
    if model.starts_on >= Utc::now().date_naive() {
        SortValue::Text(format!("0{}", model.starts_on))
    } else {
        let digits: i64 = model.starts_on.format("%Y%m%d").to_string().parse().unwrap_or(0);
        SortValue::Text(format!("1{}", 99_991_231 - digits))
    }
}

/// An event's partners, staff, agreements and projects.
type Links = (Vec<Uuid>, Vec<Uuid>, Vec<Uuid>, Vec<Uuid>);

async fn responses(db: &impl ConnectionTrait, models: Vec<event::Model>) -> Result<Vec<EventResponse>, ApiError> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let partners_rows =
        event_partner::Entity::find().filter(event_partner::Column::EventId.is_in(ids.clone())).all(db).await?;
    let staff_rows =
        event_staff::Entity::find().filter(event_staff::Column::EventId.is_in(ids.clone())).all(db).await?;
    let agreement_rows =
        event_agreement::Entity::find().filter(event_agreement::Column::EventId.is_in(ids.clone())).all(db).await?;
    let project_rows = event_project::Entity::find().filter(event_project::Column::EventId.is_in(ids)).all(db).await?;
    let mut partner_ids: Vec<Uuid> = partners_rows.iter().map(|r| r.partner_id).collect();
    partner_ids.extend(models.iter().filter_map(|m| m.organiser_partner_id));
    let partners: HashMap<Uuid, partner::Model> = partner::Entity::find()
        .filter(partner::Column::Id.is_in(partner_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let partners = partner_refs(partners.values())?;
    let mut by_event: HashMap<Uuid, Links> = HashMap::new();
    for row in partners_rows {
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
    Ok(models
        .into_iter()
        .map(|model| {
            let (partner_list, staff, agreements, projects) = by_event.remove(&model.id).unwrap_or_default();
            let mut partner_refs: Vec<_> = partner_list.iter().filter_map(|id| partners.get(id).cloned()).collect();
            partner_refs.sort_by(|a, b| a.name.cmp(&b.name));
            EventResponse {
                id: model.id,
                kind: PartnershipEventKind::parse(&model.kind).unwrap_or(PartnershipEventKind::Other),
                title: model.title,
                starts_on: model.starts_on,
                ends_on: model.ends_on,
                place: model.place,
                organiser: model.organiser_partner_id.and_then(|id| partners.get(&id).cloned()),
                division: model.division.as_deref().and_then(crate::auth::Division::parse),
                partners: partner_refs,
                staff,
                agreements,
                projects,
                minutes: model.minutes,
                decisions: model.decisions,
                archived: model.archived_at.is_some(),
                created_at: model.created_at,
                updated_at: model.updated_at,
            }
        })
        .collect())
}

/// The division rule of events (`policy::may_write_event`), on the event as stored and as written.
/// A division head or agent who names no division writes one of their own division.
fn ensure_event_division(caller: &CurrentUser, division: Option<crate::auth::Division>) -> Result<(), ApiError> {
    if may_write_event(caller.role, caller.division, division) { Ok(()) } else { Err(ApiError::Forbidden) }
}

fn with_default_division(caller: &CurrentUser, input: &mut EventInput) {
    if input.division.is_none() && caller.role != crate::auth::Role::Director {
        input.division = caller.division;
    }
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(event::Model, EventResponse), ApiError> {
    let model = event::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let response = responses(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, response))
}

fn respond(status: actix_web::http::StatusCode, response: &EventResponse, version: i32) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::ETAG, etag(version)));
    if status == actix_web::http::StatusCode::CREATED {
        builder.insert_header((header::LOCATION, format!("/api/v1/events/{}", response.id)));
    }
    builder.json(response)
}

async fn check_links(db: &impl ConnectionTrait, input: &EventInput) -> Result<(), ApiError> {
    check_partners(db, "partners", &input.partners).await?;
    if let Some(organiser) = input.organiser_partner_id {
        check_partners(db, "organiser_partner_id", &[organiser]).await?;
    }
    for staff in &input.staff {
        check_staff(db, "staff", Some(*staff), None).await?;
    }
    let agreements = entity::agreement::Entity::find()
        .filter(entity::agreement::Column::Id.is_in(input.agreements.clone()))
        .count(db)
        .await?;
    let projects = entity::project::Entity::find()
        .filter(entity::project::Column::Id.is_in(input.projects.clone()))
        .count(db)
        .await?;
    if agreements as usize != input.agreements.len() {
        return Err(ApiError::invalid(
            "agreements",
            "unknown_agreement",
            Text::fixed("Accord inconnu.", "Unknown agreement."),
        ));
    }
    if projects as usize != input.projects.len() {
        return Err(ApiError::invalid(
            "projects",
            "unknown_project",
            Text::fixed("Projet inconnu.", "Unknown project."),
        ));
    }
    Ok(())
}

async fn write(
    db: &impl ConnectionTrait,
    id: Uuid,
    model: &mut event::ActiveModel,
    input: &EventInput,
) -> Result<(), ApiError> {
    model.kind = Set(input.kind.as_str().to_owned());
    model.title = Set(input.title.clone());
    model.starts_on = Set(input.starts_on);
    model.ends_on = Set(input.ends_on);
    model.place = Set(input.place.clone());
    model.organiser_partner_id = Set(input.organiser_partner_id);
    model.division = Set(input.division.map(|division| division.as_str().to_owned()));
    model.minutes = Set(input.minutes.clone());
    model.decisions = Set(input.decisions.clone());
    model.search_text = Set(search::search_text([
        input.title.as_str(),
        input.place.as_deref().unwrap_or(""),
        input.minutes.as_deref().unwrap_or(""),
        input.decisions.as_deref().unwrap_or(""),
    ]));
    event_partner::Entity::delete_many().filter(event_partner::Column::EventId.eq(id)).exec(db).await?;
    event_staff::Entity::delete_many().filter(event_staff::Column::EventId.eq(id)).exec(db).await?;
    event_agreement::Entity::delete_many().filter(event_agreement::Column::EventId.eq(id)).exec(db).await?;
    event_project::Entity::delete_many().filter(event_project::Column::EventId.eq(id)).exec(db).await?;
    Ok(())
}

async fn write_links(db: &impl ConnectionTrait, id: Uuid, input: &EventInput) -> Result<(), ApiError> {
    if !input.partners.is_empty() {
        event_partner::Entity::insert_many(
            input.partners.iter().map(|p| event_partner::ActiveModel { event_id: Set(id), partner_id: Set(*p) }),
        )
        .exec(db)
        .await?;
    }
    if !input.staff.is_empty() {
        event_staff::Entity::insert_many(
            input.staff.iter().map(|s| event_staff::ActiveModel { event_id: Set(id), account_id: Set(*s) }),
        )
        .exec(db)
        .await?;
    }
    if !input.agreements.is_empty() {
        event_agreement::Entity::insert_many(
            input.agreements.iter().map(|a| event_agreement::ActiveModel { event_id: Set(id), agreement_id: Set(*a) }),
        )
        .exec(db)
        .await?;
    }
    if !input.projects.is_empty() {
        event_project::Entity::insert_many(
            input.projects.iter().map(|p| event_project::ActiveModel { event_id: Set(id), project_id: Set(*p) }),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

/// List events
///
/// Upcoming events first (soonest first), then past ones (most recent first). Filters by period,
/// kind, partner and text.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(ListEventsQuery),
    responses((status = 200, description = "A page of events", body = EventList))
)]
#[get("")]
pub async fn list_events(
    _caller: Authorized<ReadEvents>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListEventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let sort = Sort::parse(None, SORTS, "upcoming")?;
    let mut select = event::Entity::find();
    if !query.include_archived {
        select = select.filter(event::Column::ArchivedAt.is_null());
    }
    if let Some(from) = query.from {
        select = select.filter(event::Column::StartsOn.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(event::Column::StartsOn.lte(to));
    }
    if let Some(kind) = query.kind {
        select = select.filter(event::Column::Kind.eq(kind.as_str()));
    }
    if let Some(partner) = query.partner {
        let with_partner = linked_few::<event_partner::Entity>(
            event::Column::Id,
            event_partner::Column::EventId,
            event_partner::Column::PartnerId,
            partner,
        );
        select = select
            .filter(sea_orm::Condition::any().add(with_partner).add(event::Column::OrganiserPartnerId.eq(partner)));
    }
    if let Some(condition) = search::matching(event::Column::SearchText, query.q.as_deref())? {
        select = select.filter(condition);
    }
    let listing = Listing { select, sort, id_column: event::Column::Id, position: |_, row| (sort_key(row), row.id) };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond(
            &req,
            &state.db,
            request,
            "events",
            |db, rows| async move { responses(&db, rows).await },
            |items, next_cursor, total| EventList { items, next_cursor, total },
        )
        .await
}

/// Record an event
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    request_body = EventInput,
    responses((status = 201, description = "Recorded", body = EventResponse, headers(
        ("Location" = String, description = "The event"), ("ETag" = String, description = "Its version"))))
)]
#[post("")]
pub async fn create_event(
    caller: Authorized<WriteEvents>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<EventInput>,
) -> Result<HttpResponse, ApiError> {
    let mut input = body.into_inner()?;
    input.validate()?;
    with_default_division(&caller, &mut input);
    ensure_event_division(&caller, input.division)?;
    let txn = crate::db::begin_write(&state.db).await?;
    check_links(&txn, &input).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = event::ActiveModel {
        id: Set(id),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write(&txn, id, &mut model, &input).await?;
    model.insert(&txn).await?;
    write_links(&txn, id, &input).await?;
    let (saved, response) = find(&txn, id).await?;
    audit::record::<(), _>(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        id,
        "create",
        None,
        Some(&response),
    )
    .await?;
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, &response, saved.version))
}

/// Read an event
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    responses((status = 200, description = "The event", body = EventResponse, headers(("ETag" = String, description = "Its version"))))
)]
#[get("/{id}")]
pub async fn get_event(
    _caller: Authorized<ReadEvents>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (model, response) = find(&state.db, *id).await?;
    Ok(respond(actix_web::http::StatusCode::OK, &response, model.version))
}

/// Replace an event's record
///
/// Minutes and decisions are usually added after the event. Needs `If-Match`.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    request_body = EventInput,
    responses((status = 200, description = "Updated", body = EventResponse, headers(("ETag" = String, description = "The new version"))))
)]
#[put("/{id}")]
pub async fn update_event(
    caller: Authorized<WriteEvents>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ApiJson<EventInput>,
) -> Result<HttpResponse, ApiError> {
    let mut input = body.into_inner()?;
    input.validate()?;
    with_default_division(&caller, &mut input);
    let txn = crate::db::begin_write(&state.db).await?;
    lock::<event::Entity>(&txn, *id).await?;
    let (current, before) = find(&txn, *id).await?;
    ensure_event_division(&caller, before.division)?;
    ensure_event_division(&caller, input.division)?;
    if_match.check(current.version)?;
    check_links(&txn, &input).await?;
    let mut model: event::ActiveModel = current.clone().into();
    write(&txn, current.id, &mut model, &input).await?;
    save_versioned::<event::Entity>(&txn, current.id, model, current.version).await?;
    write_links(&txn, current.id, &input).await?;
    let (saved, after) = find(&txn, current.id).await?;
    audit::record(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        current.id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(respond(actix_web::http::StatusCode::OK, &after, saved.version))
}

/// Archive an event
///
/// Kept with its history. Needs `If-Match`.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The event's id")),
    responses((status = 204, description = "Archived"))
)]
#[delete("/{id}")]
pub async fn archive_event(
    caller: Authorized<WriteEvents>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    archive::set_archived::<event::Entity, _>(
        &state.db,
        &ChangeContext::new(&caller, &request_id),
        ENTITY,
        *id,
        Some(&if_match),
        true,
        async |db, id| find(db, id).await,
        async |_, response| ensure_event_division(&caller, response.division),
        async |_, _| Ok(()),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record a pledge announced at a round table
///
/// A `pledge` funding line of the project, linked to the round table; the dashboard follows it to
/// commitment and disbursement. Only round tables take pledges (422 otherwise).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The round table's id")),
    request_body = CreatePledge,
    responses((status = 201, description = "The pledge", body = crate::routes::funding_lines::dto::FundingLineResponse, headers(
        ("Location" = String, description = "The funding line"), ("ETag" = String, description = "Its version"))))
)]
#[post("/{id}/pledges")]
pub async fn create_pledge(
    caller: Authorized<WriteProjects>,
    request_id: RequestId,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: ApiJson<CreatePledge>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let round_table = event::Entity::find_by_id(*id)
        .filter(event::Column::ArchivedAt.is_null())
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if round_table.kind != PartnershipEventKind::RoundTable.as_str() {
        return Err(ApiError::invalid(
            "event",
            "not_a_round_table",
            Text::fixed("Seule une table ronde reçoit des annonces.", "Only a round table takes pledges."),
        ));
    }
    let line = CreateFundingLine {
        partner_id: body.partner_id,
        kind: FundingKind::Pledge,
        amount: body.amount,
        currency: body.currency,
        transaction_date: body.pledged_on.unwrap_or(round_table.starts_on),
        reference: body.reference,
        note: Some(format!("Annonce : {}", round_table.title)),
        is_public: None,
    };
    funding::create(&state, &caller, &request_id, body.project_id, line, Some(round_table.id)).await
}
