//! The parsers' refusals in the caller's language. serde, serde_json, serde_urlencoded, chrono and
//! uuid say what is wrong in English, in a few fixed shapes ("invalid type: integer `12`, expected a
//! string", "unknown variant `x`, expected one of …", "EOF while parsing a value"): each shape is
//! recognised here and given a French sentence, and a stable `code`. The English answer keeps the
//! parser's words (without its line and column, said apart); an unknown code is answered with the
//! accepted ones and their labels where a code list (`vocabulary::code_list!`) gives them.
use crate::{i18n::Text, vocabulary};

/// One parser refusal: its code (`type`, `invalid`, `unknown_field`, `required`, `format`,
/// `range`) and its message in both languages.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: Text,
}

fn refusal(code: &'static str, fr: String, en: impl Into<String>) -> Refusal {
    Refusal { code, message: Text::new(fr, en.into()) }
}

/// The backticked names or values of a message: "unknown variant `x`, expected one of `a`, `b`"
/// gives `x`, `a`, `b`.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A serde "unexpected" value (`integer \`12\``, `string "x"`, `null`…) in French.
fn unexpected_fr(text: &str) -> String {
    let text = text.trim();
    let value = backticked(text).first().map(|v| v.to_string());
    let quoted = text.split_once('"').map(|(_, rest)| rest.trim_end_matches('"').to_owned());
    if text.starts_with("integer") {
        format!("le nombre entier {}", value.unwrap_or_default())
    } else if text.starts_with("floating point") {
        format!("le nombre {}", value.unwrap_or_default())
    } else if text.starts_with("boolean") {
        format!("le booléen {}", value.unwrap_or_default())
    } else if text.starts_with("string") {
        format!("le texte « {} »", quoted.unwrap_or_default())
    } else if text.starts_with("character") {
        format!("le caractère « {} »", value.unwrap_or_default())
    } else if text == "null" || text.starts_with("unit") {
        "null".to_owned()
    } else if text.starts_with("sequence") {
        "une liste".to_owned()
    } else if text.starts_with("map") {
        "un objet".to_owned()
    } else {
        "une valeur d'un autre type".to_owned()
    }
}

/// What a serde visitor expects (`a string`, `u32`, `struct Money`, `a formatted date string`…), in French.
fn expected_fr(text: &str) -> String {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    if lower.contains("date") {
        "une date au format AAAA-MM-JJ".to_owned()
    } else if lower.contains("uuid") {
        "un identifiant (UUID)".to_owned()
    } else if lower.contains("whole number") || lower.contains("integer") || is_integer_type(&lower) {
        "un nombre entier".to_owned()
    } else if matches!(lower.as_str(), "f32" | "f64") || lower.contains("number") || lower.contains("float") {
        "un nombre".to_owned()
    } else if lower.contains("bool") {
        "un booléen (true ou false)".to_owned()
    } else if lower.contains("string") || lower.contains("char") {
        "un texte entre guillemets".to_owned()
    } else if lower.contains("sequence") || lower.contains("array") || lower.contains("list") {
        "une liste".to_owned()
    } else if lower.starts_with("struct") || lower.contains("map") || lower.contains("object") {
        "un objet".to_owned()
    } else if lower.contains("variant") || lower.starts_with("enum") {
        "l'un des codes acceptés".to_owned()
    } else {
        "une valeur d'un autre type".to_owned()
    }
}

