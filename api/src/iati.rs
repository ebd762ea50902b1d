//! Projects as IATI 2.03 activities (`iati-activities` XML), for partners and aggregators.
//!
//! Identifiers use the configurable reporting-organisation reference (`IATI_REPORTING_ORG`);
//! sectors carry the DJCD domain (vocabulary 99) and its DAC 5-digit code (vocabulary 1), each
//! vocabulary's percentages summing to 100; transactions come from the funding lines.
use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::{
    funding_lines::types::FundingKind,
    money::Money,
    partners::types::{PartnerKind, PartnerRef},
    projects::types::{Commune, ParticipantRole, ProjectStatus},
};

/// The DAC 5-digit purpose code of each domain.
pub fn dac_code(domain: &str) -> Option<&'static str> {
    Some(match domain {
        "training" => "43081",
        "administration" => "15185",
        "health" => "12220",
        "education" => "11220",
        "solid_waste" => "14050",
        "sanitation" => "14032",
        "water" => "14031",
        "roads" => "21020",
        "sport_culture" => "16065",
        "youth_exchange" => "16015",
        _ => return None,
    })
}

/// The IATI OrganisationType of a partner kind.
fn organisation_type(kind: PartnerKind) -> &'static str {
    match kind {
        PartnerKind::City => "11",
        PartnerKind::LocalGovernmentNetwork => "90",
        PartnerKind::TechnicalFinancialPartner => "10",
        PartnerKind::InternationalOrganization => "40",
        PartnerKind::Ngo => "21",
        PartnerKind::StateService => "10",
        PartnerKind::Private => "70",
    }
}

/// One transaction of an activity.
pub struct Transaction {
    pub kind: FundingKind,
    pub date: NaiveDate,
    pub amount: Money,
    pub provider: PartnerRef,
}

