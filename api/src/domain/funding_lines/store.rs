//! The queries of funding lines, and the few facts of their project they need (read here rather
//! than through the project aggregate, which reads funding lines for its financing).

use chrono::{NaiveDate, Utc};
use entity::{exchange_rate, funding_line, project, project_participant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    rates::Rates,
    types::{FundingKind, FundingLineFields, FundingLineResponse},
};
use crate::{
    auth::Division,
    domain::partners::types::partner_ref,
    error::ApiError,
    records::listing::{Listing, Sort, SortField, SortKind, SortValue},
};

/// The stored code of the `funding` participant role (`ParticipantRole::Funding`).
const FUNDING_ROLE: &str = "funding";

/// What a funding line needs to know of its project.
pub struct ProjectFacts {
    pub division: Division,
    /// The stored status code.
    pub status: String,
}

/// The division and status of project `id`; 404 when there is none.
pub async fn project(db: &impl ConnectionTrait, id: Uuid) -> Result<ProjectFacts, ApiError> {
    let (division, status): (String, String) = project::Entity::find_by_id(id)
        .select_only()
        .column(project::Column::Division)
        .column(project::Column::Status)
        .into_tuple()
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(ProjectFacts { division: Division::from_stored(&division)?, status })
}

/// Whether `partner` takes part in `project` with the `funding` role.
pub async fn is_funder(db: &impl ConnectionTrait, project: Uuid, partner: Uuid) -> Result<bool, ApiError> {
    Ok(project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(project))
        .filter(project_participant::Column::PartnerId.eq(partner))
        .filter(project_participant::Column::Role.eq(FUNDING_ROLE))
        .one(db)
        .await?
        .is_some())
}

/// Marks the project as changed (its funding changed), so that partners polling with
/// `updated_since` see it. Its version is left alone: the project record itself did not change.
pub async fn touch_project(db: &impl ConnectionTrait, id: Uuid) -> Result<(), ApiError> {
    project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(project::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The live (not archived) funding lines of `projects`, oldest first.
pub async fn live_lines_of(
    db: &impl ConnectionTrait,
    projects: Vec<Uuid>,
) -> Result<Vec<funding_line::Model>, ApiError> {
    Ok(funding_line::Entity::find()
        .filter(funding_line::Column::ProjectId.is_in(projects))
        .filter(funding_line::Column::ArchivedAt.is_null())
        .order_by_asc(funding_line::Column::Id)
        .all(db)
        .await?)
}

/// Funding lines as the API shows them, converted to XOF with the rates in force on their dates.
pub async fn responses(
    db: &impl ConnectionTrait,
    models: Vec<funding_line::Model>,
) -> Result<Vec<FundingLineResponse>, ApiError> {
    let partners = crate::domain::partners::store::by_ids(db, models.iter().map(|m| m.partner_id)).await?;
    let rates = Rates::load(db).await?;
    let mut shown = Vec::with_capacity(models.len());
    for model in models {
        // The partner is a foreign key and partners are archived, never deleted.
        let partner = partners
            .get(&model.partner_id)
            .map(partner_ref)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("funding line {} names no partner", model.id)))??;
        let xof = rates.to_xof(model.amount_minor, &model.currency, model.transaction_date);
        shown.push(FundingLineResponse::new(model, partner, xof)?);
    }
    Ok(shown)
}

/// The line `id` and its view; 404 when there is none.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(funding_line::Model, FundingLineResponse), ApiError> {
    let model = funding_line::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let response = responses(db, vec![model.clone()]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok((model, response))
}

/// Copies the editable state into a row to write.
pub fn write_fields(model: &mut funding_line::ActiveModel, fields: &FundingLineFields) {
    model.kind = Set(fields.kind.as_str().to_owned());
    model.amount_minor = Set(fields.amount_minor);
    model.currency = Set(fields.currency.clone());
    model.transaction_date = Set(fields.transaction_date);
    model.reference = Set(fields.reference.clone());
    model.note = Set(fields.note.clone());
    model.is_public = Set(fields.is_public);
}

