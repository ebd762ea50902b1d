//! Every `code` a problem document can carry, with the statuses it comes with and its meaning: the
//! problem's own `code` (its kind, or a 409's reason) and each `errors[].code`. The contract's
//! `ProblemCode` schema is made from this table, and a unit test reads the source for every code
//! the server can emit and fails on one missing here (or listed here and emitted nowhere).
use serde_json::{Value, json};
use utoipa::{
    PartialSchema, ToSchema,
    openapi::{
        ObjectBuilder, RefOr, Schema,
        extensions::ExtensionsBuilder,
        schema::{SchemaType, Type},
    },
};

/// (code, statuses, meaning).
pub const PROBLEM_CODES: &[(&str, &str, &str)] = &[
    // The kind of a problem (its `type` URN's slug, with `_`), when no more precise code applies.
    ("bad_request", "400", "The request cannot be parsed: malformed JSON, or a parameter it cannot use."),
    (
        "unauthorized",
        "401",
        "No valid credentials: the bearer token is missing, expired or invalid, or the login failed.",
    ),
    ("forbidden", "403", "The caller's role (or division) does not allow this action."),
    ("not_found", "404", "No such resource, or one the caller may not know exists."),
    ("method_not_allowed", "405", "The path exists, not with this method (`Allow` lists its methods)."),
    ("request_timeout", "408", "The request did not arrive in time."),
    ("precondition_failed", "412", "`If-Match` names a version that is no longer current (`current_etag`)."),
    ("payload_too_large", "413", "The body exceeds the configured limit."),
    ("uri_too_long", "414", "The request's address is too long."),
    ("unsupported_media_type", "415", "The body is not JSON (or a form where one is accepted)."),
    ("validation_failed", "422", "The body parses but breaks rules: `errors` lists every one."),
    ("precondition_required", "428", "`If-Match` is required to change this resource."),
    ("too_many_requests", "429", "Too many requests; retry after `Retry-After` seconds."),
    ("headers_too_large", "431", "The request's headers are too large."),
    ("internal_error", "500", "A fault of the server, logged with the request id."),
    ("service_unavailable", "503", "The database cannot be reached now; retry after `Retry-After` seconds."),
    ("storage_full", "503", "The server's disk is full: the write was not saved; retry later."),
    // A conflict's reason (409), the problem's `code`; `errors` names the fields it is about.
    ("already_exists", "409", "A record with this key exists already (`code` of a domain; any unique key)."),
    ("partner_exists", "409", "A partner of this name exists in this country (`name`, `country`; `existing_id`)."),
    ("email_taken", "409", "The e-mail address is another account's (`email`)."),
    ("rate_exists", "409", "A rate exists for this currency and date (`currency`, `valid_from`)."),
    ("invalid_transition", "409", "The status cannot move there from the current one (`from`, `allowed`)."),
    ("idempotency_in_progress", "409", "A request with the same `Idempotency-Key` is still being served."),
    ("in_use", "409", "The domain is used by live records and cannot be archived."),
    ("last_director", "409", "At least one active director must remain."),
    ("own_account", "409", "One's own role, division, activity or password cannot change through this route."),
    ("concurrent_change", "409", "The account changed during the secret's rotation; nothing was issued."),
    ("signed_off", "409", "The evaluation is signed off and read-only."),
    ("too_many_endpoints", "409", "The partner has as many webhook endpoints as allowed."),
    // A field's broken rule (`errors[].code`).
    ("type", "400", "The value has the wrong JSON type (a number for a text…)."),
    ("invalid", "400", "The value cannot be read: an unknown code (the accepted ones are listed), a bad value."),
    ("unknown_field", "400", "The body has a field the operation does not take, or the query a parameter."),
    ("required", "400, 422", "A required field is missing."),
    ("format", "400, 422", "The value does not have the expected form (code, e-mail, web address, date, identifier…)."),
    ("range", "400, 422", "The number is out of its bounds."),
    ("length", "400, 422", "The text is too short or too long."),
    ("characters", "422", "The text holds control characters."),
    ("forbidden_character", "400, 422", "A control character or a non-character (U+FFFE…) anywhere in the request."),
    ("date_range", "400, 422", "The date is outside 1900-01-01 … 2100-12-31."),
    ("count", "422", "The list has too few or too many items."),
    ("too_many", "422", "The list has too many items."),
    ("empty", "422", "A change without any field to change."),
    ("order", "422", "The end comes before the start."),
    ("pair", "422", "Two fields go together (latitude and longitude)."),
    ("mismatch", "422", "Two fields disagree (the signing date and year)."),
    ("not_allowed", "422", "The value is not allowed with another field (a division for a role without one)."),
    ("machine_only", "422", "The role is for partner systems' machine accounts only."),
    ("too_common", "422", "The password is among the most common ones."),
    ("same_as_current", "422", "The new password is the current one."),
    ("not_positive", "422", "The amount must be positive."),
    ("too_large", "422", "The amount is too large (10^13 major units or more)."),
    ("too_precise", "422", "The amount has more decimals than its currency allows."),
    ("unknown_code", "422", "A filter names a code its list does not hold (several codes are separated by commas)."),
    (
        "cursor_mismatch",
        "422",
        "The cursor was made for another sort, other filters or another list: start again without it.",
    ),
    ("cursor_unknown", "422", "The cursor has the right form but no list made it."),
    ("unknown_currency", "422", "The currency is not one the API knows."),
    ("fixed", "422", "XOF and EUR have a fixed parity: no rate is recorded between them."),
    ("unknown_domain", "422", "The domain is unknown or archived."),
    ("unknown_partner", "422", "The partner is unknown or archived."),
    ("unknown_account", "422", "The staff member is unknown or inactive."),
    ("unknown_agreement", "422", "The agreement is unknown or archived."),
    ("unknown_project", "422", "The project is unknown."),
    ("other_division", "422", "The staff member is not of the record's division."),
    (
        "agreement_partner_required",
        "422",
        "A project under an agreement needs one of its parties among its participants.",
    ),
    ("funder_not_participant", "422", "The funder must take part in the project with the `funding` role."),
    ("project_closed", "422", "The project is closed or cancelled: its funding lines no longer change."),
    ("not_a_round_table", "422", "Pledges are announced at round tables only."),
    ("refused_url", "422", "The webhook address is refused (scheme, private address, unresolvable…)."),
    ("reused", "422", "The `Idempotency-Key` was used with another request."),
];

