//! The routes the server knows, read from its OpenAPI document, to answer 405 or 404 on an unknown one.
use actix_web::{HttpResponse, web};

use crate::error::ApiError;

/// The paths the server serves and their methods, to tell a wrong method (405) from a wrong
/// path (404).
pub struct KnownRoutes(Vec<(Vec<String>, Vec<String>)>);

impl KnownRoutes {
    pub(super) fn from_document(document: &serde_json::Value) -> Self {
        let mut routes = Vec::new();
        if let Some(paths) = document["paths"].as_object() {
            for (template, item) in paths {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods =
                    item.as_object().map(|ops| ops.keys().map(|m| m.to_uppercase()).collect()).unwrap_or_default();
                routes.push((segments, methods));
            }
        }
        Self(routes)
    }

    /// The methods served at `path`, if the path exists. A literal segment wins over a parameter,
    /// as in OpenAPI: `/evaluations/due` is its own path, not `/evaluations/{id}`.
    pub fn methods(&self, path: &str) -> Vec<String> {
        let segments: Vec<&str> = path.split('/').collect();
        let matching = self.0.iter().filter_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()));
            matches.then(|| (template.iter().filter(|t| !t.starts_with('{')).count(), methods))
        });
        let matching: Vec<_> = matching.collect();
        let most_literal = matching.iter().map(|(literal, _)| *literal).max().unwrap_or(0);
        let mut methods: Vec<String> = matching
            .into_iter()
            .filter(|(literal, _)| *literal == most_literal)
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }
}

pub(super) async fn unknown_route(
    req: actix_web::HttpRequest,
    routes: web::Data<KnownRoutes>,
) -> Result<HttpResponse, ApiError> {
    let allow = routes.methods(req.path());
    if allow.is_empty() { Err(ApiError::NotFound) } else { Err(ApiError::MethodNotAllowed { allow }) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::KnownRoutes;

    #[test]
    fn a_literal_path_wins_over_a_parameter() {
        let routes = KnownRoutes::from_document(&json!({"paths": {
            "/api/v1/evaluations/{id}": {"get": {}, "patch": {}},
            "/api/v1/evaluations/due": {"get": {}},
            "/api/v1/evaluations": {"get": {}, "post": {}}
        }}));
        assert_eq!(routes.methods("/api/v1/evaluations/due"), ["GET"]);
        assert_eq!(routes.methods("/api/v1/evaluations/0192"), ["GET", "PATCH"]);
        assert_eq!(routes.methods("/api/v1/evaluations"), ["GET", "POST"]);
        assert!(routes.methods("/api/v1/evaluations/due/x").is_empty());
        assert!(routes.methods("/api/v1/evaluations/").is_empty());
    }
}
