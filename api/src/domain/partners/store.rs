//! The partners' queries: loading them with their domains (one query per table, never one per
//! row), writing their fields and links, the uniqueness of a name in a country, and the rows of a
//! filtered list.
use std::collections::HashMap;

use entity::{partner, partner_domain};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::Expr,
};
use uuid::Uuid;

use super::types::{PartnerFields, PartnerKind, PartnerResponse};
use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
    records::{
        listing::{Sort, SortField, SortKind, SortValue, linked},
        search,
    },
};

/// The fields a list of partners may be sorted by.
pub const SORTS: &[SortField] = &[
    SortField { name: "name", expr: || Expr::col(partner::Column::NameKey), kind: SortKind::Text },
    SortField { name: "country", expr: || Expr::col(partner::Column::Country), kind: SortKind::Text },
    SortField { name: "created_at", expr: || Expr::col(partner::Column::CreatedAt), kind: SortKind::Timestamp },
    SortField { name: "updated_at", expr: || Expr::col(partner::Column::UpdatedAt), kind: SortKind::Timestamp },
];

/// A row's place in a sorted list: its sort value and id.
pub fn position(sort: &Sort, model: &partner::Model) -> (SortValue, Uuid) {
    let value = match sort.field.name {
        "country" => SortValue::Text(model.country.clone()),
        "created_at" => SortValue::Timestamp(model.created_at),
        "updated_at" => SortValue::Timestamp(model.updated_at),
        _ => SortValue::Text(model.name_key.clone()),
    };
    (value, model.id)
}

/// What a list of partners is filtered on; the filters combine with AND.
#[derive(Default)]
pub struct PartnerFilter<'a> {
    pub include_archived: bool,
    /// Any of these kinds (none: every kind).
    pub kind: Vec<PartnerKind>,
    pub country: Option<&'a str>,
    pub is_classic_ptf: Option<bool>,
    pub domain: Option<&'a str>,
    pub q: Option<&'a str>,
}

/// The partners matching `filter`, unordered (the list orders and pages them).
pub fn select(filter: &PartnerFilter) -> Result<Select<partner::Entity>, ApiError> {
    let mut select = partner::Entity::find();
    if !filter.include_archived {
        select = select.filter(partner::Column::ArchivedAt.is_null());
    }
    if !filter.kind.is_empty() {
        select = select.filter(partner::Column::Kind.is_in(filter.kind.iter().map(|k| k.as_str())));
    }
    if let Some(country) = filter.country {
        select = select.filter(partner::Column::Country.eq(country));
    }
    if let Some(classic) = filter.is_classic_ptf {
        select = select.filter(partner::Column::IsClassicPtf.eq(classic));
    }
    if let Some(domain) = filter.domain {
        use partner_domain::{Column, Entity};
        select = select.filter(linked::<Entity>(partner::Column::Id, Column::PartnerId, Column::DomainCode, domain));
    }
    if let Some(condition) = search::matching(partner::Column::SearchText, filter.q)? {
        select = select.filter(condition);
    }
    Ok(select)
}

/// The domains of each partner of `ids`, in one query.
pub async fn domains_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<String>>, ApiError> {
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    let rows = partner_domain::Entity::find()
        .filter(partner_domain::Column::PartnerId.is_in(ids.to_vec()))
        .order_by_asc(partner_domain::Column::DomainCode)
        .all(db)
        .await?;
    for row in rows {
        map.entry(row.partner_id).or_default().push(row.domain_code);
    }
    Ok(map)
}

/// Partners as the API shows them.
pub async fn views(db: &impl ConnectionTrait, models: Vec<partner::Model>) -> Result<Vec<PartnerResponse>, ApiError> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut domains = domains_of(db, &ids).await?;
    models
        .into_iter()
        .map(|model| {
            let own = domains.remove(&model.id).unwrap_or_default();
            PartnerResponse::from_model(model, own)
        })
        .collect()
}

/// The partners of `ids` (repeats allowed), by id: one query for the references of a page.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, partner::Model>, ApiError> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    let partners = partner::Entity::find().filter(partner::Column::Id.is_in(ids)).all(db).await?;
    Ok(partners.into_iter().map(|partner| (partner.id, partner)).collect())
}

/// One stored partner, or 404.
pub async fn find_model(db: &impl ConnectionTrait, id: Uuid) -> Result<partner::Model, ApiError> {
    partner::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)
}

