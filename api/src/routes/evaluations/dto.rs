//! Bodies of the evaluation routes. The evaluation itself (content, codes, views) is
//! `domain::evaluations::types`; its views are re-exported here for the OpenAPI document.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::evaluations::types::{DueEvaluation, EvaluationResponse, Scores, Vitality};
use crate::{auth::Division, domain::evaluations::types::EvaluationFields};

/// A page of an agreement's evaluations.
#[derive(Serialize, ToSchema)]
pub struct EvaluationList {
    pub items: Vec<EvaluationResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// The number of matching evaluations, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of a list of evaluations: a field, prefixed with `-` for descending.
    pub enum EvaluationSort {
        EvaluatedOn = "evaluated_on",
        EvaluatedOnDescending = "-evaluated_on",
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListEvaluationsQuery {
    /// One or more vitalities, comma-separated (`weak,dormant`).
    #[param(inline, style = Form, explode = false)]
    pub vitality: Option<crate::vocabulary::CodeSet<Vitality>>,
    /// Free text in the findings and recommendations, case ignored.
    #[param(inline)]
    pub q: Option<crate::validate::SearchParam>,
    /// `-evaluated_on` (the most recent first; the default), `evaluated_on` or `created_at`;
    /// prefix `-` for descending.
    #[param(inline, example = "-evaluated_on")]
    pub sort: Option<EvaluationSort>,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A new evaluation, or the full replacement of a draft.
#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "evaluated_on": "2026-11-20", "evaluators": ["Awa Traoré", "Moussa Keïta"], "vitality": "weak",
    "scores": {"activity": 2, "results": 2, "financing": 1, "responsiveness": 3},
    "findings": "Aucun projet commun depuis 2019.", "recommendations": "Relancer par une mission.",
    "priority_actions": ["Mission à Angers en 2027", "Projet jeunesse"]
}))]
pub struct EvaluationInput {
    #[serde(deserialize_with = "crate::validate::plausible_date::required")]
    pub evaluated_on: NaiveDate,
    /// Names, 1–200 characters each.
    #[schema(format = "name", min_items = 1, max_items = 20)]
    pub evaluators: Vec<String>,
    pub vitality: Vitality,
    pub scores: Scores,
    #[schema(min_length = 1, max_length = 5000)]
    pub findings: Option<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub recommendations: Option<String>,
    #[serde(default)]
    /// 1–500 characters each.
    #[schema(format = "line", max_items = 20)]
    pub priority_actions: Vec<String>,
}

impl From<EvaluationInput> for EvaluationFields {
    fn from(input: EvaluationInput) -> Self {
        Self {
            evaluated_on: input.evaluated_on,
            evaluators: input.evaluators,
            vitality: input.vitality,
            scores: input.scores,
            findings: input.findings,
            recommendations: input.recommendations,
            priority_actions: input.priority_actions,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DueEvaluationList {
    pub items: Vec<DueEvaluation>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DueQuery {
    /// The day to judge on; today when absent.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub as_of: Option<NaiveDate>,
    pub division: Option<Division>,
}
