//! Bodies of the `/partners` routes.
use chrono::{DateTime, Utc};
use entity::partner;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    error::ApiError,
    i18n::Text,
    validate::{
        CodeParam, Rules, SearchParam, check_count, check_country, check_email, check_language, check_phone,
        check_text, check_web_address,
    },
};

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
    pub fn new(model: partner::Model, domains: Vec<String>) -> Self {
        Self {
            id: model.id,
            name: model.name,
            short_name: model.short_name,
            kind: PartnerKind::parse(&model.kind).unwrap_or(PartnerKind::Private),
            is_classic_ptf: model.is_classic_ptf,
            country: model.country,
            locality: model.locality,
            website: model.website,
            languages: serde_json::from_value(model.languages).unwrap_or_default(),
            description: model.description,
            latitude: model.latitude,
            longitude: model.longitude,
            contacts: serde_json::from_value(model.contacts).unwrap_or_default(),
            domains,
            notes: model.notes,
            source: model.source,
            archived: model.archived_at.is_some(),
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

/// A page of partners.
#[derive(Serialize, ToSchema)]
pub struct PartnerList {
    pub items: Vec<PartnerResponse>,
    /// Pass as `cursor` for the next page; absent on the last one.
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
    pub kind: Option<PartnerKind>,
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

/// The partner's fields after a create or an update, checked together.
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

impl PartnerFields {
    pub fn from_current(current: &PartnerResponse) -> Self {
        Self {
            name: current.name.clone(),
            short_name: current.short_name.clone(),
            kind: current.kind,
            is_classic_ptf: current.is_classic_ptf,
            country: current.country.clone(),
            locality: current.locality.clone(),
            website: current.website.clone(),
            languages: current.languages.clone(),
            description: current.description.clone(),
            latitude: current.latitude,
            longitude: current.longitude,
            contacts: current.contacts.clone(),
            domains: current.domains.clone(),
            notes: current.notes.clone(),
        }
    }

    pub fn apply(&mut self, change: UpdatePartner) {
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

    /// Every rule of a partner's fields; domains are checked against the database separately.
    /// Lengths are those of the text as sent; the name is stored without surrounding spaces.
    pub fn validate(&mut self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        check_text(&mut rules, "name", &self.name, 1, 200);
        self.name = self.name.trim().to_owned();
        let optional = [
            ("short_name", &self.short_name, 60),
            ("locality", &self.locality, 200),
            ("description", &self.description, 5000),
            ("notes", &self.notes, 5000),
        ];
        for (field, value, max) in optional {
            if let Some(value) = value {
                check_text(&mut rules, field, value, 1, max);
            }
        }
        check_country(&mut rules, "country", &self.country);
        if let Some(website) = &self.website {
            check_web_address(&mut rules, "website", website);
        }
        for (index, language) in self.languages.iter().enumerate() {
            check_language(&mut rules, &format!("languages[{index}]"), language);
        }
        check_count(&mut rules, "languages", self.languages.len(), 0, 20);
        check_count(&mut rules, "contacts", self.contacts.len(), 0, 50);
        check_count(&mut rules, "domains", self.domains.len(), 0, 20);
        match (self.latitude, self.longitude) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    rules.fail("latitude", "range", Text::fixed("Entre -90 et 90.", "Between -90 and 90."));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    rules.fail("longitude", "range", Text::fixed("Entre -180 et 180.", "Between -180 and 180."));
                }
            }
            (None, None) => {}
            _ => rules.fail(
                "latitude",
                "pair",
                Text::fixed("Latitude et longitude vont ensemble.", "Latitude and longitude go together."),
            ),
        }
        for (index, contact) in self.contacts.iter().enumerate() {
            check_text(&mut rules, &format!("contacts[{index}].name"), &contact.name, 1, 200);
            if let Some(function) = &contact.function {
                check_text(&mut rules, &format!("contacts[{index}].function"), function, 1, 200);
            }
            if let Some(email) = &contact.email {
                check_email(&mut rules, &format!("contacts[{index}].email"), email);
            }
            if let Some(phone) = &contact.phone {
                check_phone(&mut rules, &format!("contacts[{index}].phone"), phone);
            }
        }
        self.domains.sort();
        self.domains.dedup();
        rules.finish()
    }
}
