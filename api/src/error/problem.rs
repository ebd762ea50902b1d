//! `Problem`: an error's problem document (RFC 9457), rendered in French or English.
use actix_web::http::StatusCode;
use serde_json::{Map, Value};

use super::FieldError;
use crate::i18n::{Lang, Text};

/// A problem ready to be rendered in either language.
#[derive(Clone, Debug)]
pub struct Problem {
    pub slug: &'static str,
    pub status: StatusCode,
    pub title: Text,
    pub detail: Text,
    pub errors: Vec<FieldError>,
    pub extra: Map<String, Value>,
}

impl Problem {
    /// A generic problem for a status that no handler described (the safety net's fallback).
    pub fn for_status(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        let (slug, title_fr) = match status.as_u16() {
            404 => ("not-found", "Ressource introuvable"),
            405 => ("method-not-allowed", "Méthode non autorisée"),
            408 => ("request-timeout", "Délai de requête dépassé"),
            413 => ("payload-too-large", "Corps trop volumineux"),
            414 => ("uri-too-long", "Adresse trop longue"),
            431 => ("headers-too-large", "En-têtes trop volumineux"),
            400..=499 => ("bad-request", "Requête invalide"),
            _ => ("internal-error", "Erreur interne"),
        };
        let detail = match status.as_u16() {
            405 => Text::fixed(
                "Cette méthode n'est pas acceptée à cette adresse.",
                "This method is not accepted at this address.",
            ),
            400..=499 => Text::fixed(
                "La requête ne peut pas être traitée telle quelle.",
                "The request cannot be processed as sent.",
            ),
            _ => Text::fixed("Une erreur inattendue s'est produite.", "An unexpected error occurred."),
        };
        Self { slug, status, title: Text::new(title_fr, reason), detail, errors: Vec::new(), extra: Map::new() }
    }

    pub fn type_uri(&self) -> String {
        format!("urn:djcd:problem:{}", self.slug)
    }

    pub fn render(&self, lang: Lang, instance: Option<&str>) -> Value {
        let mut body = Map::new();
        body.insert("type".into(), Value::from(self.type_uri()));
        body.insert("title".into(), Value::from(self.title.get(lang)));
        body.insert("status".into(), Value::from(self.status.as_u16()));
        body.insert("detail".into(), Value::from(self.detail.get(lang)));
        if let Some(instance) = instance {
            body.insert("instance".into(), Value::from(instance));
        }
        if !self.errors.is_empty() {
            let errors = self
                .errors
                .iter()
                .map(|e| serde_json::json!({"field": e.field, "code": e.code, "message": e.message.get(lang)}))
                .collect();
            body.insert("errors".into(), Value::Array(errors));
        }
        for (key, value) in &self.extra {
            body.entry(key.clone()).or_insert_with(|| value.clone());
        }
        // Every problem has a code: a conflict's reason, else its kind (the slug, with `_`).
        body.entry("code").or_insert_with(|| Value::from(self.slug.replace('-', "_")));
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[test]
    fn a_problem_renders_in_both_languages_with_its_field_errors() {
        let error = ApiError::invalid("label_fr", "length", Text::fixed("trop long", "too long"));
        let problem = error.problem();
        let fr = problem.render(Lang::Fr, Some("/api/v1/domains"));
        let en = problem.render(Lang::En, None);
        assert_eq!(fr["status"], 422);
        assert_eq!(fr["title"], "Données invalides");
        assert_eq!(en["title"], "Validation failed");
        assert_eq!(fr["instance"], "/api/v1/domains");
        assert_eq!(en["errors"][0]["message"], "too long");
        assert_eq!(en["type"], "urn:djcd:problem:validation-failed");
    }
}
