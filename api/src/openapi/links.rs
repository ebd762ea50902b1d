//! OpenAPI links from each creation to the operations on what it created.
use serde_json::{Map, Value, json};

/// OpenAPI links from each creation (`201`) to the operations on what it created: the record's
/// id (or code) in the answer fills the path parameter of its read, update, archive and sub-routes,
/// so that clients and stateful test tools follow a record from its creation. The created record
/// is the one whose read (`GET …/{id}`) answers the same schema as the 201 (or as one of its
/// properties: `{"account": …, "password": …}`); between two such reads, the one under the same
/// collection as the creation wins (`POST /users` → `/users/{id}`, not `/machine-accounts/{id}`).
pub(super) fn add_links(document: &mut Value) {
    let schema_name = |schema: &Value| {
        schema.get("$ref").and_then(Value::as_str).map(|r| r.trim_start_matches("#/components/schemas/").to_owned())
    };
    let single_parameter = |template: &str| {
        let parameters: Vec<&str> =
            template.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        (parameters.len() == 1).then(|| parameters[0].to_owned())
    };
    let Some(paths) = document.get("paths").and_then(Value::as_object).cloned() else { return };
    // The reads by key: (template, parameter, schema answered).
    let reads: Vec<(String, String, String)> = paths
        .iter()
        .filter(|(template, _)| template.ends_with('}'))
        .filter_map(|(template, item)| {
            let schema = &item["get"]["responses"]["200"]["content"]["application/json"]["schema"];
            Some((template.clone(), single_parameter(template)?, schema_name(schema)?))
        })
        .collect();
    let schemas = document["components"]["schemas"].clone();
    for (path, item) in &paths {
        let Some(created) = schema_name(&item["post"]["responses"]["201"]["content"]["application/json"]["schema"])
        else {
            continue;
        };
        // The created schema itself, or one of its properties, with the JSON pointer to its key.
        let mut wanted = vec![(created.clone(), String::new())];
        if let Some(properties) = schemas[&created]["properties"].as_object() {
            for (property, schema) in properties {
                if let Some(name) = schema_name(schema) {
                    wanted.push((name, format!("/{property}")));
                }
            }
        }
        let collection = path.split('/').take(4).collect::<Vec<_>>().join("/");
        let mut candidates: Vec<(&String, &String, String)> = reads
            .iter()
            .flat_map(|(template, parameter, schema)| {
                wanted
                    .iter()
                    .filter(move |(name, _)| name == schema)
                    .map(move |(_, at)| (template, parameter, format!("$response.body#{at}/{parameter}")))
            })
            .collect();
        if candidates.len() > 1 {
            candidates.retain(|(template, _, _)| template.starts_with(&format!("{collection}/")));
        }
        let [(target, parameter, value)] = candidates.as_slice() else { continue };
        let mut links = Map::new();
        for (template, operations) in &paths {
            if template != *target && !template.starts_with(&format!("{target}/")) {
                continue;
            }
            if single_parameter(template).as_deref() != Some(parameter.as_str()) {
                continue;
            }
            for operation in operations.as_object().into_iter().flat_map(|o| o.values()) {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else { continue };
                links.insert(id.to_owned(), json!({"operationId": id, "parameters": {parameter.as_str(): value}}));
            }
        }
        if !links.is_empty() {
            document["paths"][path]["post"]["responses"]["201"]["links"] = Value::Object(links);
        }
    }
}
