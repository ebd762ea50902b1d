//! Request and response bodies of the domain routes.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::domains::types::DomainResponse;
use crate::domain::domains::types::{DomainChange, NewDomain};

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

impl From<CreateDomain> for NewDomain {
    fn from(body: CreateDomain) -> Self {
        Self { code: body.code, label_fr: body.label_fr, label_en: body.label_en, position: body.position }
    }
}

impl From<UpdateDomain> for DomainChange {
    fn from(body: UpdateDomain) -> Self {
        Self { label_fr: body.label_fr, label_en: body.label_en, position: body.position }
    }
}