/// One partner, stored and as the API shows it, or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<(partner::Model, PartnerResponse), ApiError> {
    let model = find_model(db, id).await?;
    let domains = domains_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok((model.clone(), PartnerResponse::from_model(model, domains)?))
}

/// Replaces the domains of a partner.
pub async fn set_domains(db: &impl ConnectionTrait, id: Uuid, codes: &[String]) -> Result<(), ApiError> {
    partner_domain::Entity::delete_many().filter(partner_domain::Column::PartnerId.eq(id)).exec(db).await?;
    if !codes.is_empty() {
        let rows = codes
            .iter()
            .map(|code| partner_domain::ActiveModel { partner_id: Set(id), domain_code: Set(code.clone()) });
        partner_domain::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Checks that the partners exist and are not archived: a 422 naming each unknown one, `field` with
/// its index in the list for a list field (`parties[]` gives `parties[1]`).
pub async fn check_partners(db: &impl ConnectionTrait, field: &str, ids: &[Uuid]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let live: Vec<Uuid> = partner::Entity::find()
        .select_only()
        .column(partner::Column::Id)
        .filter(partner::Column::Id.is_in(ids.to_vec()))
        .filter(partner::Column::ArchivedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let errors: Vec<FieldError> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !live.contains(id))
        .map(|(index, _)| {
            FieldError::new(
                crate::validate::item_field(field, index),
                "unknown_partner",
                Text::fixed("Partenaire inconnu ou archivé.", "Unknown or archived partner."),
            )
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Writes the editable fields into a row, with its name key and search text.
pub fn write_fields(model: &mut partner::ActiveModel, fields: &PartnerFields) -> Result<(), ApiError> {
    model.name = Set(fields.name.clone());
    model.short_name = Set(fields.short_name.clone());
    model.kind = Set(fields.kind.as_str().to_owned());
    model.is_classic_ptf = Set(fields.is_classic_ptf);
    model.country = Set(fields.country.clone());
    model.locality = Set(fields.locality.clone());
    model.website = Set(fields.website.clone());
    model.languages = Set(serde_json::json!(fields.languages));
    model.description = Set(fields.description.clone());
    model.latitude = Set(fields.latitude);
    model.longitude = Set(fields.longitude);
    model.contacts = Set(serde_json::to_value(&fields.contacts).map_err(|error| ApiError::Internal(error.into()))?);
    model.notes = Set(fields.notes.clone());
    model.name_key = Set(search::normalize(&fields.name));
    model.search_text = Set(search::search_text([
        fields.name.as_str(),
        fields.short_name.as_deref().unwrap_or(""),
        fields.locality.as_deref().unwrap_or(""),
        fields.country.as_str(),
        fields.description.as_deref().unwrap_or(""),
    ]));
    Ok(())
}

/// A friendlier 409 than the unique index's, checked first (naming the partner that exists); the
/// index still decides races, see [`duplicate_as_conflict`].
pub async fn ensure_unique(
    db: &impl ConnectionTrait,
    fields: &PartnerFields,
    except: Option<Uuid>,
) -> Result<(), ApiError> {
    let mut select = partner::Entity::find()
        .filter(partner::Column::NameKey.eq(search::normalize(&fields.name)))
        .filter(partner::Column::Country.eq(fields.country.clone()));
    if let Some(except) = except {
        select = select.filter(partner::Column::Id.ne(except));
    }
    match select.one(db).await? {
        Some(existing) => {
            let mut extra = serde_json::Map::new();
            extra.insert("existing_id".into(), serde_json::Value::from(existing.id.to_string()));
            Err(ApiError::Conflict { code: "partner_exists", detail: partner_exists(), extra, fields: Vec::new() }
                .on_fields(PARTNER_KEY))
        }
        None => Ok(()),
    }
}

/// The unique index's refusal (a partner of that name came in between) as the partners' own 409.
pub fn duplicate_as_conflict(error: impl Into<ApiError>) -> ApiError {
    match error.into() {
        ApiError::Conflict { code: "already_exists", .. } => {
            ApiError::conflict("partner_exists", partner_exists()).on_fields(PARTNER_KEY)
        }
        other => other,
    }
}

/// The fields that make a partner unique (its name, as compared, in its country).
const PARTNER_KEY: &[&str] = &["name", "country"];

fn partner_exists() -> Text {
    Text::fixed(
        "Un partenaire de ce nom existe déjà dans ce pays.",
        "A partner with this name already exists in this country.",
    )
}