/// Inserts a new line (version 1) of `project` from `partner`, linked to a round table if any.
pub async fn insert(
    db: &impl ConnectionTrait,
    project: Uuid,
    partner: Uuid,
    fields: &FundingLineFields,
    event: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = funding_line::ActiveModel {
        id: Set(id),
        project_id: Set(project),
        partner_id: Set(partner),
        event_id: Set(event),
        version: Set(1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write_fields(&mut model, fields);
    model.insert(db).await?;
    Ok(id)
}

/// The filters of a list of lines; all combine with AND.
#[derive(Default)]
pub struct LineFilter {
    pub project: Option<Uuid>,
    pub partner: Option<Uuid>,
    /// Any of these kinds (none: every kind).
    pub kind: Vec<FundingKind>,
    pub currency: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub include_archived: bool,
    /// Free text in the reference and the note.
    pub q: Option<String>,
    /// `created_at` (the default), `updated_at`, `transaction_date`; `-` for descending.
    pub sort: Option<&'static str>,
}

fn select(filter: &LineFilter) -> Result<Select<funding_line::Entity>, ApiError> {
    use funding_line::Column;
    let mut select = funding_line::Entity::find();
    if !filter.include_archived {
        select = select.filter(Column::ArchivedAt.is_null());
    }
    if let Some(project) = filter.project {
        select = select.filter(Column::ProjectId.eq(project));
    }
    if let Some(partner) = filter.partner {
        select = select.filter(Column::PartnerId.eq(partner));
    }
    if !filter.kind.is_empty() {
        select = select.filter(Column::Kind.is_in(filter.kind.iter().map(|k| k.as_str())));
    }
    if let Some(currency) = &filter.currency {
        select = select.filter(Column::Currency.eq(currency.as_str()));
    }
    if let Some(from) = filter.from {
        select = select.filter(Column::TransactionDate.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(Column::TransactionDate.lte(to));
    }
    if let Some(condition) =
        crate::records::search::matching_any(&[Column::Reference, Column::Note], filter.q.as_deref())?
    {
        select = select.filter(condition);
    }
    Ok(select)
}

const SORTS: &[SortField] = &[
    SortField { name: "created_at", expr: || Expr::col(funding_line::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(funding_line::Column::UpdatedAt), kind: SortKind::Timestamp },
    SortField {
        name: "transaction_date",
        expr: || Expr::col(funding_line::Column::TransactionDate),
        kind: SortKind::Date,
    },
];

/// The lines matching `filter`, oldest first, as a list to page through.
pub fn listing(filter: &LineFilter) -> Result<Listing<funding_line::Entity>, ApiError> {
    let sort = Sort::parse(filter.sort, SORTS, "created_at")?;
    let position: fn(&Sort, &funding_line::Model) -> (SortValue, Uuid) = |sort, row| {
        let value = match sort.field.name {
            "updated_at" => SortValue::Timestamp(row.updated_at),
            "transaction_date" => SortValue::Date(Some(row.transaction_date)),
            _ => SortValue::Timestamp(row.created_at),
        };
        (value, row.id)
    };
    Ok(Listing { select: select(filter)?, sort, id_column: funding_line::Column::Id, position })
}

/// The orders of the exchange rates; the newest first by default.
const RATE_SORTS: &[SortField] = &[
    SortField { name: "valid_from", expr: || Expr::col(exchange_rate::Column::ValidFrom), kind: SortKind::Date },
    SortField { name: "currency", expr: || Expr::col(exchange_rate::Column::Currency), kind: SortKind::Text },
    SortField { name: "created_at", expr: || Expr::col(exchange_rate::Column::CreatedAt), kind: SortKind::Timestamp },
];

/// The exchange rates of `currency` (all when `None`) matching `q`, in `sort` order
/// (`-valid_from` by default), as a list to page through.
pub fn rate_listing(
    currency: Option<&str>,
    q: Option<&str>,
    sort: Option<&str>,
) -> Result<Listing<exchange_rate::Entity>, ApiError> {
    let mut select = exchange_rate::Entity::find();
    if let Some(currency) = currency {
        select = select.filter(exchange_rate::Column::Currency.eq(currency));
    }
    if let Some(condition) = crate::records::search::matching_any(&[exchange_rate::Column::Currency], q)? {
        select = select.filter(condition);
    }
    let position: fn(&Sort, &exchange_rate::Model) -> (SortValue, Uuid) = |sort, row| {
        let value = match sort.field.name {
            "currency" => SortValue::Text(row.currency.clone()),
            "created_at" => SortValue::Timestamp(row.created_at),
            _ => SortValue::Date(Some(row.valid_from)),
        };
        (value, row.id)
    };
    Ok(Listing {
        select,
        sort: Sort::parse(sort, RATE_SORTS, "-valid_from")?,
        id_column: exchange_rate::Column::Id,
        position,
    })
}
