//! Exchange rates to XOF, dated, maintained by the director. EUR is fixed by the parity.
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::exchange_rate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use uuid::Uuid;

use super::dto::{
    CreateExchangeRate, ExchangeRateList, ExchangeRateResponse, ExchangeRateSort, ListExchangeRatesQuery,
};
pub use crate::domain::funding_lines::rates::Rates;
use crate::http::change::Change;
use crate::{
    auth::{
        Authorized,
        policy::{ReadRates, WriteRates},
    },
    domain::funding_lines::{rules, store},
    error::ApiError,
    http::{extract::ApiJson, pagination::page_limit},
    i18n::Text,
    records::{
        listing::PageRequest,
        unit_of_work::{Answer, AuditEntry},
    },
    state::AppState,
};

fn response(model: exchange_rate::Model) -> ExchangeRateResponse {
    ExchangeRateResponse {
        id: model.id,
        currency: model.currency,
        rate_to_xof: model.rate_to_xof,
        valid_from: model.valid_from,
        created_at: model.created_at,
    }
}

/// List the exchange rates
///
/// By currency and date. EUR is not listed: it is fixed at 655.957 XOF by the CFA franc parity.
#[utoipa::path(
    tag = "financing",
    params(ListExchangeRatesQuery),
    responses((status = 200, description = "A page of rates", body = ExchangeRateList))
)]
#[get("")]
pub async fn list_exchange_rates(
    _caller: Authorized<ReadRates>,
    state: web::Data<AppState>,
    query: web::Query<ListExchangeRatesQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    crate::validate::check_param_code("currency", query.currency.as_deref(), 3)?;
    let listing =
        store::rate_listing(query.currency.as_deref(), query.q.as_deref(), query.sort.map(ExchangeRateSort::as_str))?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    listing
        .respond_json(
            &state.db,
            request,
            |row| Ok(response(row)),
            |items, next_cursor, total| ExchangeRateList { items, next_cursor, total },
        )
        .await
}

/// Add a dated exchange rate
///
/// A rate is never edited: a new rate from a later date replaces it from that date on. A second
/// rate for the same currency and date is a 409.
#[utoipa::path(
    tag = "financing",
    request_body = CreateExchangeRate,
    responses(
        (status = 201, description = "Added", body = ExchangeRateResponse, headers(("Location" = String, description = "The list of rates"))),
        (status = 409, description = "A rate exists for this currency and date", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_exchange_rate(
    change: Change<WriteRates>,
    body: ApiJson<CreateExchangeRate>,
) -> Result<Answer, ApiError> {
    let body = body.into_inner()?;
    let rate_to_xof = rules::new_rate(&body.currency, &body.rate_to_xof)?;
    let work = change.begin().await?;
    let model = exchange_rate::ActiveModel {
        id: Set(Uuid::now_v7()),
        currency: Set(body.currency),
        rate_to_xof: Set(rate_to_xof),
        valid_from: Set(body.valid_from),
        created_by: Set(Some(change.id)),
        created_at: Set(Utc::now()),
    }
    .insert(work.db())
    .await
    .map_err(|error| match ApiError::from(error) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "rate_exists",
            Text::fixed(
                "Un taux existe déjà pour cette devise à cette date.",
                "A rate already exists for this currency and date.",
            ),
        )
        .on_fields(&["currency", "valid_from"]),
        other => other,
    })?;
    let created = response(model);
    work.done(AuditEntry::created("exchange_rate", created.id, &created)?, created)
        .respond(|created| {
            let mut answer = Answer::json(201, created)?;
            answer.headers.push(("location", "/api/v1/exchange-rates".to_owned()));
            Ok(answer)
        })
        .await
}
