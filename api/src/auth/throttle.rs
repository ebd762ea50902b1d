//! Login throttling, per account and per client address: a burst of attempts, then one more per
//! interval. An attacker can slow a real user's login down but never lock it for good: the
//! allowance refills by itself. Partner systems are metered here too (`PartnerLimiter`).
use std::{num::NonZeroU32, time::Duration};

use std::hash::Hash;

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
};
use uuid::Uuid;

use crate::error::ApiError;

pub struct LoginThrottle {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<String>,
}

impl LoginThrottle {
    pub fn new(per_account_per_minute: u32, per_address_per_minute: u32) -> Self {
        Self { per_account: limiter(per_account_per_minute), per_address: limiter(per_address_per_minute) }
    }

    /// Counts one attempt for `account` from `address`; `Err(wait)` when either is over its allowance.
    pub fn check(&self, account: &str, address: &str) -> Result<(), Duration> {
        let clock = governor::clock::DefaultClock::default();
        let address = self.per_address.check_key(&address.to_owned());
        let account = self.per_account.check_key(&account.to_lowercase());
        match (address, account) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(denied), _) | (_, Err(denied)) => Err(denied.wait_time_from(clock.now())),
        }
    }

    /// Forgets entries that have fully refilled, so memory stays bounded.
    pub fn shrink(&self) {
        self.per_account.retain_recent();
        self.per_address.retain_recent();
    }
}

/// A limiter per key: a burst of `per_minute`, refilled continuously over the minute.
pub fn limiter<K: Clone + Hash + Eq>(per_minute: u32) -> DefaultKeyedRateLimiter<K> {
    let burst = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(Duration::from_secs(60) / burst.get())
        .unwrap_or_else(|| Quota::per_minute(burst))
        .allow_burst(burst);
    RateLimiter::keyed(quota)
}

/// Counts one action of `key`: 429 with the wait when it is over its allowance.
pub fn allow<K: Clone + Hash + Eq>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), ApiError> {
    limiter.check_key(key).map_err(|denied| ApiError::TooManyRequests {
        retry_after: denied.wait_time_from(governor::clock::DefaultClock::default().now()),
    })
}

/// Requests allowed per machine account: a burst of `per_minute`, refilled continuously.
pub struct PartnerLimiter {
    limiter: RateLimiter<Uuid, DefaultKeyedStateStore<Uuid>, DefaultClock, StateInformationMiddleware>,
    per_minute: u32,
}

impl PartnerLimiter {
    pub fn new(per_minute: u32) -> Self {
        let burst = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(Duration::from_secs(60) / burst.get())
            .unwrap_or_else(|| Quota::per_minute(burst))
            .allow_burst(burst);
        Self { limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(), per_minute }
    }

    /// Counts one request of `account`.
    pub fn check(&self, account: Uuid) -> Result<RateLimitInfo, Duration> {
        match self.limiter.check_key(&account) {
            Ok(snapshot) => Ok(RateLimitInfo {
                limit: self.per_minute,
                remaining: snapshot.remaining_burst_capacity(),
                reset: Duration::from_secs(60) * (self.per_minute - snapshot.remaining_burst_capacity())
                    / self.per_minute.max(1),
            }),
            Err(denied) => Err(denied.wait_time_from(DefaultClock::default().now())),
        }
    }

    pub fn shrink(&self) {
        self.limiter.retain_recent();
    }
}

/// The state of a caller's allowance, sent as `RateLimit-*` headers.
#[derive(Clone, Copy, Debug)]
pub struct RateLimitInfo {
    pub limit: u32,
    pub remaining: u32,
    pub reset: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_burst_is_allowed_then_refused_with_a_wait() {
        let throttle = LoginThrottle::new(3, 100);
        for _ in 0..3 {
            assert!(throttle.check("a@b.ml", "1.2.3.4").is_ok());
        }
        let wait = throttle.check("A@B.ml", "1.2.3.4").expect_err("over the allowance");
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(throttle.check("other@b.ml", "1.2.3.4").is_ok(), "other accounts are not affected");
    }
}
