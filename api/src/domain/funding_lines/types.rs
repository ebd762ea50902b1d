//! The funding line as the API shows it, its kinds, and its editable state.
use chrono::{DateTime, NaiveDate, Utc};
use entity::funding_line;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    domain::{money::Money, partners::types::PartnerRef},
    error::ApiError,
};

crate::code_list! {
    /// The kind of financial flow (IATI transaction types).
    pub enum FundingKind as "funding_kind" {
        /// Announced, not yet binding (IATI 13, incoming pledge).
        Pledge = "pledge" ("Annonce", "Pledge"),
        /// Binding (IATI 11, incoming commitment).
        Commitment = "commitment" ("Engagement", "Commitment"),
        /// Paid out to the project (IATI 3).
        Disbursement = "disbursement" ("Décaissement", "Disbursement"),
        /// Spent by the project (IATI 4).
        Expenditure = "expenditure" ("Dépense", "Expenditure"),
    }
}

impl FundingKind {
    /// The IATI TransactionType code.
    pub fn iati_code(self) -> u8 {
        match self {
            FundingKind::Pledge => 13,
            FundingKind::Commitment => 11,
            FundingKind::Disbursement => 3,
            FundingKind::Expenditure => 4,
        }
    }
}

/// A funding line.
#[derive(Serialize, ToSchema, Clone)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "project_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e",
    "partner": {"id": "0193a4b2-1111-7d2a-9f00-3b8f6a1c2d4e", "name": "Bordeaux", "country": "FR", "kind": "city"},
    "kind": "commitment", "amount": {"amount": "1500.50", "currency": "EUR"}, "amount_xof": "984263",
    "transaction_date": "2026-03-01", "reference": "CONV-2026-04", "note": null, "is_public": false,
    "archived": false, "created_at": "2026-03-01T10:00:00Z", "updated_at": "2026-03-01T10:00:00Z"
}))]
pub struct FundingLineResponse {
    pub id: Uuid,
    pub project_id: Uuid,
    /// The funding partner.
    pub partner: PartnerRef,
    pub kind: FundingKind,
    pub amount: Money,
    /// The amount in XOF, rounded to the franc; `null` when no exchange rate is known.
    pub amount_xof: Option<String>,
    pub transaction_date: NaiveDate,
    pub reference: Option<String>,
    pub note: Option<String>,
    /// Shown to every partner of the project, not only to the funder.
    pub is_public: bool,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FundingLineResponse {
    /// The stored line as the API shows it; a kind the API does not know is an error.
    pub fn new(model: funding_line::Model, partner: PartnerRef, amount_xof: Option<i128>) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            project_id: model.project_id,
            partner,
            kind: FundingKind::from_stored(&model.kind)?,
            amount: Money::from_minor(model.amount_minor, &model.currency),
            amount_xof: amount_xof.map(|xof| xof.to_string()),
            transaction_date: model.transaction_date,
            reference: model.reference,
            note: model.note,
            is_public: model.is_public,
            archived: model.archived_at.is_some(),
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

/// What a client sends for a new line, before any check (the amount is still text).
pub struct FundingLineInput {
    pub partner_id: Uuid,
    pub kind: FundingKind,
    pub amount: String,
    pub currency: String,
    pub transaction_date: NaiveDate,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub is_public: Option<bool>,
}

/// What a client sends to change a line: absent fields keep their value, `Some(None)` clears.
#[derive(Default)]
pub struct FundingLineChange {
    pub kind: Option<FundingKind>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub transaction_date: Option<NaiveDate>,
    pub reference: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub is_public: Option<bool>,
}

/// The editable state of a line, checked: the amount fits its currency, the texts their bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingLineFields {
    pub kind: FundingKind,
    pub amount_minor: i64,
    pub currency: String,
    pub transaction_date: NaiveDate,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub is_public: bool,
}

impl FundingLineFields {
    /// The state of a stored line.
    pub fn of(model: &funding_line::Model) -> Result<Self, ApiError> {
        Ok(Self {
            kind: FundingKind::from_stored(&model.kind)?,
            amount_minor: model.amount_minor,
            currency: model.currency.clone(),
            transaction_date: model.transaction_date,
            reference: model.reference.clone(),
            note: model.note.clone(),
            is_public: model.is_public,
        })
    }
}
