//! The list of projects: its filters as one query, its sort orders and each row's keyset
//! position. `records::listing::Listing` pages it.
use entity::project;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select, sea_query::Expr};
use uuid::Uuid;

use super::types::{Commune, ProjectStatus};
use crate::{
    auth::Division,
    error::ApiError,
    records::{
        listing::{Listing, Sort, SortField, SortKind, SortValue, linked, linked_any, linked_few},
        search,
    },
};

/// The orders a list may take; the default is `-created_at`.
pub const SORTS: &[SortField] = &[
    SortField { name: "created_at", expr: || Expr::col(project::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(project::Column::UpdatedAt), kind: SortKind::Timestamp },
    SortField { name: "title", expr: || Expr::col(project::Column::Title), kind: SortKind::Text },
    SortField { name: "start_year", expr: || Expr::col(project::Column::StartYear), kind: SortKind::Int },
];

/// What a list keeps; every filter combines with AND.
#[derive(Default)]
pub struct ProjectFilter<'a> {
    pub include_archived: bool,
    /// Any of these statuses (none: every status).
    pub status: Vec<ProjectStatus>,
    pub division: Vec<Division>,
    pub agreement: Option<Uuid>,
    pub agent_in_charge: Option<Uuid>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub domain: Option<&'a str>,
    pub commune: Vec<Commune>,
    pub partner: Option<Uuid>,
    pub q: Option<&'a str>,
}

/// The query of the projects `filter` keeps.
pub fn select(filter: &ProjectFilter) -> Result<Select<project::Entity>, ApiError> {
    let mut select = project::Entity::find();
    if !filter.include_archived {
        select = select.filter(project::Column::ArchivedAt.is_null());
    }
    if !filter.status.is_empty() {
        select = select.filter(project::Column::Status.is_in(filter.status.iter().map(|s| s.as_str())));
    }
    if !filter.division.is_empty() {
        select = select.filter(project::Column::Division.is_in(filter.division.iter().map(|d| d.as_str())));
    }
    if let Some(agreement) = filter.agreement {
        select = select.filter(project::Column::AgreementId.eq(agreement));
    }
    if let Some(agent) = filter.agent_in_charge {
        select = select.filter(project::Column::AgentInChargeId.eq(agent));
    }
    if let Some(from) = filter.year_from {
        select = select.filter(project::Column::StartYear.gte(from));
    }
    if let Some(to) = filter.year_to {
        select = select.filter(project::Column::StartYear.lte(to));
    }
    // Link filters are `EXISTS` probes of the indexed join tables: no join, no DISTINCT.
    if let Some(domain) = filter.domain {
        use entity::project_domain::{Column, Entity};
        select = select.filter(linked::<Entity>(project::Column::Id, Column::ProjectId, Column::DomainCode, domain));
    }
    if !filter.commune.is_empty() {
        use entity::project_commune::{Column, Entity};
        let communes = filter.commune.iter().map(|c| c.as_str());
        select = select.filter(linked_any::<Entity>(project::Column::Id, Column::ProjectId, Column::Commune, communes));
    }
    if let Some(partner) = filter.partner {
        use entity::project_participant::{Column, Entity};
        select =
            select.filter(linked_few::<Entity>(project::Column::Id, Column::ProjectId, Column::PartnerId, partner));
    }
    if let Some(condition) = search::matching(project::Column::SearchText, filter.q)? {
        select = select.filter(condition);
    }
    Ok(select)
}

/// The list of the projects `filter` keeps, in `sort` order.
pub fn listing(filter: &ProjectFilter, sort: Sort<'static>) -> Result<Listing<project::Entity>, ApiError> {
    Ok(Listing { select: select(filter)?, sort, id_column: project::Column::Id, position })
}

fn position(sort: &Sort, model: &project::Model) -> (SortValue, Uuid) {
    let value = match sort.field.name {
        "updated_at" => SortValue::Timestamp(model.updated_at),
        "title" => SortValue::Text(model.title.clone()),
        "start_year" => SortValue::Int(i64::from(model.start_year)),
        _ => SortValue::Timestamp(model.created_at),
    };
    (value, model.id)
}
