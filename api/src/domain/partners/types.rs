//! A partner's types: its kind, its contacts, the record as the API shows it, the short reference
//! other records use, and the editable fields a create or an update checks together.
use chrono::{DateTime, Utc};
use entity::partner;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;

crate::code_list! {
    /// The kind of organisation.
    pub enum PartnerKind as "partner_kind" {
        /// A local government (collectivité territoriale): a city, a metropolis.
        City = "city" ("Collectivité territoriale (ville)", "Local government (city)"),
        /// A network of local governments: AIMF, METROPOLIS, UCLG Africa…
        LocalGovernmentNetwork = "local_government_network" ("Réseau de collectivités locales", "Network of local governments"),
        /// A technical and financial partner (PTF): a donor or a development agency.
        TechnicalFinancialPartner = "technical_financial_partner" ("Partenaire technique et financier (PTF)", "Technical and financial partner"),
        InternationalOrganization = "international_organization" ("Organisation internationale", "International organisation"),
        Ngo = "ngo" ("ONG", "NGO"),
        /// A deconcentrated service of the State.
        StateService = "state_service" ("Service déconcentré de l'État", "Deconcentrated State service"),
        Private = "private" ("Secteur privé", "Private sector"),
    }
}

/// A contact person at a partner.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Claire Martin", "function": "Chargée des relations internationales", "email": "c.martin@ville-angers.fr", "phone": "+33 2 41 05 40 00"}))]
pub struct Contact {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(min_length = 1, max_length = 200)]
    pub function: Option<String>,
    #[schema(format = "email")]
    pub email: Option<String>,
    /// Digits, spaces and `+-().`.
    #[schema(format = "phone")]
    pub phone: Option<String>,
}

/// A partner.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "name": "Angers", "short_name": null, "kind": "city",
    "is_classic_ptf": false, "country": "FR", "locality": "Maine-et-Loire", "website": "https://www.angers.fr",
    "languages": ["fr"], "description": null, "latitude": 47.4784, "longitude": -0.5632, "contacts": [],
    "domains": ["education", "health"], "notes": null, "source": "Seed document (DJCD, axes de coopération)",
    "archived": false, "created_at": "2026-11-27T10:00:00Z", "updated_at": "2026-11-27T10:00:00Z"
}))]
pub struct PartnerResponse {
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: PartnerKind,
    /// Counts among Mali's classic technical and financial partners (the seed's third challenge).
    pub is_classic_ptf: bool,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "FR")]
    pub country: String,
    pub locality: Option<String>,
    pub website: Option<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    pub description: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub contacts: Vec<Contact>,
    /// Codes of the domains it works in.
    pub domains: Vec<String>,
    /// Remarks, e.g. where the sources disagree.
    pub notes: Option<String>,
    /// Where the record comes from, for records loaded from a document.
    pub source: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PartnerResponse {
    /// The stored row and its domains as the API shows them; a stored value no type reads is a 500.
    pub fn from_model(model: partner::Model, domains: Vec<String>) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            kind: PartnerKind::from_stored(&model.kind)?,
            languages: stored_json(model.languages, "partner.languages")?,
            contacts: stored_json(model.contacts, "partner.contacts")?,
            name: model.name,
            short_name: model.short_name,
            is_classic_ptf: model.is_classic_ptf,
            country: model.country,
            locality: model.locality,
            website: model.website,
            description: model.description,
            latitude: model.latitude,
            longitude: model.longitude,
            domains,
            notes: model.notes,
            source: model.source,
            archived: model.archived_at.is_some(),
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

/// A partner, as named in an agreement.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PartnerRef {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub kind: PartnerKind,
}

/// A partner as other records name it (agreements, projects, funding lines, events…).
pub fn partner_ref(model: &partner::Model) -> Result<PartnerRef, ApiError> {
    Ok(PartnerRef {
        id: model.id,
        name: model.name.clone(),
        country: model.country.clone(),
        kind: PartnerKind::from_stored(&model.kind)?,
    })
}

/// The references of loaded partners, by id.
pub fn partner_refs<'a>(
    models: impl IntoIterator<Item = &'a partner::Model>,
) -> Result<std::collections::HashMap<Uuid, PartnerRef>, ApiError> {
    models.into_iter().map(|model| Ok((model.id, partner_ref(model)?))).collect()
}

/// A JSON column read back into its type: what the API wrote, so a failure is a schema drift (500).
pub(crate) fn stored_json<T: DeserializeOwned>(value: serde_json::Value, column: &str) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("the database holds an unreadable {column}: {error}")))
}

/// The partner's editable fields after a create or an update, checked together (`rules.rs`).
#[derive(Clone, Debug)]
pub struct PartnerFields {
    pub name: String,
    pub short_name: Option<String>,
    pub kind: PartnerKind,
    pub is_classic_ptf: bool,
    pub country: String,
    pub locality: Option<String>,
    pub website: Option<String>,
    pub languages: Vec<String>,
    pub description: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub contacts: Vec<Contact>,
    pub domains: Vec<String>,
    pub notes: Option<String>,
}

/// A change to a partner: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Default)]
pub struct PartnerChange {
    pub name: Option<String>,
    pub short_name: Option<Option<String>>,
    pub kind: Option<PartnerKind>,
    pub is_classic_ptf: Option<bool>,
    pub country: Option<String>,
    pub locality: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub languages: Option<Vec<String>>,
    pub description: Option<Option<String>>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
    pub contacts: Option<Vec<Contact>>,
    pub domains: Option<Vec<String>>,
    pub notes: Option<Option<String>>,
}

impl PartnerFields {
    /// The fields of a stored partner, with its domains.
    pub fn from_model(model: &partner::Model, domains: Vec<String>) -> Result<Self, ApiError> {
        Ok(Self {
            name: model.name.clone(),
            short_name: model.short_name.clone(),
            kind: PartnerKind::from_stored(&model.kind)?,
            is_classic_ptf: model.is_classic_ptf,
            country: model.country.clone(),
            locality: model.locality.clone(),
            website: model.website.clone(),
            languages: stored_json(model.languages.clone(), "partner.languages")?,
            description: model.description.clone(),
            latitude: model.latitude,
            longitude: model.longitude,
            contacts: stored_json(model.contacts.clone(), "partner.contacts")?,
            domains,
            notes: model.notes.clone(),
        })
    }

    pub fn apply(&mut self, change: PartnerChange) {
        macro_rules! take { ($($field:ident),*) => { $( if let Some(value) = change.$field { self.$field = value; } )* } }
        take!(
            name,
            short_name,
            kind,
            is_classic_ptf,
            country,
            locality,
            website,
            languages,
            description,
            latitude,
            longitude,
            contacts,
            domains,
            notes
        );
    }
}
