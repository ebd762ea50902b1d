//! The dated exchange rates to XOF, loaded once to convert many amounts. EUR is fixed by the CFA
//! franc parity and XOF is 1: `money::to_xof` knows them, the table holds the others.
use std::{collections::HashMap, str::FromStr};

use chrono::NaiveDate;
use entity::exchange_rate;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::{error::ApiError, money};

/// Every dated rate, to convert many amounts without a query each.
pub struct Rates(HashMap<String, Vec<(NaiveDate, Decimal)>>);

impl Rates {
    /// A stored rate that is not a decimal is an error: it would silently drop amounts from totals.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, ApiError> {
        let mut map: HashMap<String, Vec<(NaiveDate, Decimal)>> = HashMap::new();
        for row in exchange_rate::Entity::find().order_by_asc(exchange_rate::Column::ValidFrom).all(db).await? {
            let rate = Decimal::from_str(&row.rate_to_xof).map_err(|error| {
                ApiError::Internal(anyhow::anyhow!("stored exchange rate {:?}: {error}", row.rate_to_xof))
            })?;
            map.entry(row.currency).or_default().push((row.valid_from, rate));
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