/// Whether `code` is in the table.
pub fn is_known(code: &str) -> bool {
    PROBLEM_CODES.iter().any(|(known, _, _)| *known == code)
}

/// The machine-readable code of a problem or of one of its field errors: one of a closed list,
/// each with its meaning (`x-enum-descriptions`, in the order of `enum`).
pub struct ProblemCode;

impl PartialSchema for ProblemCode {
    fn schema() -> RefOr<Schema> {
        let table: Vec<String> = PROBLEM_CODES
            .iter()
            .map(|(code, status, meaning)| format!("| `{code}` | {status} | {meaning} |"))
            .collect();
        let description = format!(
            "A stable, machine-readable code: the problem's kind or a conflict's reason (`code`), or the rule a \
             field broke (`errors[].code`). A client maps these, never the texts.\n\n| code | status | meaning |\n|---|---|---|\n{}",
            table.join("\n")
        );
        let descriptions: Vec<Value> = PROBLEM_CODES.iter().map(|(_, _, meaning)| json!(meaning)).collect();
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(PROBLEM_CODES.iter().map(|(code, _, _)| *code)))
            .description(Some(description))
            .extensions(Some(ExtensionsBuilder::new().add("x-enum-descriptions", Value::Array(descriptions)).build()))
            .into()
    }
}

