//! Bodies of the evaluation routes.
use chrono::{DateTime, NaiveDate, Utc};
use entity::evaluation;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::Division,
    error::ApiError,
    http::extract::lenient,
    i18n::Text,
    routes::agreements::dto::{AgreementKind, AgreementStatus},
    validate::{Rules, check_text},
};

crate::code_list! {
    /// How alive the relation is.
    pub enum Vitality as "vitality" {
        Strong = "strong" ("Relation forte", "Strong"),
        Steady = "steady" ("Relation stable", "Steady"),
        Weak = "weak" ("Relation faible", "Weak"),
        Dormant = "dormant" ("Relation en sommeil", "Dormant"),
    }
}

/// Scores from 1 (poor) to 5 (excellent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"activity": 3, "results": 2, "financing": 2, "responsiveness": 4}))]
pub struct Scores {
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "lenient::i32")]
    pub activity: i32,
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "lenient::i32")]
    pub results: i32,
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "lenient::i32")]
    pub financing: i32,
    /// The partner's responsiveness.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "lenient::i32")]
    pub responsiveness: i32,
}

/// An evaluation.
#[derive(Serialize, ToSchema)]
pub struct EvaluationResponse {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub evaluated_on: NaiveDate,
    pub evaluators: Vec<String>,
    pub vitality: Vitality,
    pub scores: Scores,
    pub findings: Option<String>,
    pub recommendations: Option<String>,
    /// The priority actions decided.
    pub priority_actions: Vec<String>,
    /// Set once signed off: the evaluation is then read-only.
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<evaluation::Model> for EvaluationResponse {
    fn from(model: evaluation::Model) -> Self {
        Self {
            id: model.id,
            agreement_id: model.agreement_id,
            evaluated_on: model.evaluated_on,
            evaluators: serde_json::from_value(model.evaluators).unwrap_or_default(),
            vitality: Vitality::parse(&model.vitality).unwrap_or(Vitality::Steady),
            scores: Scores {
                activity: model.score_activity,
                results: model.score_results,
                financing: model.score_financing,
                responsiveness: model.score_responsiveness,
            },
            findings: model.findings,
            recommendations: model.recommendations,
            priority_actions: serde_json::from_value(model.priority_actions).unwrap_or_default(),
            signed_off_at: model.signed_off_at,
            signed_off_by: model.signed_off_by,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

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

impl EvaluationInput {
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        if self.evaluators.is_empty() || self.evaluators.len() > 20 {
            rules.fail(
                "evaluators",
                "count",
                Text::fixed("Entre 1 et 20 évaluateurs.", "Between 1 and 20 evaluators."),
            );
        }
        for (index, name) in self.evaluators.iter().enumerate() {
            check_text(&mut rules, &format!("evaluators[{index}]"), name, 1, 200);
        }
        for (field, score) in [
            ("scores.activity", self.scores.activity),
            ("scores.results", self.scores.results),
            ("scores.financing", self.scores.financing),
            ("scores.responsiveness", self.scores.responsiveness),
        ] {
            rules.range(field, i64::from(score), 1, 5);
        }
        for (field, text) in [("findings", &self.findings), ("recommendations", &self.recommendations)] {
            if let Some(text) = text {
                check_text(&mut rules, field, text, 1, 5000);
            }
        }
        if self.priority_actions.len() > 20 {
            rules.fail("priority_actions", "count", Text::fixed("20 actions au plus.", "At most 20 actions."));
        }
        for (index, action) in self.priority_actions.iter().enumerate() {
            check_text(&mut rules, &format!("priority_actions[{index}]"), action, 1, 500);
        }
        rules.finish()
    }
}

/// An agreement whose next evaluation is due.
#[derive(Serialize, ToSchema)]
pub struct DueEvaluation {
    pub agreement_id: Uuid,
    pub title: String,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub division: Division,
    /// Months between evaluations (the agreement's own, or its kind's default).
    pub cadence_months: i32,
    /// Absent when the agreement was never evaluated.
    pub last_evaluated_on: Option<NaiveDate>,
    pub next_due_on: Option<NaiveDate>,
    /// Days past the due date; absent when never evaluated (those come first).
    pub days_overdue: Option<i64>,
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
