//! Password hashing (Argon2id) and the password rules.
use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};

use crate::{i18n::Text, validate::Rules};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// The most common passwords (and the obvious local ones), refused whatever their length.
const COMMON: &[&str] = include!("common_passwords.in");

pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|error| anyhow::anyhow!("cannot encode a salt: {error}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("cannot hash a password: {error}"))
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash of a random password, verified against when the e-mail is unknown so that an unknown
/// e-mail takes about as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&uuid::Uuid::new_v4().to_string()).unwrap_or_default())
}

/// Checks a new password: length, and not one of the most common.
pub fn check_new(rules: &mut Rules, field: &str, password: &str) {
    let length = password.chars().count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        rules.fail(
            field,
            "length",
            Text::new(
                format!("Entre {MIN_LENGTH} et {MAX_LENGTH} caractères."),
                format!("Between {MIN_LENGTH} and {MAX_LENGTH} characters."),
            ),
        );
        return;
    }
    let lowered = password.to_lowercase();
    if COMMON.iter().any(|common| lowered == *common)
        || password.chars().all(|c| c == password.chars().next().unwrap_or(c))
    {
        rules.fail(
            field,
            "too_common",
            Text::fixed(
                "Mot de passe trop courant : choisissez-en un autre.",
                "This password is too common: choose another.",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("a long enough passphrase").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("a long enough passphrase", &stored));
        assert!(!verify("another passphrase!!", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn short_and_common_passwords_are_refused() {
        let codes = |password: &str| {
            let mut rules = Rules::default();
            check_new(&mut rules, "password", password);
            rules.finish().err().map(|e| format!("{e:?}"))
        };
        assert!(codes("short").is_some_and(|e| e.contains("length")));
        assert!(codes("password1234").is_some_and(|e| e.contains("too_common")));
        assert!(codes("aaaaaaaaaaaaaa").is_some_and(|e| e.contains("too_common")));
        assert!(codes("Bamako-Leipzig-1966!").is_none());
    }
}
