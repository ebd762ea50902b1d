//! The characters no text input may hold, whatever the field, and the walk that finds them in a body.
use crate::{error::FieldError, i18n::Text};

/// Any text the server stores (`is_forbidden_char`): what every request string without a stricter
/// pattern of its own declares.
pub const ANY_TEXT_PATTERN: &str = concat!("^[^", control_but_breaks!(), "]*$");

/// A character no text input may hold, whatever the field: the control characters but tab, line
/// feed and carriage return (C0, DEL, C1; NUL breaks PostgreSQL text), and the non-characters
/// U+FDD0–U+FDEF, U+FFFE and U+FFFF (U+FFFE/U+FFFF are not XML 1.0 characters: one of them makes a
/// whole IATI file unparseable). The non-characters of the other planes are XML characters and are
/// kept: JSON Schema patterns cannot name them portably (ECMA-262 and Python differ).
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FDD0}'..='\u{FDEF}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The message of a refused character.
pub fn forbidden_char_message() -> Text {
    Text::fixed(
        "Contient un caractère interdit (caractère de contrôle ou non-caractère Unicode).",
        "Contains a forbidden character (a control character or a Unicode non-character).",
    )
}

/// Every string (and object key) of a JSON value that holds a forbidden character, by its path
/// (`contacts[0].email`, as the body parser names fields).
pub fn forbidden_text_fields(value: &serde_json::Value) -> Vec<FieldError> {
    fn walk(value: &serde_json::Value, path: &str, out: &mut Vec<FieldError>) {
        match value {
            serde_json::Value::String(text) if text.chars().any(is_forbidden_char) => {
                let field = if path.is_empty() { "body".to_owned() } else { path.to_owned() };
                out.push(FieldError::new(field, "forbidden_character", forbidden_char_message()));
            }
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{index}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    let child_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    if key.chars().any(is_forbidden_char) {
                        out.push(FieldError::new(child_path.clone(), "forbidden_character", forbidden_char_message()));
                    }
                    walk(child, &child_path, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

#[cfg(test)]
mod forbidden_characters {
    use super::*;

    #[test]
    fn controls_and_xml_breaking_non_characters_are_refused_tab_and_breaks_kept() {
        for c in ['\u{0}', '\u{1}', '\u{B}', '\u{1F}', '\u{7F}', '\u{85}', '\u{9F}', '\u{FDD0}', '\u{FFFE}', '\u{FFFF}']
        {
            assert!(is_forbidden_char(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', 'é', 'ß', '\u{A0}', '\u{FFFD}', '\u{1F600}', '\u{E000}'] {
            assert!(!is_forbidden_char(c), "{c:?}");
        }
    }

    #[test]
    fn every_offending_string_and_key_is_named_by_its_path() {
        let body =
            serde_json::json!({"name": "ok", "contacts": [{"email": "a\u{0}b"}], "k\u{FFFF}": 1, "notes": "x\u{FFFE}"});
        let mut fields: Vec<String> = forbidden_text_fields(&body).into_iter().map(|e| e.field).collect();
        fields.sort();
        assert_eq!(fields, ["contacts[0].email", "k\u{FFFF}", "notes"]);
    }

    #[test]
    fn the_declared_pattern_says_the_same() {
        // The inside of the class, as Rust sees it once the JSON escapes are read.
        let class = ANY_TEXT_PATTERN.trim_start_matches("^[^").trim_end_matches("]*$");
        assert!(class.contains("\\u0000-\\u0008") && class.contains("\\uFFFE\\uFFFF"));
    }
}
