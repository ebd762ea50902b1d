//! `GET /api/v1/vocabularies`: every code list of the API with French and English labels, so that
//! front ends build their forms from the API instead of copying lists.
use actix_web::{HttpResponse, get, web};
use entity::domain_tag;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{Authorized, policy::ReadDomains},
    error::ApiError,
    state::AppState,
    vocabulary,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_vocabularies);
}

/// One entry of a code list.
#[derive(Serialize, ToSchema)]
pub struct VocabularyEntry {
    #[schema(example = "water")]
    pub code: String,
    #[schema(example = "Hydraulique")]
    pub label_fr: String,
    #[schema(example = "Water supply")]
    pub label_en: String,
}

/// A named code list.
#[derive(Serialize, ToSchema)]
pub struct Vocabulary {
    /// The name of the list, as used in the schemas (`domain`, `role`, `division`…).
    #[schema(example = "domain")]
    pub name: String,
    pub entries: Vec<VocabularyEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct VocabularyList {
    pub items: Vec<Vocabulary>,
}

/// Every code list of the API
///
/// Domains (from the database, archived ones left out) and every fixed list: roles, divisions,
/// statuses, kinds, communes… with French and English labels.
#[utoipa::path(
    tag = "vocabularies",
    security(("bearer" = [])),
    responses((status = 200, description = "The code lists", body = VocabularyList))
)]
#[get("/vocabularies")]
pub async fn list_vocabularies(
    _caller: Authorized<ReadDomains>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let domains = domain_tag::Entity::find()
        .filter(domain_tag::Column::ArchivedAt.is_null())
        .order_by_asc(domain_tag::Column::Position)
        .all(&state.db)
        .await?;
    let mut items = vec![Vocabulary {
        name: "domain".into(),
        entries: domains
            .into_iter()
            .map(|d| VocabularyEntry { code: d.code, label_fr: d.label_fr, label_en: d.label_en })
            .collect(),
    }];
    items.extend(vocabulary::FIXED.iter().map(|list| {
        Vocabulary {
            name: list.name.into(),
            entries: list
                .entries
                .iter()
                .map(|(code, fr, en)| VocabularyEntry {
                    code: (*code).into(),
                    label_fr: (*fr).into(),
                    label_en: (*en).into(),
                })
                .collect(),
        }
    }));
    Ok(HttpResponse::Ok().json(VocabularyList { items }))
}