/// What an activity shows: built from the staff view of a project, or from a partner's view of it
/// (`domain::partner_view`), so that a partner's file says no more than its JSON.
pub struct Activity {
    pub id: Uuid,
    pub title: String,
    pub summary: Option<String>,
    pub status: ProjectStatus,
    pub domains: Vec<String>,
    pub communes: Vec<Commune>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    /// The planned start when the project has no start date.
    pub recorded_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
    pub participants: Vec<(PartnerRef, Vec<ParticipantRole>)>,
    pub budget: Option<Money>,
    pub transactions: Vec<Transaction>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Splits 100 % into `n` shares of two decimals that add up to exactly 100.
pub fn percentages(n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let base = 10_000 / n as u64;
    let mut shares: Vec<u64> = vec![base; n];
    shares[n - 1] += 10_000 - base * n as u64;
    shares.iter().map(|hundredths| format!("{}.{:02}", hundredths / 100, hundredths % 100)).collect()
}

/// The `iati-activities` document of `activities`.
pub fn document(reporting_org: &str, generated: DateTime<Utc>, activities: &[Activity]) -> String {
    let mut xml = String::new();
    let _ = writeln!(xml, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        xml,
        r#"<iati-activities version="2.03" generated-datetime="{}">"#,
        generated.format("%Y-%m-%dT%H:%M:%SZ")
    );
    for activity in activities {
        write_activity(&mut xml, reporting_org, activity);
    }
    xml.push_str("</iati-activities>\n");
    xml
}

fn narrative(text: &str) -> String {
    format!("<narrative>{}</narrative>", escape(text))
}

fn write_activity(xml: &mut String, reporting_org: &str, activity: &Activity) {
    let p = activity;
    let org = escape(reporting_org);
    let _ = writeln!(
        xml,
        r#" <iati-activity last-updated-datetime="{}" xml:lang="fr" default-currency="XOF">"#,
        p.updated_at.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let _ = writeln!(xml, "  <iati-identifier>{org}-{}</iati-identifier>", p.id);
    let _ = writeln!(
        xml,
        r#"  <reporting-org ref="{org}" type="11">{}</reporting-org>"#,
        narrative("Mairie du District de Bamako – Direction du Jumelage et de la Coopération Décentralisée")
    );
    let _ = writeln!(xml, "  <title>{}</title>", narrative(&p.title));
    let _ = writeln!(
        xml,
        r#"  <description type="1">{}</description>"#,
        narrative(p.summary.as_deref().unwrap_or(&p.title))
    );
    let _ = writeln!(
        xml,
        r#"  <participating-org ref="{org}" role="2" type="11">{}</participating-org>"#,
        narrative("Mairie du District de Bamako")
    );
    for (partner, roles) in &p.participants {
        for role in roles {
            let _ = writeln!(
                xml,
                r#"  <participating-org role="{}" type="{}">{}</participating-org>"#,
                role.iati_code(),
                organisation_type(partner.kind),
                narrative(&partner.name)
            );
        }
    }
    let _ = writeln!(xml, r#"  <activity-status code="{}"/>"#, p.status.iati_code());
    let mut dates = Vec::new();
    for (code, date) in [("1", p.planned_start), ("2", p.actual_start), ("3", p.planned_end), ("4", p.actual_end)] {
        if let Some(date) = date {
            dates.push((code, date));
        }
    }
    if !dates.iter().any(|(code, _)| *code == "1" || *code == "2") {
        // IATI needs a start: without one, the day the project was recorded is its planned start.
        dates.insert(0, ("1", p.recorded_on));
    }
    for (code, date) in dates {
        let _ = writeln!(xml, r#"  <activity-date type="{code}" iso-date="{date}"/>"#);
    }
    let _ = writeln!(xml, r#"  <recipient-country code="ML" percentage="100"/>"#);
    let communes: Vec<&str> = p.communes.iter().map(|c| c.as_str()).collect();
    let _ = writeln!(
        xml,
        r#"  <location><location-reach code="1"/><name>{}</name><description>{}</description><point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>12.6392 -8.0029</pos></point><exactness code="2"/><location-class code="2"/><feature-designation code="PPLC"/></location>"#,
        narrative("Bamako"),
        narrative(&format!("District de Bamako : {}", communes.join(", ")))
    );
    let shares = percentages(p.domains.len());
    for (domain, share) in p.domains.iter().zip(&shares) {
        let _ = writeln!(
            xml,
            r#"  <sector vocabulary="99" code="{}" percentage="{share}">{}</sector>"#,
            escape(domain),
            narrative(domain)
        );
    }
    let dac: Vec<&str> = p.domains.iter().filter_map(|d| dac_code(d)).collect();
    for (code, share) in dac.iter().zip(percentages(dac.len())) {
        let _ = writeln!(xml, r#"  <sector vocabulary="1" code="{code}" percentage="{share}"/>"#);
    }
    if let Some(budget) = &p.budget {
        let start = p.planned_start.or(p.actual_start).unwrap_or(p.recorded_on);
        let end = p.planned_end.or(p.actual_end).filter(|end| *end >= start).unwrap_or(start);
        let status = if matches!(p.status, ProjectStatus::Pipeline) { "1" } else { "2" };
        let _ = writeln!(
            xml,
            r#"  <budget type="1" status="{status}"><period-start iso-date="{start}"/><period-end iso-date="{end}"/><value currency="{}" value-date="{start}">{}</value></budget>"#,
            escape(&budget.currency),
            escape(&budget.amount)
        );
    }
    for t in &activity.transactions {
        let _ = writeln!(
            xml,
            r#"  <transaction><transaction-type code="{}"/><transaction-date iso-date="{}"/><value currency="{}" value-date="{}">{}</value><provider-org type="{}">{}</provider-org></transaction>"#,
            t.kind.iati_code(),
            t.date,
            escape(&t.amount.currency),
            t.date,
            escape(&t.amount.amount),
            organisation_type(t.provider.kind),
            narrative(&t.provider.name)
        );
    }
    xml.push_str(" </iati-activity>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_add_up_to_exactly_one_hundred() {
        assert_eq!(percentages(1), ["100.00"]);
        assert_eq!(percentages(2), ["50.00", "50.00"]);
        assert_eq!(percentages(3), ["33.33", "33.33", "33.34"]);
        assert!(percentages(0).is_empty());
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("Eau & <assainissement> \"Fès\""), "Eau &amp; &lt;assainissement&gt; &quot;Fès&quot;");
        assert_eq!(escape("a\u{0}b"), "ab");
    }

    #[test]
    fn every_domain_has_its_dac_code() {
        for domain in [
            "training",
            "administration",
            "health",
            "education",
            "solid_waste",
            "sanitation",
            "water",
            "roads",
            "sport_culture",
            "youth_exchange",
        ] {
            assert_eq!(dac_code(domain).map(str::len), Some(5), "{domain}");
        }
    }
}
