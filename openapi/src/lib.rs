//! The published contract, rendered as it is committed in `openapi/openapi.json`.

/// The served document, pretty-printed with a final newline.
pub fn render() -> String {
    let document = api::openapi::document();
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_file_equals_the_generated_document() {
        let committed = include_str!("../openapi.json");
        assert!(
            committed == super::render(),
            "openapi/openapi.json is stale: run `cargo run -p openapi` and commit the result"
        );
    }
}
