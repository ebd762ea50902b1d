//! Handlers of `/api/v1/staff`: the staff directory, on the accounts' list.
use actix_web::{HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{ListStaffQuery, StaffList, StaffMember};
use crate::{
    auth::{
        Authorized, Role,
        policy::{self, Action, ReadStaff},
    },
    domain::accounts::{
        store::{self, AccountFilter},
        types::KIND_PERSON,
    },
    error::ApiError,
    http::pagination::page_limit,
    records::listing::PageRequest,
    state::AppState,
    vocabulary::CodeSet,
};

/// Whether `role` sees people's e-mail addresses: those who may manage users.
fn sees_email(role: Role) -> bool {
    policy::allows(role, Action::ManageUsers)
}

/// The staff directory
///
/// The DJCD's people: name, role, division, whether active; the e-mail only for callers who may
/// manage users. Every member of the staff reads it; partners' systems do not. `q` searches the
/// full name (and the e-mail, for those who see it). Keyset pagination: pass `next_cursor` back as
/// `cursor`.
#[utoipa::path(
    tag = "staff",
    params(ListStaffQuery),
    responses((status = 200, description = "A page of the staff", body = StaffList))
)]
#[get("")]
pub async fn list_staff(
    caller: Authorized<ReadStaff>,
    state: web::Data<AppState>,
    query: web::Query<ListStaffQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let with_email = sees_email(caller.role);
    let role: Vec<Role> = CodeSet::of(&query.role, "role")?
        .into_iter()
        .map(|role| Role::from_stored(role.as_str()))
        .collect::<Result<_, _>>()?;
    let filter = AccountFilter {
        kind: KIND_PERSON,
        role,
        division: CodeSet::of(&query.division, "division")?,
        active: query.active,
        q: query.q.as_deref(),
        search_email: with_email,
        sort: Some(query.sort.map_or("full_name", |sort| sort.as_str())),
    };
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    let paged = store::listing(filter)?.page(&state.db, request).await?;
    let items = paged.rows.into_iter().map(|row| StaffMember::from_model(row, with_email)).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(StaffList { items, next_cursor: paged.next_cursor, total: paged.total }))
}

/// A member of the staff
///
/// 404 for an id that is not a person's account.
#[utoipa::path(
    tag = "staff",
    params(("id" = Uuid, Path, description = "The person's account id")),
    responses((status = 200, description = "The person", body = StaffMember))
)]
#[get("/{id}")]
pub async fn get_staff_member(
    caller: Authorized<ReadStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let model = store::find(&state.db, KIND_PERSON, *id).await?;
    Ok(HttpResponse::Ok().json(StaffMember::from_model(model, sees_email(caller.role))?))
}
