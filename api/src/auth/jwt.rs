//! Access tokens: HS256 JWTs with every registered claim set and checked.
use std::collections::HashMap;

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::roles::{Division, Role};
use crate::config::AuthSettings;

/// The claims of an access token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: Uuid,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<Division>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<Uuid>,
    /// The account's token version when issued; a later version makes the token void.
    pub tv: i32,
    /// The session (refresh-token family) the token belongs to; absent for client credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

/// Signs with the first configured key; verifies with whichever key the token's `kid` names.
pub struct TokenKeys {
    signing_kid: String,
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    validation: Validation,
    pub access_ttl_secs: i64,
    issuer: String,
    audience: String,
}

impl TokenKeys {
    pub fn new(settings: &AuthSettings) -> Self {
        let first = &settings.jwt_keys[0];
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = settings.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        Self {
            signing_kid: first.kid.clone(),
            signing: EncodingKey::from_secret(&first.secret),
            verifying: settings
                .jwt_keys
                .iter()
                .map(|key| (key.kid.clone(), DecodingKey::from_secret(&key.secret)))
                .collect(),
            validation,
            access_ttl_secs: i64::try_from(settings.access_ttl.as_secs()).unwrap_or(900),
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
        }
    }

    /// Issues an access token for an account.
    pub fn issue(
        &self,
        account: Uuid,
        role: Role,
        division: Option<Division>,
        partner_id: Option<Uuid>,
        token_version: i32,
        session: Option<Uuid>,
    ) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: account,
            exp: now + self.access_ttl_secs,
            nbf: now,
            iat: now,
            jti: Uuid::now_v7(),
            role,
            division,
            partner_id,
            tv: token_version,
            sid: session,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.signing_kid.clone());
        encode(&header, &claims, &self.signing).map_err(|error| anyhow::anyhow!("cannot sign a token: {error}"))
    }

    /// Verifies signature, algorithm, `kid`, `iss`, `aud`, `exp`, `nbf` and the presence of every
    /// claim; `None` for any token that fails one of them. `iat` in the future is refused too, and
    /// so is a lifetime longer than the configured one: a token forged or leaked with a far `exp`
    /// must not live for years.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let header = decode_header(token).ok()?;
        if header.alg != Algorithm::HS256 {
            return None;
        }
        let key = self.verifying.get(header.kid.as_deref()?)?;
        let claims = decode::<Claims>(token, key, &self.validation).ok()?.claims;
        let leeway = i64::try_from(self.validation.leeway).unwrap_or(0);
        let now = Utc::now().timestamp();
        let longest = self.access_ttl_secs.saturating_add(leeway);
        let plausible = claims.iat <= now.saturating_add(leeway)
            && claims.exp.saturating_sub(claims.iat) <= longest
            && claims.exp <= now.saturating_add(longest);
        plausible.then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::JwtKey;

    fn keys(kids: &[(&str, &str)]) -> TokenKeys {
        let mut settings = AuthSettings::development_defaults();
        settings.jwt_keys = kids
            .iter()
            .map(|(kid, secret)| JwtKey { kid: kid.to_string(), secret: secret.as_bytes().to_vec() })
            .collect();
        TokenKeys::new(&settings)
    }

    #[test]
    fn a_token_verifies_with_its_claims() {
        let keys = keys(&[("a", "0123456789abcdef0123456789abcdef")]);
        let id = Uuid::now_v7();
        let token = keys.issue(id, Role::Agent, Some(Division::Twinning), None, 3, None).unwrap();
        let claims = keys.verify(&token).expect("valid");
        assert_eq!(
            (claims.sub, claims.role, claims.division, claims.tv),
            (id, Role::Agent, Some(Division::Twinning), 3)
        );
    }

    #[test]
    fn a_token_living_longer_than_the_configured_lifetime_is_refused() {
        let keys = keys(&[("a", "0123456789abcdef0123456789abcdef")]);
        let now = Utc::now().timestamp();
        let forge = |iat: i64, exp: i64| {
            let claims = Claims {
                iss: "djcd-api".into(),
                aud: "djcd".into(),
                sub: Uuid::now_v7(),
                exp,
                nbf: iat,
                iat,
                jti: Uuid::now_v7(),
                role: Role::Director,
                division: None,
                partner_id: None,
                tv: 1,
                sid: None,
            };
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some("a".into());
            encode(&header, &claims, &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef")).unwrap()
        };
        assert!(keys.verify(&forge(now, now + 900)).is_some());
        assert!(keys.verify(&forge(now, 253_402_300_799)).is_none(), "year 9999");
        assert!(keys.verify(&forge(now - 3600, now + 900)).is_none(), "exp - iat longer than the TTL");
    }

    #[test]
    fn an_old_key_still_verifies_after_rotation_and_an_unknown_one_does_not() {
        let old = keys(&[("old", "0123456789abcdef0123456789abcdef")]);
        let token = old.issue(Uuid::now_v7(), Role::Director, None, None, 1, None).unwrap();
        let rotated = keys(&[("new", "fedcba9876543210fedcba9876543210"), ("old", "0123456789abcdef0123456789abcdef")]);
        assert!(rotated.verify(&token).is_some());
        let dropped = keys(&[("new", "fedcba9876543210fedcba9876543210")]);
        assert!(dropped.verify(&token).is_none());
    }
}
