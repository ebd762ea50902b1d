//! The rules of a partner's fields that need no database (domains and uniqueness are the store's).
use super::types::PartnerFields;
use crate::{
    error::ApiError,
    i18n::Text,
    validate::{
        Rules, check_count, check_country, check_email, check_language, check_phone, check_text, check_web_address,
    },
};

impl PartnerFields {
    /// Every rule of a partner's fields, reported together. Lengths are those of the text as sent;
    /// the name is stored without surrounding spaces, the domains sorted and without repeats.
    pub fn validate(&mut self) -> Result<(), ApiError> {
        let mut rules = Rules::default();
        check_text(&mut rules, "name", &self.name, 1, 200);
        self.name = self.name.trim().to_owned();
        let optional = [
            ("short_name", &self.short_name, 60),
            ("locality", &self.locality, 200),
            ("description", &self.description, 5000),
            ("notes", &self.notes, 5000),
        ];
        for (field, value, max) in optional {
            if let Some(value) = value {
                check_text(&mut rules, field, value, 1, max);
            }
        }
        check_country(&mut rules, "country", &self.country);
        if let Some(website) = &self.website {
            check_web_address(&mut rules, "website", website);
        }
        for (index, language) in self.languages.iter().enumerate() {
            check_language(&mut rules, &format!("languages[{index}]"), language);
        }
        check_count(&mut rules, "languages", self.languages.len(), 0, 20);
        check_count(&mut rules, "contacts", self.contacts.len(), 0, 50);
        check_count(&mut rules, "domains", self.domains.len(), 0, 20);
        check_coordinates(&mut rules, self.latitude, self.longitude);
        for (index, contact) in self.contacts.iter().enumerate() {
            check_text(&mut rules, &format!("contacts[{index}].name"), &contact.name, 1, 200);
            if let Some(function) = &contact.function {
                check_text(&mut rules, &format!("contacts[{index}].function"), function, 1, 200);
            }
            if let Some(email) = &contact.email {
                check_email(&mut rules, &format!("contacts[{index}].email"), email);
            }
            if let Some(phone) = &contact.phone {
                check_phone(&mut rules, &format!("contacts[{index}].phone"), phone);
            }
        }
        self.domains.sort();
        self.domains.dedup();
        rules.finish()
    }
}

/// Latitude and longitude go together, each within its range.
fn check_coordinates(rules: &mut Rules, latitude: Option<f64>, longitude: Option<f64>) {
    match (latitude, longitude) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) {
                rules.fail("latitude", "range", Text::fixed("Entre -90 et 90.", "Between -90 and 90."));
            }
            if !(-180.0..=180.0).contains(&lon) {
                rules.fail("longitude", "range", Text::fixed("Entre -180 et 180.", "Between -180 and 180."));
            }
        }
        (None, None) => {}
        _ => rules.fail(
            "latitude",
            "pair",
            Text::fixed("Latitude et longitude vont ensemble.", "Latitude and longitude go together."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::partners::types::{Contact, PartnerChange, PartnerKind};

    fn fields() -> PartnerFields {
        PartnerFields {
            name: "  Ville de Ségou ".into(),
            short_name: None,
            kind: PartnerKind::City,
            is_classic_ptf: false,
            country: "ML".into(),
            locality: None,
            website: None,
            languages: vec!["fr".into()],
            description: None,
            latitude: None,
            longitude: None,
            contacts: Vec::new(),
            domains: vec!["water".into(), "health".into(), "water".into()],
            notes: None,
        }
    }

    /// The field names of the 422 a validation gives, or none when it passes.
    fn failing(mut fields: PartnerFields) -> Vec<String> {
        match fields.validate() {
            Ok(()) => Vec::new(),
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("not a 422: {other:?}"),
        }
    }

    #[test]
    fn a_valid_partner_is_trimmed_and_its_domains_sorted_once() {
        let mut fields = fields();
        fields.validate().expect("valid");
        assert_eq!(fields.name, "Ville de Ségou");
        assert_eq!(fields.domains, ["health", "water"]);
    }

    /// Breaks one rule of valid fields.
    type Breaker = fn(&mut PartnerFields);

    #[test]
    fn each_broken_rule_names_its_field() {
        let cases: Vec<(Breaker, &str)> = vec![
            (|f| f.name = String::new(), "name"),
            (|f| f.country = "Mali".into(), "country"),
            (|f| f.website = Some("ftp://x".into()), "website"),
            (|f| f.languages = vec!["french".into()], "languages[0]"),
            (|f| f.latitude = Some(12.6), "latitude"),
            (|f| (f.latitude, f.longitude) = (Some(91.0), Some(0.0)), "latitude"),
            (|f| (f.latitude, f.longitude) = (Some(0.0), Some(181.0)), "longitude"),
            (|f| f.short_name = Some("x".repeat(61)), "short_name"),
            (
                |f| {
                    f.contacts =
                        vec![Contact { name: "A".into(), function: None, email: Some("no".into()), phone: None }]
                },
                "contacts[0].email",
            ),
        ];
        for (break_it, field) in cases {
            let mut broken = fields();
            break_it(&mut broken);
            assert_eq!(failing(broken), [field], "{field}");
        }
    }

    #[test]
    fn a_change_keeps_absent_fields_and_clears_nulls() {
        let mut fields = fields();
        fields.locality = Some("Ségou".into());
        fields.apply(PartnerChange { locality: Some(None), is_classic_ptf: Some(true), ..Default::default() });
        assert_eq!(fields.locality, None);
        assert!(fields.is_classic_ptf);
        assert_eq!(fields.country, "ML");
    }
}
