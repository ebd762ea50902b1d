//! The queries of evaluations: reading them as the API shows them, writing their content, and the
//! facts the due list is computed from.
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{agreement, evaluation};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};
use uuid::Uuid;

use super::{
    rules::{IN_FORCE, InForce},
    types::{EvaluationFields, EvaluationResponse, Vitality},
};
use crate::{
    auth::Division,
    domain::agreements::types::{AgreementKind, AgreementStatus},
    error::ApiError,
    records::listing::{Listing, Sort, SortField, SortKind, SortValue},
};

/// An evaluation and its view; 404 when absent.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(evaluation::Model, EvaluationResponse), ApiError> {
    let model = evaluation::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let view = EvaluationResponse::try_from(model.clone())?;
    Ok((model, view))
}

/// The live evaluations of an agreement, most recent first; 404 when the agreement is absent.
/// The orders of an agreement's evaluations; the most recent first by default.
const SORTS: &[SortField] = &[
    SortField { name: "evaluated_on", expr: || Expr::col(evaluation::Column::EvaluatedOn), kind: SortKind::Date },
    SortField { name: "created_at", expr: || Expr::col(evaluation::Column::CreatedAt), kind: SortKind::Timestamp },
];

/// The live evaluations of an agreement (404 when it does not exist), with the given vitalities
/// and matching `q`, as a list to page through.
pub async fn of_agreement(
    db: &impl ConnectionTrait,
    agreement_id: Uuid,
    vitality: &[Vitality],
    q: Option<&str>,
    sort: Option<&str>,
) -> Result<Listing<evaluation::Entity>, ApiError> {
    agreement::Entity::find_by_id(agreement_id).one(db).await?.ok_or(ApiError::NotFound)?;
    let mut select = evaluation::Entity::find()
        .filter(evaluation::Column::AgreementId.eq(agreement_id))
        .filter(evaluation::Column::ArchivedAt.is_null());
    if !vitality.is_empty() {
        select = select.filter(evaluation::Column::Vitality.is_in(vitality.iter().map(|v| v.as_str())));
    }
    let searched = [evaluation::Column::Findings, evaluation::Column::Recommendations];
    if let Some(condition) = crate::records::search::matching_any(&searched, q)? {
        select = select.filter(condition);
    }
    Ok(Listing {
        select,
        sort: Sort::parse(sort, SORTS, "-evaluated_on")?,
        id_column: evaluation::Column::Id,
        position: |sort, row: &evaluation::Model| {
            let value = match sort.field.name {
                "created_at" => SortValue::Timestamp(row.created_at),
                _ => SortValue::Date(Some(row.evaluated_on)),
            };
            (value, row.id)
        },
    })
}

/// The division of the agreement evaluated (whose staff write its evaluations); 404 when absent.
pub async fn agreement_division(db: &impl ConnectionTrait, agreement_id: Uuid) -> Result<Division, ApiError> {
    let found = agreement::Entity::find_by_id(agreement_id).one(db).await?.ok_or(ApiError::NotFound)?;
    Division::from_stored(&found.division)
}

/// Sets the content columns (evaluators trimmed).
pub fn write_fields(model: &mut evaluation::ActiveModel, fields: &EvaluationFields) {
    model.evaluated_on = Set(fields.evaluated_on);
    model.evaluators = Set(serde_json::json!(fields.evaluators.iter().map(|e| e.trim()).collect::<Vec<_>>()));
    model.vitality = Set(fields.vitality.as_str().to_owned());
    model.score_activity = Set(fields.scores.activity);
    model.score_results = Set(fields.scores.results);
    model.score_financing = Set(fields.scores.financing);
    model.score_responsiveness = Set(fields.scores.responsiveness);
    model.findings = Set(fields.findings.clone());
    model.recommendations = Set(fields.recommendations.clone());
    model.priority_actions = Set(serde_json::json!(fields.priority_actions));
}

/// The live agreements in force, of `division` when given.
pub async fn in_force(db: &impl ConnectionTrait, division: Option<Division>) -> Result<Vec<InForce>, ApiError> {
    let mut select = agreement::Entity::find()
        .filter(agreement::Column::ArchivedAt.is_null())
        .filter(agreement::Column::Status.is_in(IN_FORCE.map(AgreementStatus::as_str)));
    if let Some(division) = division {
        select = select.filter(agreement::Column::Division.eq(division.as_str()));
    }
    select.all(db).await?.into_iter().map(in_force_facts).collect()
}

fn in_force_facts(model: agreement::Model) -> Result<InForce, ApiError> {
    // Input allows 1–120 months; anything else stored is a drift, never read as a default.
    if let Some(months) = model.evaluation_cadence_months
        && !(1..=120).contains(&months)
    {
        return Err(ApiError::Internal(anyhow::anyhow!("agreement {} has a cadence of {months} months", model.id)));
    }
    Ok(InForce {
        agreement_id: model.id,
        kind: AgreementKind::from_stored(&model.kind)?,
        status: AgreementStatus::from_stored(&model.status)?,
        division: Division::from_stored(&model.division)?,
        cadence_months: model.evaluation_cadence_months,
        title: model.title,
    })
}

/// The day of the latest live evaluation of each agreement, in one grouped query.
pub async fn latest_evaluations(db: &impl ConnectionTrait) -> Result<HashMap<Uuid, NaiveDate>, ApiError> {
    Ok(evaluation::Entity::find()
        .select_only()
        .column(evaluation::Column::AgreementId)
        .column_as(evaluation::Column::EvaluatedOn.max(), "latest")
        .filter(evaluation::Column::ArchivedAt.is_null())
        .group_by(evaluation::Column::AgreementId)
        .into_tuple::<(Uuid, NaiveDate)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
