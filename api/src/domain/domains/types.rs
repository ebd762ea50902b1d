//! A domain as the API shows it, and the input of its writes.
use chrono::{DateTime, Utc};
use entity::domain_tag;
use serde::Serialize;
use utoipa::ToSchema;

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

/// A new domain, as the director asks for it (checked by `rules::check_new`).
pub struct NewDomain {
    pub code: String,
    pub label_fr: String,
    pub label_en: String,
    /// After the last one when absent.
    pub position: Option<i32>,
}

/// Changes to a domain; `None` keeps the value (checked by `rules::check_change`).
pub struct DomainChange {
    pub label_fr: Option<String>,
    pub label_en: Option<String>,
    pub position: Option<i32>,
}
