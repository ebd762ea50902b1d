//! The JSON the baseline answers: the same shapes as the API's projects and partner pages.
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Serialize)]
pub struct PartnerRef {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub kind: String,
}

#[derive(Serialize)]
pub struct Participant {
    pub partner: PartnerRef,
    pub roles: Vec<String>,
}

#[derive(Serialize)]
pub struct Money {
    pub amount: String,
    pub currency: String,
}

#[derive(Serialize)]
pub struct Project {
    pub id: Uuid,
    pub title: String,
    pub summary: Option<String>,
    pub internal_notes: Option<String>,
    pub agreement_id: Option<Uuid>,
    pub division: String,
    pub agent_in_charge_id: Option<Uuid>,
    pub domains: Vec<String>,
    pub communes: Vec<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub progress: i32,
    pub status: String,
    pub budget: Option<Money>,
    pub participants: Vec<Participant>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
pub struct FundingLine {
    pub id: Uuid,
    pub funder: PartnerRef,
    pub kind: String,
    pub amount: Money,
    pub amount_xof: Option<String>,
    pub transaction_date: NaiveDate,
    pub reference: Option<String>,
}

/// A funding line as read: id, project, funder, kind, amount, currency, date, reference, public.
pub type LineRow = (Uuid, Uuid, Uuid, String, i64, String, NaiveDate, Option<String>, bool);

#[derive(Serialize)]
pub struct Totals {
    pub pledged: String,
    pub committed: String,
    pub disbursed: String,
    pub spent: String,
}

#[derive(Serialize)]
pub struct PartnerProject {
    pub id: Uuid,
    pub title: String,
    pub summary: Option<String>,
    pub status: String,
    pub progress: i32,
    pub domains: Vec<String>,
    pub communes: Vec<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub roles: Vec<String>,
    pub funding_lines: Vec<FundingLine>,
    pub totals_xof: Totals,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
