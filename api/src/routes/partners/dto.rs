//! Bodies of the `/partners` routes.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::partners::types::{Contact, PartnerKind, PartnerResponse};
use crate::{
    domain::partners::{
        store::PartnerFilter,
        types::{PartnerChange, PartnerFields},
    },
    validate::{CodeParam, SearchParam},
    vocabulary::CodeSet,
};

/// A page of partners.
#[derive(Serialize, ToSchema)]
pub struct PartnerList {
    pub items: Vec<PartnerResponse>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
    /// The number of matching partners, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of a list of partners: a field, prefixed with `-` for descending.
    pub enum PartnerSort {
        Name = "name",
        NameDescending = "-name",
        Country = "country",
        CountryDescending = "-country",
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
        UpdatedAt = "updated_at",
        UpdatedAtDescending = "-updated_at",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListPartnersQuery {
    /// One or more kinds, comma-separated (`city,network`).
    #[param(inline, style = Form, explode = false)]
    pub kind: Option<CodeSet<PartnerKind>>,
    /// ISO 3166-1 alpha-2.
    #[param(pattern = "^[A-Z]{2}$", min_length = 2, max_length = 2)]
    pub country: Option<String>,
    /// A domain code: partners working in it.
    #[param(inline)]
    pub domain: Option<CodeParam>,
    pub is_classic_ptf: Option<bool>,
    /// Free text, accents and case ignored ("fes" finds "Fès").
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `name`, `country`, `created_at` or `updated_at`; prefix `-` for descending. `name` by default.
    #[param(inline, example = "name")]
    pub sort: Option<PartnerSort>,
    #[serde(default)]
    pub include_archived: bool,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A new partner.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ville de Ségou", "kind": "city", "country": "ML", "languages": ["fr", "bm"], "domains": ["water"]}))]
pub struct CreatePartner {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(min_length = 1, max_length = 60)]
    pub short_name: Option<String>,
    pub kind: PartnerKind,
    #[serde(default)]
    pub is_classic_ptf: bool,
    /// ISO 3166-1 alpha-2.
    #[schema(format = "country")]
    pub country: String,
    #[schema(min_length = 1, max_length = 200)]
    pub locality: Option<String>,
    /// An `http://` or `https://` address.
    #[schema(format = "web-address")]
    pub website: Option<String>,
    /// ISO 639-1 codes.
    #[serde(default)]
    #[schema(format = "language", max_items = 20)]
    pub languages: Vec<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: Option<String>,
    /// With `longitude`: both or neither.
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    /// With `latitude`: both or neither.
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub contacts: Vec<Contact>,
    /// Codes of existing, unarchived domains.
    #[serde(default)]
    #[schema(format = "code", max_items = 20)]
    pub domains: Vec<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub notes: Option<String>,
}

/// Changes to a partner; absent fields keep their value, `null` clears an optional one.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"website": "https://www.angers.fr", "domains": ["education", "health", "water"]}))]
pub struct UpdatePartner {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 60, nullable)]
    pub short_name: Option<Option<String>>,
    pub kind: Option<PartnerKind>,
    pub is_classic_ptf: Option<bool>,
    #[schema(format = "country")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 200, nullable)]
    pub locality: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(format = "web-address", nullable)]
    pub website: Option<Option<String>>,
    #[schema(format = "language", max_items = 20)]
    pub languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 5000, nullable)]
    pub description: Option<Option<String>>,
    /// With `longitude`: the partner has both or neither once changed.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(minimum = -90, maximum = 90, nullable)]
    pub latitude: Option<Option<f64>>,
    /// With `latitude`: the partner has both or neither once changed.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(minimum = -180, maximum = 180, nullable)]
    pub longitude: Option<Option<f64>>,
    #[schema(max_items = 50)]
    pub contacts: Option<Vec<Contact>>,
    #[schema(format = "code", max_items = 20)]
    pub domains: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 5000, nullable)]
    pub notes: Option<Option<String>>,
}

impl ListPartnersQuery {
    /// The query's filters, for the store.
    /// The filters of the query; 422 for an unknown code in a multi-value filter.
    pub fn filter(&self) -> Result<PartnerFilter<'_>, crate::error::ApiError> {
        Ok(PartnerFilter {
            include_archived: self.include_archived,
            kind: CodeSet::of(&self.kind, "kind")?,
            country: self.country.as_deref(),
            is_classic_ptf: self.is_classic_ptf,
            domain: self.domain.as_ref().map(CodeParam::as_str),
            q: self.q.as_deref(),
        })
    }
}

impl From<CreatePartner> for PartnerFields {
    fn from(body: CreatePartner) -> Self {
        Self {
            name: body.name,
            short_name: body.short_name,
            kind: body.kind,
            is_classic_ptf: body.is_classic_ptf,
            country: body.country,
            locality: body.locality,
            website: body.website,
            languages: body.languages,
            description: body.description,
            latitude: body.latitude,
            longitude: body.longitude,
            contacts: body.contacts,
            domains: body.domains,
            notes: body.notes,
        }
    }
}

impl From<UpdatePartner> for PartnerChange {
    fn from(body: UpdatePartner) -> Self {
        Self {
            name: body.name,
            short_name: body.short_name,
            kind: body.kind,
            is_classic_ptf: body.is_classic_ptf,
            country: body.country,
            locality: body.locality,
            website: body.website,
            languages: body.languages,
            description: body.description,
            latitude: body.latitude,
            longitude: body.longitude,
            contacts: body.contacts,
            domains: body.domains,
            notes: body.notes,
        }
    }
}
