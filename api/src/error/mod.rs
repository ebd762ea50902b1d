//! `ApiError`, the one error type of the API, rendered as `application/problem+json` (RFC 9457).
//!
//! Handlers return `Result<_, ApiError>`. The response body is written in French; the
//! `problem_details` middleware re-renders it in the client's language and fills `instance`.
use std::time::Duration;

use actix_web::ResponseError;
use serde_json::{Map, Value};

use crate::i18n::Text;

mod codes;
mod db;
mod problem;
mod response;
mod schema;

pub use codes::{PROBLEM_CODES, ProblemCode, is_known as is_known_code};
pub use db::{is_storage_full, is_unavailable};
pub use problem::Problem;
pub use schema::{FieldErrorDocument, ProblemDocument};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One rule broken by one field of a request.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Self { field: field.into(), code, message }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be parsed (malformed JSON, wrong type, unknown field, bad parameter).
    #[error("bad request: {}", .0.en)]
    BadRequest(Text, Vec<FieldError>),
    /// 401: no valid credentials.
    #[error("unauthorized: {}", .0.en)]
    Unauthorized(Text),
    /// 403: authenticated, but the role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 404: no such resource (or one the caller may not know exists).
    #[error("not found")]
    NotFound,
    /// 405: the path exists, not with this method; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    /// 409: the request conflicts with the current state; `extra` adds members to the problem and
    /// `fields` names the request fields the conflict is about (`errors[]`, with the conflict's code).
    #[error("conflict: {}", .detail.en)]
    Conflict { code: &'static str, detail: Text, extra: Map<String, Value>, fields: Vec<String> },
    /// 412: `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed { current_etag: String },
    /// 413: the body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// 415: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType { expected: &'static str },
    /// 422: the body parses but breaks a rule.
    #[error("unprocessable: {} field error(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// 428: `If-Match` is required and missing.
    #[error("precondition required")]
    PreconditionRequired,
    /// 429: too many requests; retry after the given delay.
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    /// 503: the database cannot be reached now; retry later.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// 503: the server's disk is full; the write was not saved (reads still work); retry later.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// 500: a fault of the server. Logged with its cause, answered without internals.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(detail: Text) -> Self {
        Self::BadRequest(detail, Vec::new())
    }

    pub fn invalid(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict(code: &'static str, detail: Text) -> Self {
        Self::Conflict { code, detail, extra: Map::new(), fields: Vec::new() }
    }

    /// A 409 about these request fields (`email`; `name` and `country`): each one is named in
    /// `errors[]` with the conflict's code and detail. Other errors are returned unchanged.
    pub fn on_fields(self, names: &[&str]) -> Self {
        match self {
            Self::Conflict { code, detail, extra, .. } => {
                Self::Conflict { code, detail, extra, fields: names.iter().map(|name| (*name).to_owned()).collect() }
            }
            other => other,
        }
    }

    /// The machine-readable problem for this error, before localisation.
    pub fn problem(&self) -> Problem {
        use ApiError::*;
        let (slug, title, detail) = match self {
            BadRequest(detail, _) => ("bad-request", Text::fixed("Requête invalide", "Bad request"), detail.clone()),
            Unauthorized(detail) => {
                ("unauthorized", Text::fixed("Authentification requise", "Authentication required"), detail.clone())
            }
            Forbidden => (
                "forbidden",
                Text::fixed("Action non autorisée", "Forbidden"),
                Text::fixed("Votre rôle ne permet pas cette action.", "Your role does not allow this action."),
            ),
            NotFound => (
                "not-found",
                Text::fixed("Ressource introuvable", "Not found"),
                Text::fixed("Aucune ressource ne correspond à cette adresse.", "No resource matches this address."),
            ),
            Conflict { detail, .. } => ("conflict", Text::fixed("Conflit", "Conflict"), detail.clone()),
            MethodNotAllowed { allow } => (
                "method-not-allowed",
                Text::fixed("Méthode non autorisée", "Method not allowed"),
                Text::new(
                    format!("Méthodes acceptées à cette adresse : {}.", allow.join(", ")),
                    format!("Methods accepted at this address: {}.", allow.join(", ")),
                ),
            ),
            PreconditionFailed { .. } => (
                "precondition-failed",
                Text::fixed("Version périmée", "Precondition failed"),
                Text::fixed(
                    "La ressource a changé depuis votre lecture : relisez-la puis recommencez avec son ETag actuel.",
                    "The resource changed since you read it: read it again and retry with its current ETag.",
                ),
            ),
            PayloadTooLarge { limit } => (
                "payload-too-large",
                Text::fixed("Corps trop volumineux", "Payload too large"),
                Text::new(
                    format!("Le corps de la requête dépasse la limite de {limit} octets."),
                    format!("The request body exceeds the limit of {limit} bytes."),
                ),
            ),
            UnsupportedMediaType { expected } => (
                "unsupported-media-type",
                Text::fixed("Type de contenu non pris en charge", "Unsupported media type"),
                Text::new(format!("Envoyez le corps en {expected}."), format!("Send the body as {expected}.")),
            ),
            Validation(_) => (
                "validation-failed",
                Text::fixed("Données invalides", "Validation failed"),
                Text::fixed("Certaines valeurs ne respectent pas les règles.", "Some values break the rules."),
            ),
            PreconditionRequired => (
                "precondition-required",
                Text::fixed("En-tête If-Match requis", "Precondition required"),
                Text::fixed(
                    "Envoyez l'ETag lu par GET dans l'en-tête If-Match pour modifier cette ressource.",
                    "Send the ETag read by GET in the If-Match header to change this resource.",
                ),
            ),
            TooManyRequests { retry_after } => (
                "too-many-requests",
                Text::fixed("Trop de requêtes", "Too many requests"),
                Text::new(
                    format!("Réessayez dans {} s.", retry_after.as_secs().max(1)),
                    format!("Retry in {} s.", retry_after.as_secs().max(1)),
                ),
            ),
            Unavailable(_) => (
                "service-unavailable",
                Text::fixed("Service indisponible", "Service unavailable"),
                Text::fixed(
                    "La base de données est momentanément injoignable. Réessayez bientôt.",
                    "The database cannot be reached at the moment. Retry shortly.",
                ),
            ),
            StorageFull(_) => (
                "storage-full",
                Text::fixed("Espace disque épuisé", "Storage full"),
                Text::fixed(
                    "Le disque du serveur est plein : la modification n'a pas été enregistrée. Les consultations restent possibles ; réessayez plus tard.",
                    "The server's disk is full: the change was not saved. Reads still work; retry later.",
                ),
            ),
            Internal(_) => (
                "internal-error",
                Text::fixed("Erreur interne", "Internal server error"),
                Text::fixed(
                    "Une erreur inattendue s'est produite ; elle a été journalisée avec l'identifiant de la requête.",
                    "An unexpected error occurred; it was logged with the request id.",
                ),
            ),
        };
        let errors = match self {
            BadRequest(_, errors) | Validation(errors) => errors.clone(),
            Conflict { code, detail, fields, .. } => {
                fields.iter().map(|field| FieldError::new(field.clone(), code, detail.clone())).collect()
            }
            _ => Vec::new(),
        };
        let mut extra = Map::new();
        match self {
            Conflict { code, extra: more, .. } => {
                extra.insert("code".into(), Value::from(*code));
                extra.extend(more.clone());
            }
            PreconditionFailed { current_etag } => {
                extra.insert("current_etag".into(), Value::from(current_etag.clone()));
            }
            _ => {}
        }
        Problem { slug, status: self.status_code(), title, detail, errors, extra }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{ResponseError, http::StatusCode};

    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_conflict_carries_its_code_and_extra_members() {
        let mut extra = Map::new();
        extra.insert("allowed".into(), serde_json::json!(["active"]));
        let error =
            ApiError::Conflict { code: "invalid_transition", detail: Text::fixed("a", "b"), extra, fields: Vec::new() }
                .on_fields(&["status"]);
        let body = error.problem().render(Lang::En, None);
        assert_eq!(body["code"], "invalid_transition");
        assert_eq!(body["allowed"][0], "active");
        assert_eq!(body["errors"][0]["field"], "status");
        assert_eq!(body["errors"][0]["code"], "invalid_transition");
        assert_eq!(error.status_code(), StatusCode::CONFLICT);
    }
}