impl ToSchema for ProblemCode {}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeSet, path::Path};

    use super::*;

    /// The code literals of the server's source: the second argument of `FieldError::new`,
    /// `Rules::fail` and `ApiError::invalid`, the first of `ApiError::conflict` and of the parser's
    /// `refusal`, `code: "…"`, the `("code", Text::…)` pairs of rules that choose a code, and the
    /// `…_CODE` constants. Test code is left out.
    fn emitted_codes() -> BTreeSet<String> {
        fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, files);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    files.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        assert!(files.len() > 50, "the source was not found");
        let mut codes = BTreeSet::new();
        for file in files {
            if file.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.ends_with("tests.rs")) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            // The problem kinds' `("slug", Text::…)` rows are slugs, not codes: they are checked apart.
            let is_error_mod = file.ends_with("error/mod.rs");
            codes.extend(literals_after(text, &["FieldError::new(", ".fail(", "ApiError::invalid("], 1));
            codes.extend(literals_after(text, &["conflict(", "refusal("], 0));
            codes.extend(literals_after(text, &["code: \"", "_CODE: &str = \""], usize::MAX));
            if !is_error_mod {
                codes.extend(pairs_with_text(text));
            }
        }
        codes
    }

    /// The string literal that is argument `index` of each call starting with one of `calls`
    /// (`usize::MAX`: the literal the marker opens).
    fn literals_after(text: &str, calls: &[&str], index: usize) -> Vec<String> {
        let mut found = Vec::new();
        for call in calls {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                if index == usize::MAX {
                    if let Some(end) = rest.find('"') {
                        found.push(rest[..end].to_owned());
                    }
                    continue;
                }
                // Split the arguments at top-level commas.
                let (mut depth, mut args, mut current) = (0i32, Vec::new(), String::new());
                let mut in_string = false;
                for c in rest.chars() {
                    match c {
                        '"' => in_string = !in_string,
                        '(' | '[' | '{' if !in_string => depth += 1,
                        ')' | ']' | '}' if !in_string => {
                            if depth == 0 {
                                break;
                            }
                            depth -= 1;
                        }
                        ',' if !in_string && depth == 0 => {
                            args.push(std::mem::take(&mut current));
                            continue;
                        }
                        _ => {}
                    }
                    current.push(c);
                }
                args.push(current);
                if let Some(arg) = args.get(index) {
                    let arg = arg.trim();
                    if arg.len() > 2 && arg.starts_with('"') && arg.ends_with('"') && !arg[1..].contains('{') {
                        found.push(arg[1..arg.len() - 1].to_owned());
                    }
                }
            }
        }
        found.into_iter().filter(|code| is_code_like(code)).collect()
    }

    /// `("code", Text::…)`, across line breaks too.
    fn pairs_with_text(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (at, _) in text.match_indices('(') {
            let Some(rest) = text[at + 1..].trim_start().strip_prefix('"') else { continue };
            let Some(end) = rest.find('"') else { continue };
            let after = rest[end + 1..].trim_start();
            if let Some(after) = after.strip_prefix(',')
                && after.trim_start().starts_with("Text::")
            {
                found.push(rest[..end].to_owned());
            }
        }
        found.into_iter().filter(|code| is_code_like(code)).collect()
    }

    fn is_code_like(text: &str) -> bool {
        text.len() > 1
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    #[test]
    fn every_code_the_server_emits_is_in_the_contract_and_every_listed_code_is_emitted() {
        let emitted = emitted_codes();
        let missing: Vec<&String> = emitted.iter().filter(|code| !is_known(code)).collect();
        assert!(missing.is_empty(), "codes emitted but not in PROBLEM_CODES: {missing:?}");
        // The problem kinds come from the slugs of `ApiError::problem` and `Problem::for_status`.
        let slugs = [
            "bad_request",
            "unauthorized",
            "forbidden",
            "not_found",
            "method_not_allowed",
            "request_timeout",
            "precondition_failed",
            "payload_too_large",
            "uri_too_long",
            "unsupported_media_type",
            "validation_failed",
            "precondition_required",
            "too_many_requests",
            "headers_too_large",
            "internal_error",
            "service_unavailable",
            "storage_full",
        ];
        let stale: Vec<&str> = PROBLEM_CODES
            .iter()
            .map(|(code, _, _)| *code)
            .filter(|code| !emitted.contains(*code) && !slugs.contains(code))
            .collect();
        assert!(stale.is_empty(), "codes in PROBLEM_CODES that nothing emits: {stale:?}");
        let mut seen = BTreeSet::new();
        for (code, _, _) in PROBLEM_CODES {
            assert!(seen.insert(code), "{code} is listed twice");
        }
    }

    #[test]
    fn every_error_renders_a_listed_code() {
        use super::super::ApiError;
        use crate::i18n::Text;
        let text = Text::fixed("a", "b");
        let errors = vec![
            ApiError::bad_request(text.clone()),
            ApiError::Unauthorized(text.clone()),
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::MethodNotAllowed { allow: vec!["GET".into()] },
            ApiError::PreconditionFailed { current_etag: "\"1\"".into() },
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::UnsupportedMediaType { expected: "application/json" },
            ApiError::Validation(Vec::new()),
            ApiError::PreconditionRequired,
            ApiError::TooManyRequests { retry_after: std::time::Duration::from_secs(1) },
            ApiError::Unavailable("x".into()),
            ApiError::StorageFull("x".into()),
            ApiError::Internal(anyhow::anyhow!("x")),
            ApiError::conflict("in_use", text),
        ];
        for error in errors {
            let body = error.problem().render(crate::i18n::Lang::En, None);
            let code = body["code"].as_str().unwrap_or_default().to_owned();
            assert!(is_known(&code), "{error:?}: {code}");
        }
    }

    #[test]
    fn every_problem_kind_renders_a_listed_code() {
        use actix_web::http::StatusCode;
        for status in [400, 404, 405, 408, 413, 414, 431, 418, 500, 502] {
            let problem = super::super::Problem::for_status(StatusCode::from_u16(status).unwrap_or_default());
            let body = problem.render(crate::i18n::Lang::Fr, None);
            let code = body["code"].as_str().unwrap_or_default().to_owned();
            assert!(is_known(&code), "{status}: {code}");
        }
    }
}
