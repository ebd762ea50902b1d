//! Database errors mapped to API errors: unreachable or full is 503, a broken unique rule 409, the rest 500.
use sea_orm::{DbErr, SqlErr};

use super::ApiError;
use crate::i18n::Text;

/// Maps database errors: connection trouble is 503 (retry), a broken unique rule is 409, the rest 500.
impl From<DbErr> for ApiError {
    fn from(error: DbErr) -> Self {
        if is_storage_full(&error) {
            return ApiError::StorageFull(error.to_string());
        }
        if is_unavailable(&error) {
            return ApiError::Unavailable(error.to_string());
        }
        if let Some(SqlErr::UniqueConstraintViolation(message)) = error.sql_err() {
            return ApiError::conflict(
                "already_exists",
                Text::fixed("Cet enregistrement existe déjà.", "This record already exists."),
            )
            .on_fields(unique_key_fields(&message));
        }
        ApiError::Internal(anyhow::Error::new(error))
    }
}

/// The request fields behind each unique rule, by the names SQLite (`table.column`) and PostgreSQL
/// (the index's name) give it in their refusal.
const UNIQUE_KEYS: &[(&[&str], &[&str])] = &[
    (&["ux_account_email", "account.email"], &["email"]),
    (&["ux_partner_name_country", "partner.name_key"], &["name", "country"]),
    (&["ux_exchange_rate_currency_date", "exchange_rate.currency"], &["currency", "valid_from"]),
    (&["domain_tag_pkey", "domain_tag.code"], &["code"]),
];

/// The request fields a unique rule's refusal is about (none when the rule is not one of a field sent).
fn unique_key_fields(message: &str) -> &'static [&'static str] {
    UNIQUE_KEYS
        .iter()
        .find(|(names, _)| names.iter().any(|name| message.contains(name)))
        .map_or(&[], |(_, fields)| fields)
}

/// Whether a database error means the disk is full (SQLite's `SQLITE_FULL`, PostgreSQL's
/// `53100 disk_full`, or the operating system's `ENOSPC`).
pub fn is_storage_full(error: &DbErr) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    ["database or disk is full", "no space left on device", "could not extend file", "53100"]
        .iter()
        .any(|needle| text.contains(needle))
}

/// Whether a database error means "cannot reach the database now" rather than a bad query.
pub fn is_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        other => {
            let text = other.to_string().to_ascii_lowercase();
            [
                "pool timed out",
                "connection refused",
                "connection reset",
                "broken pipe",
                "terminating connection",
                "the database system is",
                "closed the connection",
                "io error",
                "error communicating",
                // SQLite: another writer kept the lock past the busy timeout; the disk is full.
                "database is locked",
                "disk is full",
                "no space left on device",
            ]
            .iter()
            .any(|needle| text.contains(needle))
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{
        ResponseError,
        http::{StatusCode, header},
    };

    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_unique_rule_names_its_fields() {
        assert_eq!(unique_key_fields("UNIQUE constraint failed: account.email"), ["email"]);
        let postgres = "duplicate key value violates unique constraint \"ux_partner_name_country\"";
        assert_eq!(unique_key_fields(postgres), ["name", "country"]);
        assert!(unique_key_fields("UNIQUE constraint failed: refresh_token.token_hash").is_empty());
    }

    #[test]
    fn a_full_disk_is_a_503_that_says_so_with_retry_after() {
        let error =
            ApiError::from(DbErr::Custom("error returned from database: (code: 13) database or disk is full".into()));
        assert!(matches!(error, ApiError::StorageFull(_)), "{error:?}");
        assert_eq!(error.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let response = error.error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("30"));
        let body = error.problem().render(Lang::En, None);
        assert_eq!(body["type"], "urn:djcd:problem:storage-full");
        assert!(body["detail"].as_str().unwrap_or_default().contains("disk is full"), "{body}");
    }
}
