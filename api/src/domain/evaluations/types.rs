//! The evaluation as the domain holds it: its editable content ([`EvaluationFields`]), its codes,
//! and its views as the API shows them.
use chrono::{DateTime, NaiveDate, Utc};
use entity::evaluation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Division,
    domain::agreements::types::{AgreementKind, AgreementStatus},
    error::ApiError,
    i18n::Text,
    lenient,
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

/// The content of an evaluation, as written on creation and replaced while it is a draft.
#[derive(Clone, Debug)]
pub struct EvaluationFields {
    pub evaluated_on: NaiveDate,
    pub evaluators: Vec<String>,
    pub vitality: Vitality,
    pub scores: Scores,
    pub findings: Option<String>,
    pub recommendations: Option<String>,
    pub priority_actions: Vec<String>,
}

impl EvaluationFields {
    /// Every broken rule at once (422).
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

impl TryFrom<evaluation::Model> for EvaluationResponse {
    type Error = ApiError;

    /// Fails (500) on stored data no evaluation can hold, instead of showing a default.
    fn try_from(model: evaluation::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            agreement_id: model.agreement_id,
            evaluated_on: model.evaluated_on,
            evaluators: stored_texts("evaluation.evaluators", model.evaluators)?,
            vitality: Vitality::from_stored(&model.vitality)?,
            scores: Scores {
                activity: model.score_activity,
                results: model.score_results,
                financing: model.score_financing,
                responsiveness: model.score_responsiveness,
            },
            findings: model.findings,
            recommendations: model.recommendations,
            priority_actions: stored_texts("evaluation.priority_actions", model.priority_actions)?,
            signed_off_at: model.signed_off_at,
            signed_off_by: model.signed_off_by,
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

/// A JSON list of texts read from the database.
fn stored_texts(column: &str, value: serde_json::Value) -> Result<Vec<String>, ApiError> {
    serde_json::from_value(value)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("{column} holds something else than texts: {error}")))
}

/// An agreement whose next evaluation is due.
#[derive(Debug, PartialEq, Serialize, ToSchema)]
pub struct DueEvaluation {
    pub agreement_id: Uuid,
    pub title: String,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub division: Division,
    /// Months between evaluations (the agreement's own, or its kind's default).
    pub cadence_months: i32,
    /// `null` when the agreement was never evaluated.
    pub last_evaluated_on: Option<NaiveDate>,
    pub next_due_on: Option<NaiveDate>,
    /// Days past the due date; `null` when never evaluated (those come first).
    pub days_overdue: Option<i64>,
}
