//! Request and response bodies of the domain routes.
use chrono::{DateTime, Utc};
use entity::domain_tag;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::{ApiError, FieldError},
    validate::{Rules, check_code, check_text},
};

/// A domain of cooperation.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "code": "water", "label_fr": "Hydraulique", "label_en": "Water supply", "position": 7,
    "archived": false, "created_at": "2026-11-27T10:00:00Z", "updated_at": "2026-11-27T10:00:00Z"
}))]
pub struct DomainResponse {
    /// Stable code, used by every other resource to name the domain.
    pub code: String,
    /// Label in French.
    pub label_fr: String,
    /// Label in English.
    pub label_en: String,
    /// Display order in forms and reports.
    pub position: i32,
    /// Archived domains cannot be attached to new records; they stay readable.
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<domain_tag::Model> for DomainResponse {
    fn from(model: domain_tag::Model) -> Self {
        Self {
            code: model.code,
            label_fr: model.label_fr,
            label_en: model.label_en,
            position: model.position,
            archived: model.archived_at.is_some(),
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

/// The domains, in display order.
#[derive(Serialize, ToSchema)]
pub struct DomainList {
    pub items: Vec<DomainResponse>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListDomainsQuery {
    /// Include archived domains.
    #[serde(default)]
    pub include_archived: bool,
}

/// A new domain of cooperation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "urban_planning", "label_fr": "Urbanisme", "label_en": "Urban planning"}))]
pub struct CreateDomain {
    /// Lower-case letters, digits and `_`, starting with a letter; 2 to 40 characters. Never changes.
    #[schema(pattern = "^[a-z][a-z0-9_]{1,39}$", min_length = 2, max_length = 40)]
    pub code: String,
    /// Label in French.
    #[schema(min_length = 1, max_length = 200)]
    pub label_fr: String,
    /// Label in English.
    #[schema(min_length = 1, max_length = 200)]
    pub label_en: String,
    /// Display order; after the last one when absent.
    #[schema(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::http::extract::lenient::option_i32")]
    pub position: Option<i32>,
}

impl CreateDomain {
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        check_code(&mut rules, "code", &self.code);
        check_text(&mut rules, "label_fr", &self.label_fr, 1, 200);
        check_text(&mut rules, "label_en", &self.label_en, 1, 200);
        if let Some(position) = self.position {
            rules.range("position", i64::from(position), 1, 1000);
        }
        rules.finish()
    }
}

/// Changes to a domain; absent fields keep their value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label_en": "Drinking water supply"}))]
pub struct UpdateDomain {
    #[schema(min_length = 1, max_length = 200)]
    pub label_fr: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub label_en: Option<String>,
    #[schema(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::http::extract::lenient::option_i32")]
    pub position: Option<i32>,
}

impl UpdateDomain {
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        if let Some(label) = &self.label_fr {
            check_text(&mut rules, "label_fr", label, 1, 200);
        }
        if let Some(label) = &self.label_en {
            check_text(&mut rules, "label_en", label, 1, 200);
        }
        if let Some(position) = self.position {
            rules.range("position", i64::from(position), 1, 1000);
        }
        if self.label_fr.is_none() && self.label_en.is_none() && self.position.is_none() {
            rules.push(FieldError::new(
                "body",
                "empty",
                crate::i18n::Text::fixed("Aucun champ à modifier.", "No field to change."),
            ));
        }
        rules.finish()
    }
}
