//! Exchange rates to XOF, dated, maintained by the director. EUR is fixed by the parity.
use std::{collections::HashMap, str::FromStr};

use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{NaiveDate, Utc};
use entity::exchange_rate;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};
use uuid::Uuid;

use super::dto::{CreateExchangeRate, ExchangeRateList, ExchangeRateResponse};
use crate::{
    auth::{
        Authorized,
        policy::{ReadRates, WriteRates},
    },
    error::ApiError,
    http::{extract::ApiJson, middleware::RequestId},
    i18n::Text,
    money,
    records::audit::{self, ChangeContext},
    state::AppState,
    validate::Rules,
};

/// Every dated rate, to convert many amounts without a query each.
pub struct Rates(HashMap<String, Vec<(NaiveDate, Decimal)>>);

impl Rates {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, ApiError> {
        let mut map: HashMap<String, Vec<(NaiveDate, Decimal)>> = HashMap::new();
        for row in exchange_rate::Entity::find().order_by_asc(exchange_rate::Column::ValidFrom).all(db).await? {
            if let Ok(rate) = Decimal::from_str(&row.rate_to_xof) {
                map.entry(row.currency).or_default().push((row.valid_from, rate));
            }
        }
        Ok(Self(map))
    }

    /// The rate in force on `date`: the latest one dated on or before it.
    pub fn on(&self, currency: &str, date: NaiveDate) -> Option<&Decimal> {
        self.0.get(currency)?.iter().rev().find(|(from, _)| *from <= date).map(|(_, rate)| rate)
    }

    /// `minor` units of `currency` (one amount or a sum) on `date`, in XOF (rounded to the franc).
    pub fn to_xof(&self, minor: impl Into<i128>, currency: &str, date: NaiveDate) -> Option<i128> {
        money::to_xof(minor, currency, self.on(currency, date))
    }
}

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
    security(("bearer" = [])),
    responses((status = 200, description = "The rates", body = ExchangeRateList))
)]
#[get("")]
pub async fn list_exchange_rates(
    _caller: Authorized<ReadRates>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let rows = exchange_rate::Entity::find()
        .order_by_asc(exchange_rate::Column::Currency)
        .order_by_asc(exchange_rate::Column::ValidFrom)
        .all(&state.db)
        .await?;
    Ok(HttpResponse::Ok().json(ExchangeRateList { items: rows.into_iter().map(response).collect() }))
}

/// Add a dated exchange rate
///
/// A rate is never edited: a new rate from a later date replaces it from that date on. A second
/// rate for the same currency and date is a 409.
#[utoipa::path(
    tag = "financing",
    security(("bearer" = [])),
    request_body = CreateExchangeRate,
    responses(
        (status = 201, description = "Added", body = ExchangeRateResponse, headers(("Location" = String, description = "The list of rates"))),
        (status = 409, description = "A rate exists for this currency and date", body = crate::error::ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_exchange_rate(
    caller: Authorized<WriteRates>,
    request_id: RequestId,
    state: web::Data<AppState>,
    body: ApiJson<CreateExchangeRate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let mut rules = Rules::default();
    if money::minor_units(&body.currency).is_none() {
        rules.fail(
            "currency",
            "unknown_currency",
            Text::new(format!("Devise inconnue : {}.", body.currency), format!("Unknown currency: {}.", body.currency)),
        );
    } else if body.currency == "XOF" || body.currency == "EUR" {
        rules.fail(
            "currency",
            "fixed",
            Text::fixed("XOF et EUR ont une parité fixe.", "XOF and EUR have a fixed parity."),
        );
    }
    let rate = money::parse_rate(&body.rate_to_xof);
    if rate.is_none() {
        rules.fail(
            "rate_to_xof",
            "format",
            Text::fixed("Un décimal positif (9 décimales au plus).", "A positive decimal (at most 9 decimals)."),
        );
    }
    rules.finish()?;
    let txn = crate::db::begin_write(&state.db).await?;
    let model = exchange_rate::ActiveModel {
        id: Set(Uuid::now_v7()),
        currency: Set(body.currency.clone()),
        rate_to_xof: Set(rate.map(|r| r.normalize().to_string()).unwrap_or_default()),
        valid_from: Set(body.valid_from),
        created_by: Set(Some(caller.id)),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(|error| match ApiError::from(error) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "rate_exists",
            Text::fixed(
                "Un taux existe déjà pour cette devise à cette date.",
                "A rate already exists for this currency and date.",
            ),
        ),
        other => other,
    })?;
    let created = response(model);
    audit::record::<(), _>(
        &txn,
        &ChangeContext::new(&caller, &request_id),
        "exchange_rate",
        created.id,
        "create",
        None,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, "/api/v1/exchange-rates")).json(created))
}
