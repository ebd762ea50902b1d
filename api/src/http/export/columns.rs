//! The columns of a CSV export, declared by the list's item type: derived once from its OpenAPI
//! schema (the same `ToSchema` that documents the JSON), so that every row has the same columns
//! whatever it holds. Nested objects become `parent.child` columns, nullable ones included; lists
//! are one column; the order is the declaration order, which is the order of the JSON.
use serde_json::Value;
use utoipa::{
    ToSchema,
    openapi::{
        RefOr,
        schema::{Object, Schema},
    },
};

/// A CSV column: its header (`budget.amount`) and the path of keys to its value in a JSON item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    path: Vec<String>,
}

impl Column {
    /// The column at a dotted path (`budget.amount`).
    pub fn at(name: &str) -> Self {
        Self { name: name.to_owned(), path: name.split('.').map(str::to_owned).collect() }
    }

    /// The value of the column in `item`; `Null` when a parent on the path is null or absent.
    pub fn value<'a>(&self, item: &'a Value) -> &'a Value {
        self.path.iter().try_fold(item, |value, key| value.get(key)).unwrap_or(&Value::Null)
    }
}

/// The columns of `T`'s CSV rows.
pub fn columns<T: ToSchema>() -> Vec<Column> {
    let mut components = Vec::new();
    T::schemas(&mut components);
    let mut columns = Vec::new();
    flatten(&T::schema(), &components, &mut Vec::new(), &mut columns);
    columns
}

/// A nesting depth no response type reaches: a recursive schema stops there as one column.
const MAX_DEPTH: usize = 8;

fn resolve<'a>(schema: &'a RefOr<Schema>, components: &'a [(String, RefOr<Schema>)]) -> Option<&'a Schema> {
    match schema {
        RefOr::T(schema) => Some(schema),
        RefOr::Ref(reference) => {
            let name = reference.ref_location.rsplit('/').next()?;
            components.iter().find(|(n, _)| n == name).and_then(|(_, schema)| resolve(schema, components))
        }
    }
}

/// The objects `schema` may be: itself when it has properties, the branches of a `oneOf` (a
/// nullable object is `oneOf: [object, null]`), `anyOf` or `allOf` (a flattened struct).
fn objects<'a>(schema: &'a Schema, components: &'a [(String, RefOr<Schema>)], out: &mut Vec<&'a Object>) {
    let branches = match schema {
        Schema::Object(object) if !object.properties.is_empty() => return out.push(object),
        Schema::OneOf(one) => &one.items,
        Schema::AnyOf(any) => &any.items,
        Schema::AllOf(all) => &all.items,
        _ => return,
    };
    for branch in branches.iter().filter_map(|branch| resolve(branch, components)) {
        objects(branch, components, out);
    }
}

fn flatten(
    schema: &RefOr<Schema>,
    components: &[(String, RefOr<Schema>)],
    path: &mut Vec<String>,
    out: &mut Vec<Column>,
) {
    let mut found = Vec::new();
    if let Some(schema) = resolve(schema, components) {
        objects(schema, components, &mut found);
    }
    if found.is_empty() || path.len() >= MAX_DEPTH {
        if !path.is_empty() && !out.iter().any(|column| column.path == *path) {
            out.push(Column { name: path.join("."), path: path.clone() });
        }
        return;
    }
    for object in found {
        for (key, property) in &object.properties {
            path.push(key.clone());
            flatten(property, components, path, out);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    #[derive(Serialize, ToSchema)]
    struct Amount {
        value: String,
        currency: String,
    }

    #[derive(Serialize, ToSchema)]
    struct Tag {
        name: String,
    }

    #[derive(Serialize, ToSchema)]
    struct Item {
        title: String,
        budget: Option<Amount>,
        tags: Vec<Tag>,
        cost: Amount,
        archived: bool,
    }

    fn names<T: ToSchema>() -> Vec<String> {
        columns::<T>().into_iter().map(|c| c.name).collect()
    }

    #[test]
    fn nested_objects_flatten_in_declaration_order_nullable_ones_included() {
        assert_eq!(
            names::<Item>(),
            ["title", "budget.value", "budget.currency", "tags", "cost.value", "cost.currency", "archived"]
        );
    }

    #[test]
    fn the_columns_follow_the_order_of_the_json() {
        let item = Item {
            title: "t".into(),
            budget: Some(Amount { value: "2".into(), currency: "EUR".into() }),
            tags: vec![Tag { name: "x".into() }],
            cost: Amount { value: "1".into(), currency: "XOF".into() },
            archived: false,
        };
        let text = serde_json::to_string(&item).expect("json");
        let positions: Vec<usize> = columns::<Item>()
            .iter()
            .map(|column| {
                let mut at = 0;
                for key in &column.path {
                    at += text[at..].find(&format!("\"{key}\":")).expect("in the JSON");
                }
                at
            })
            .collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{positions:?} in {text}");
    }

    #[test]
    fn values_are_read_by_path_and_a_null_parent_is_an_empty_value() {
        let columns = columns::<Item>();
        let budget = columns.iter().find(|c| c.name == "budget.currency").expect("budget.currency");
        assert_eq!(budget.value(&json!({"budget": null})), &Value::Null);
        assert_eq!(budget.value(&json!({"budget": {"value": "2", "currency": "EUR"}})), &json!("EUR"));
    }
}
