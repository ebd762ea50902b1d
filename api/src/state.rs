//! The state every handler shares.
use sea_orm::DatabaseConnection;

use crate::{
    auth::{
        jwt::TokenKeys,
        throttle::{LoginThrottle, PartnerLimiter},
    },
    config::Settings,
};

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub keys: TokenKeys,
    pub login_throttle: LoginThrottle,
    pub partner_limiter: PartnerLimiter,
    /// Manual redeliveries per webhook endpoint.
    pub webhook_redeliveries: governor::DefaultKeyedRateLimiter<uuid::Uuid>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: Settings) -> Self {
        Self {
            keys: TokenKeys::new(&settings.auth),
            login_throttle: LoginThrottle::new(
                settings.auth.login_attempts_per_account,
                settings.auth.login_attempts_per_address,
            ),
            partner_limiter: PartnerLimiter::new(settings.partners.requests_per_minute),
            webhook_redeliveries: crate::auth::throttle::limiter(settings.partners.webhook_redeliveries_per_minute),
            db,
            settings,
        }
    }
}