fn is_integer_type(text: &str) -> bool {
    matches!(text, "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "isize" | "usize")
}

/// The accepted codes, with their labels when a code list gives them: `city (Ville), region (Région)`.
fn accepted(codes: &[&str]) -> (String, String) {
    match vocabulary::list_of(codes) {
        Some(list) => {
            let fr = list.entries.iter().map(|(code, fr, _)| format!("{code} ({fr})")).collect::<Vec<_>>();
            let en = list.entries.iter().map(|(code, _, en)| format!("{code} ({en})")).collect::<Vec<_>>();
            (fr.join(", "), en.join(", "))
        }
        None => (codes.join(", "), codes.join(", ")),
    }
}

/// A serde error message (without serde_json's " at line L column C") as a refusal.
pub fn refusal_of(message: &str) -> Refusal {
    let message = message.trim();
    let names = backticked(message);
    let first = names.first().copied().unwrap_or_default();
    if message.starts_with("unknown field") {
        let fr = if names.len() > 1 {
            format!("Le champ « {first} » n'existe pas ici. Champs acceptés : {}.", names[1..].join(", "))
        } else {
            format!("Le champ « {first} » n'existe pas ici.")
        };
        return refusal("unknown_field", fr, message);
    }
    if message.starts_with("missing field") {
        return refusal("required", format!("Le champ « {first} » est obligatoire."), message);
    }
    if message.starts_with("duplicate field") {
        return refusal("invalid", format!("Le champ « {first} » est donné deux fois."), message);
    }
    if message.starts_with("unknown variant") {
        let (fr, en) = accepted(names.get(1..).unwrap_or_default());
        return refusal(
            "invalid",
            format!("Code inconnu : « {first} ». Codes acceptés : {fr}."),
            format!("Unknown code `{first}`. Accepted codes: {en}."),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type:") {
        let fr = match rest.split_once(", expected") {
            Some((got, want)) => {
                format!("Type invalide : {} a été reçu, il faut {}.", unexpected_fr(got), expected_fr(want))
            }
            None => format!("Type invalide : il faut {}.", expected_fr(rest)),
        };
        return refusal("type", fr, message);
    }
    if let Some(rest) = message.strip_prefix("invalid value:") {
        let fr = match rest.split_once(", expected") {
            Some((got, want)) => {
                format!("Valeur invalide : {} a été reçu, il faut {}.", unexpected_fr(got), expected_fr(want))
            }
            None => "Valeur invalide.".to_owned(),
        };
        return refusal("invalid", fr, message);
    }
    if let Some(rest) = message.strip_prefix("invalid length") {
        let want = rest.split_once(", expected").map(|(_, want)| want.trim()).unwrap_or_default();
        return refusal("invalid", format!("Nombre d'éléments invalide (attendu : {want})."), message);
    }
    if let Some(rest) = message.strip_prefix(crate::validate::DATE_RANGE_CODE) {
        let _ = rest;
        return Refusal { code: crate::validate::DATE_RANGE_CODE, message: crate::validate::date_range_message() };
    }
    // The query parser's scalar errors (`FromStr` of numbers and booleans).
    let scalar = [
        ("invalid digit found in string", "Un nombre entier est attendu."),
        ("cannot parse integer from empty string", "Un nombre entier est attendu (la valeur est vide)."),
        ("number too large to fit in target type", "Nombre trop grand."),
        ("number too small to fit in target type", "Nombre trop petit."),
        ("invalid float literal", "Un nombre est attendu."),
        ("provided string was not `true` or `false`", "true ou false est attendu."),
    ];
    if let Some((_, fr)) = scalar.iter().find(|(en, _)| message.starts_with(en)) {
        return refusal("type", (*fr).to_owned(), message);
    }
    // chrono's date parser.
    let dates = [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "input is not enough",
        "no possible date",
    ];
    if dates.iter().any(|en| message.starts_with(en)) {
        return refusal("format", "Une date valide au format AAAA-MM-JJ est attendue.".to_owned(), message);
    }
    // uuid's parser.
    if message.contains("UUID")
        || message.starts_with("invalid character")
        || message.starts_with("invalid group")
        || message.starts_with("invalid length")
    {
        return refusal(
            "format",
            "Un identifiant UUID est attendu (ex. 0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e).".to_owned(),
            message,
        );
    }
    // Our own parameter types (`validate::CodeParam`, `validate::SearchParam`).
    let own = [
        (
            crate::validate::CODE_PARAM_ERROR,
            "Un code commence par une lettre minuscule, suivie de lettres minuscules, de chiffres ou de _ (2 à 40 caractères).",
        ),
        (crate::validate::SEARCH_TOO_LONG, "Un texte de recherche a au plus 200 caractères."),
        (crate::validate::SEARCH_CONTROL, "Un texte de recherche ne contient pas de caractère de contrôle."),
    ];
    if let Some((_, fr)) = own.iter().find(|(en, _)| message == *en) {
        return refusal("format", (*fr).to_owned(), message);
    }
    refusal("invalid", "Valeur invalide.".to_owned(), message)
}

/// A JSON syntax error (serde_json's category `Syntax` or `Eof`) in French, with its place.
pub fn syntax_fr(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let what = text.split(" at line ").next().unwrap_or(&text);
    let reason = if what.starts_with("EOF while parsing") {
        "le texte s'arrête avant la fin de la valeur JSON (accolade, crochet ou guillemet non fermé)"
    } else if what.starts_with("expected value") {
        "une valeur JSON est attendue à cet endroit"
    } else if what.starts_with("expected `:`") {
        "« : » est attendu après le nom d'un champ"
    } else if what.starts_with("expected `,` or `}`") {
        "« , » ou « } » est attendu"
    } else if what.starts_with("expected `,` or `]`") {
        "« , » ou « ] » est attendu"
    } else if what.starts_with("trailing comma") {
        "une virgule est de trop avant la fin de l'objet ou de la liste"
    } else if what.starts_with("key must be a string") {
        "le nom d'un champ doit être un texte entre guillemets"
    } else if what.starts_with("trailing characters") {
        "des caractères suivent la valeur JSON"
    } else if what.starts_with("invalid escape") || what.contains("surrogate") || what.contains("unicode") {
        "une séquence d'échappement est invalide"
    } else if what.starts_with("control character") {
        "un caractère de contrôle apparaît dans un texte"
    } else if what.starts_with("invalid number") || what.starts_with("number out of range") {
        "un nombre est invalide ou hors limites"
    } else if what.starts_with("recursion limit") {
        "le document est trop profondément imbriqué"
    } else {
        "le texte n'est pas un document JSON valide"
    };
    format!("JSON mal formé (ligne {}, colonne {}) : {reason}.", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_type_is_said_in_french() {
        let refusal = refusal_of("invalid type: integer `12`, expected a string");
        assert_eq!(refusal.code, "type");
        assert_eq!(
            refusal.message.fr,
            "Type invalide : le nombre entier 12 a été reçu, il faut un texte entre guillemets."
        );
        assert_eq!(refusal.message.en, "invalid type: integer `12`, expected a string");
        let refusal = refusal_of("invalid type: null, expected u32");
        assert_eq!(refusal.message.fr, "Type invalide : null a été reçu, il faut un nombre entier.");
    }

    #[test]
    fn an_unknown_code_lists_the_accepted_ones() {
        let refusal = refusal_of("unknown variant `town`, expected one of `city`, `region`");
        assert_eq!(refusal.code, "invalid");
        assert_eq!(refusal.message.fr, "Code inconnu : « town ». Codes acceptés : city, region.");
    }

    #[test]
    fn fields_and_scalars_are_said_in_french() {
        assert_eq!(refusal_of("missing field `name`").message.fr, "Le champ « name » est obligatoire.");
        assert_eq!(refusal_of("unknown field `role`, expected `name`").code, "unknown_field");
        assert_eq!(refusal_of("invalid digit found in string").message.fr, "Un nombre entier est attendu.");
        assert_eq!(refusal_of("input contains invalid characters").code, "format");
        let uuid = "UUID parsing failed: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `z` at 1";
        assert_eq!(refusal_of(uuid).code, "format");
    }

    #[test]
    fn a_syntax_error_is_said_in_french_with_its_place() {
        let error = serde_json::from_str::<serde_json::Value>("{\"name\": ").unwrap_err();
        assert!(
            syntax_fr(&error).starts_with("JSON mal formé (ligne 1, colonne 9) : le texte s'arrête"),
            "{}",
            syntax_fr(&error)
        );
    }
}
