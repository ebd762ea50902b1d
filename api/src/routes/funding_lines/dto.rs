//! Bodies of the funding-line routes.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::funding_lines::types::{FundingKind, FundingLineResponse};
use crate::{
    domain::funding_lines::{
        store::LineFilter,
        types::{FundingLineChange, FundingLineInput},
    },
    error::ApiError,
    validate::SearchParam,
    vocabulary::CodeSet,
};

crate::code_list! {
    /// The order of a list of funding lines: a field, prefixed with `-` for descending.
    pub enum FundingLineSort {
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
        UpdatedAt = "updated_at",
        UpdatedAtDescending = "-updated_at",
        TransactionDate = "transaction_date",
        TransactionDateDescending = "-transaction_date",
    }
}

/// A page of funding lines.
#[derive(Serialize, ToSchema)]
pub struct FundingLineList {
    pub items: Vec<FundingLineResponse>,
    pub next_cursor: Option<String>,
    pub total: Option<u64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListFundingLinesQuery {
    pub project: Option<Uuid>,
    /// The funding partner.
    pub partner: Option<Uuid>,
    /// One or more kinds, comma-separated (`commitment,disbursement`).
    #[param(inline, style = Form, explode = false)]
    pub kind: Option<CodeSet<FundingKind>>,
    #[param(pattern = "^[A-Z]{3}$", min_length = 3, max_length = 3)]
    pub currency: Option<String>,
    /// Free text in the reference and the note, case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `created_at` (the default), `updated_at` or `transaction_date`; prefix `-` for descending.
    #[param(inline, example = "-transaction_date")]
    pub sort: Option<FundingLineSort>,
    /// Transactions on or after this date.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub from: Option<NaiveDate>,
    /// Transactions on or before this date.
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub include_archived: bool,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A new funding line. The partner must take part in the project with the `funding` role; a
/// closed or cancelled project takes none.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"partner_id": "0193a4b2-1111-7d2a-9f00-3b8f6a1c2d4e", "kind": "commitment", "amount": "1500.50", "currency": "EUR", "transaction_date": "2026-03-01", "reference": "CONV-2026-04"}))]
pub struct CreateFundingLine {
    /// A partner taking part in the project with the `funding` role.
    pub partner_id: Uuid,
    pub kind: FundingKind,
    /// A positive decimal as text, without sign, exponent or leading zero, below 10^13 (ten
    /// thousand billion), with no more decimals than the currency has.
    #[schema(format = "amount", example = "12500000")]
    pub amount: String,
    /// ISO 4217, one of the currencies the API knows; `XOF` when absent or null.
    #[schema(format = "currency", example = "XOF")]
    pub currency: Option<String>,
    #[serde(deserialize_with = "crate::validate::plausible_date::required")]
    pub transaction_date: NaiveDate,
    #[schema(min_length = 1, max_length = 100)]
    pub reference: Option<String>,
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
    /// Show it to every partner of the project: the director's decision.
    pub is_public: Option<bool>,
}

/// Changes to a funding line; absent fields keep their value.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"is_public": true}))]
pub struct UpdateFundingLine {
    pub kind: Option<FundingKind>,
    /// Checked against the currency the line has once changed.
    #[schema(format = "amount")]
    pub amount: Option<String>,
    /// The line's amount must fit the new currency's decimals.
    #[schema(format = "currency")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "crate::validate::plausible_date::optional")]
    pub transaction_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 100, nullable)]
    pub reference: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(min_length = 1, max_length = 2000, nullable)]
    pub note: Option<Option<String>>,
    pub is_public: Option<bool>,
}

impl ListFundingLinesQuery {
    /// The filters, once the parameters are checked (400 otherwise).
    pub fn filter(&self) -> Result<LineFilter, ApiError> {
        crate::validate::check_param_code("currency", self.currency.as_deref(), 3)?;
        Ok(LineFilter {
            project: self.project,
            partner: self.partner,
            kind: CodeSet::of(&self.kind, "kind")?,
            currency: self.currency.clone(),
            q: self.q.as_deref().map(str::to_owned),
            sort: self.sort.map(FundingLineSort::as_str),
            from: self.from,
            to: self.to,
            include_archived: self.include_archived,
        })
    }
}

impl From<CreateFundingLine> for FundingLineInput {
    fn from(body: CreateFundingLine) -> Self {
        Self {
            partner_id: body.partner_id,
            kind: body.kind,
            amount: body.amount,
            currency: body.currency.unwrap_or_else(|| "XOF".to_owned()),
            transaction_date: body.transaction_date,
            reference: body.reference,
            note: body.note,
            is_public: body.is_public,
        }
    }
}

impl From<UpdateFundingLine> for FundingLineChange {
    fn from(body: UpdateFundingLine) -> Self {
        Self {
            kind: body.kind,
            amount: body.amount,
            currency: body.currency,
            transaction_date: body.transaction_date,
            reference: body.reference,
            note: body.note,
            is_public: body.is_public,
        }
    }
}

/// An exchange rate: how many XOF one unit of `currency` is worth from `valid_from` on.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "currency": "USD", "rate_to_xof": "600.25", "valid_from": "2026-01-01", "created_at": "2026-01-02T08:00:00Z"}))]
pub struct ExchangeRateResponse {
    pub id: Uuid,
    /// ISO 4217, one of the currencies the API knows.
    #[schema(schema_with = known_currency)]
    pub currency: String,
    /// XOF per unit, an exact decimal as text.
    pub rate_to_xof: String,
    pub valid_from: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// The currencies the API knows (`money::known_currencies`), as answers show them.
fn known_currency() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(crate::money::known_currencies()))
        .build()
}

/// A page of exchange rates.
#[derive(Serialize, ToSchema)]
pub struct ExchangeRateList {
    pub items: Vec<ExchangeRateResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// The number of matching rates, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of a list of exchange rates: a field, prefixed with `-` for descending.
    pub enum ExchangeRateSort {
        ValidFrom = "valid_from",
        ValidFromDescending = "-valid_from",
        Currency = "currency",
        CurrencyDescending = "-currency",
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListExchangeRatesQuery {
    /// One currency (ISO 4217).
    #[param(pattern = "^[A-Z]{3}$", min_length = 3, max_length = 3)]
    pub currency: Option<String>,
    /// Free text in the currency code, case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `-valid_from` (the newest rates first; the default), `valid_from`, `currency` or
    /// `created_at`; prefix `-` for descending.
    #[param(inline, example = "-valid_from")]
    pub sort: Option<ExchangeRateSort>,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A new dated rate. EUR is fixed by the CFA franc parity (655.957) and XOF is 1: neither is
/// accepted here.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"currency": "USD", "rate_to_xof": "600.25", "valid_from": "2026-01-01"}))]
pub struct CreateExchangeRate {
    /// A currency the API knows, except XOF and EUR (fixed parity).
    #[schema(format = "rate-currency")]
    pub currency: String,
    /// XOF per unit: a positive decimal, without sign, exponent or leading zero, below 10^15,
    /// with at most 9 decimals.
    #[schema(format = "rate")]
    pub rate_to_xof: String,
    #[serde(deserialize_with = "crate::validate::plausible_date::required")]
    pub valid_from: NaiveDate,
}
