//! A project's financing: pledged, committed, disbursed and spent, per funder and in total, in the
//! original currencies and in XOF, with the classic PTFs' share. Read from its live funding lines.
use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::store;
use crate::{
    domain::funding_lines::rates::Rates,
    domain::money::Money,
    domain::partners::types::{PartnerRef, partner_ref},
    error::ApiError,
    money::{self, FlowSums},
};

/// Pledged, committed, disbursed and spent amounts in one currency.
#[derive(Serialize, ToSchema, Clone, Default)]
pub struct Flows {
    /// Exact decimal strings.
    pub pledged: String,
    pub committed: String,
    pub disbursed: String,
    pub spent: String,
}

/// The flows in one original currency.
#[derive(Serialize, ToSchema)]
pub struct CurrencyFlows {
    pub currency: String,
    #[serde(flatten)]
    pub flows: Flows,
}

/// What one funder brings.
#[derive(Serialize, ToSchema)]
pub struct FunderFinancing {
    pub partner: PartnerRef,
    /// Counts among Mali's classic technical and financial partners.
    pub is_classic_ptf: bool,
    pub by_currency: Vec<CurrencyFlows>,
    /// In XOF, each line converted at the rate in force on its date and rounded to the franc.
    pub xof: Flows,
}

/// The share of classic PTFs in each flow, as a decimal fraction with 4 decimals ("0.4500");
/// absent where the total is zero.
#[derive(Serialize, ToSchema)]
pub struct Shares {
    pub pledged: Option<String>,
    pub committed: Option<String>,
    pub disbursed: Option<String>,
    pub spent: Option<String>,
}

/// A project's financing.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "project_id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "budget": {"amount": "250000000", "currency": "XOF"}, "budget_xof": "250000000",
    "funders": [], "by_currency": [{"currency": "EUR", "pledged": "0.00", "committed": "1500.50", "disbursed": "0.00", "spent": "0.00"}],
    "xof": {"pledged": "0", "committed": "984263", "disbursed": "0", "spent": "0"},
    "classic_ptf_share": {"pledged": null, "committed": "1.0000", "disbursed": null, "spent": null},
    "unconverted_lines": []
}))]
pub struct ProjectFinancing {
    pub project_id: Uuid,
    pub budget: Option<Money>,
    /// The budget in XOF at today's rate.
    pub budget_xof: Option<String>,
    pub funders: Vec<FunderFinancing>,
    pub by_currency: Vec<CurrencyFlows>,
    pub xof: Flows,
    pub classic_ptf_share: Shares,
    /// Lines left out of the XOF totals for want of an exchange rate on their date.
    pub unconverted_lines: Vec<Uuid>,
}

impl Flows {
    /// The sums of `sums`, formatted in `currency`.
    pub fn of(sums: &FlowSums, currency: &str) -> Self {
        let [pledged, committed, disbursed, spent] = sums.formatted(currency);
        Flows { pledged, committed, disbursed, spent }
    }
}

fn by_currency(sums: &BTreeMap<String, FlowSums>) -> Vec<CurrencyFlows> {
    sums.iter()
        .map(|(currency, sums)| CurrencyFlows { currency: currency.clone(), flows: Flows::of(sums, currency) })
        .collect()
}

/// Computes the financing of a project from its live funding lines; 404 for an unknown project.
pub async fn financing(db: &impl ConnectionTrait, project_id: Uuid) -> Result<ProjectFinancing, ApiError> {
    let (model, _) = store::find(db, project_id).await?;
    let lines = crate::domain::funding_lines::store::live_lines_of(db, vec![project_id]).await?;
    let partners = crate::domain::partners::store::by_ids(db, lines.iter().map(|l| l.partner_id)).await?;
    let rates = Rates::load(db).await?;

    let mut total_by_currency: BTreeMap<String, FlowSums> = BTreeMap::new();
    let mut total_xof = FlowSums::default();
    let mut classic_xof = FlowSums::default();
    let mut funders: BTreeMap<Uuid, (BTreeMap<String, FlowSums>, FlowSums)> = BTreeMap::new();
    let mut unconverted = Vec::new();
    for line in &lines {
        let kind = line.kind.as_str();
        total_by_currency.entry(line.currency.clone()).or_default().add(kind, line.amount_minor);
        let funder = funders.entry(line.partner_id).or_default();
        funder.0.entry(line.currency.clone()).or_default().add(kind, line.amount_minor);
        match rates.to_xof(line.amount_minor, &line.currency, line.transaction_date) {
            Some(xof) => {
                total_xof.add(kind, xof);
                funder.1.add(kind, xof);
                if partners.get(&line.partner_id).is_some_and(|p| p.is_classic_ptf) {
                    classic_xof.add(kind, xof);
                }
            }
            None => unconverted.push(line.id),
        }
    }
    let mut funder_list: Vec<FunderFinancing> = funders
        .iter()
        .filter_map(|(id, (currencies, xof))| {
            let partner = partners.get(id)?;
            Some(partner_ref(partner).map(|reference| FunderFinancing {
                partner: reference,
                is_classic_ptf: partner.is_classic_ptf,
                by_currency: by_currency(currencies),
                xof: Flows::of(xof, "XOF"),
            }))
        })
        .collect::<Result<_, _>>()?;
    funder_list.sort_by(|a, b| a.partner.name.cmp(&b.partner.name));
    let share = |slot: usize| money::share(classic_xof.0[slot], total_xof.0[slot]);
    let budget = match (model.budget_minor, model.budget_currency.as_deref()) {
        (Some(minor), Some(currency)) => {
            Some((Money::from_minor(minor, currency), rates.to_xof(minor, currency, Utc::now().date_naive())))
        }
        _ => None,
    };
    Ok(ProjectFinancing {
        project_id,
        budget_xof: budget.as_ref().and_then(|(_, xof)| xof.map(|x| x.to_string())),
        budget: budget.map(|(money, _)| money),
        funders: funder_list,
        by_currency: by_currency(&total_by_currency),
        xof: Flows::of(&total_xof, "XOF"),
        classic_ptf_share: Shares { pledged: share(0), committed: share(1), disbursed: share(2), spent: share(3) },
        unconverted_lines: unconverted,
    })
}
