//! The routes the server serves, read from its OpenAPI document at start-up, so that an unknown
//! request gets 405 (with `Allow`) or 404 as problem+json.

/// The paths the server serves and their methods, to tell a wrong method (405) from a wrong
/// path (404), and each operation's query parameters with their schemas, to name the one a query
/// parser refused.
pub struct KnownRoutes(Vec<(Vec<String>, Vec<String>)>, Vec<QueryParameters>);

/// An operation's query parameters: (path segments, method, [(name, schema with `$ref`s resolved)]).
type QueryParameters = (Vec<String>, String, Vec<(String, serde_json::Value)>);

fn resolve<'a>(document: &'a serde_json::Value, schema: &'a serde_json::Value) -> &'a serde_json::Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => &document["components"]["schemas"][name],
        None => schema,
    }
}

impl KnownRoutes {
    pub fn from_document(document: &serde_json::Value) -> Self {
        let mut routes = Vec::new();
        let mut parameters = Vec::new();
        if let Some(paths) = document["paths"].as_object() {
            for (template, item) in paths {
                let segments: Vec<String> = template.split('/').map(str::to_owned).collect();
                for (method, operation) in item.as_object().into_iter().flatten() {
                    let query = operation["parameters"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|parameter| parameter["in"] == "query")
                        .filter_map(|parameter| {
                            let name = parameter["name"].as_str()?.to_owned();
                            Some((name, resolve(document, &parameter["schema"]).clone()))
                        })
                        .collect();
                    parameters.push((segments.clone(), method.to_uppercase(), query));
                }
                let methods =
                    item.as_object().map(|ops| ops.keys().map(|m| m.to_uppercase()).collect()).unwrap_or_default();
                routes.push((segments, methods));
            }
        }
        Self(routes, parameters)
    }

    /// The query parameters of the operation `method path` with their schemas (none when unknown).
    pub fn query_parameters(&self, method: &str, path: &str) -> &[(String, serde_json::Value)] {
        let segments: Vec<&str> = path.split('/').collect();
        let mut matching: Vec<&QueryParameters> = self
            .1
            .iter()
            .filter(|(template, m, _)| {
                m == method
                    && template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
            })
            .collect();
        // A literal segment wins over a parameter.
        matching
            .sort_by_key(|(template, _, _)| std::cmp::Reverse(template.iter().filter(|t| !t.starts_with('{')).count()));
        matching.first().map_or(&[], |(_, _, query)| query.as_slice())
    }

    /// The name of the path parameter that segment `index` of `path` fills (`id` for the third
    /// segment of `/api/v1/partners/{id}`), if a known route has one there.
    pub fn parameter_at(&self, path: &str, index: usize) -> Option<String> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(template, _)| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()));
            let name = template.get(index).filter(|_| matches)?;
            name.strip_prefix('{').and_then(|n| n.strip_suffix('}')).map(str::to_owned)
        })
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

#[cfg(test)]
mod tests {
    use super::KnownRoutes;
    use serde_json::json;

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
        assert_eq!(routes.parameter_at("/api/v1/evaluations/0192", 4).as_deref(), Some("id"));
        assert_eq!(routes.parameter_at("/api/v1/evaluations/0192", 3), None);
    }
}
