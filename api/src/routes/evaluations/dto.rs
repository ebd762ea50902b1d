//! Bodies of the evaluation routes. The evaluation itself (content, codes, views) is
//! `domain::evaluations::types`; its views are re-exported here for the OpenAPI document.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::evaluations::types::{DueEvaluation, EvaluationResponse, Scores, Vitality};
use crate::{auth::Division, domain::evaluations::types::EvaluationFields};

#[derive(Serialize, ToSchema)]
pub struct EvaluationList {
    pub items: Vec<EvaluationResponse>,
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
