//! The data set's pseudo-random generator: small, fast and reproducible (SplitMix64).
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A small, fast, reproducible pseudo-random generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low + 1) as u64;
        low + (self.next_u64() % span) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    /// One of `items`, chosen with the given weights.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.next_u64() % total;
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        &items[items.len() - 1].0
    }

    /// A UUID v7 stamped with `time`, as the API makes them (random bits from this generator).
    pub fn uuid_v7(&mut self, time: DateTime<Utc>) -> Uuid {
        let millis = time.timestamp_millis().max(0) as u64;
        let random = (u128::from(self.next_u64()) << 64 | u128::from(self.next_u64())).to_be_bytes();
        let mut bytes = [0u8; 10];
        bytes.copy_from_slice(&random[..10]);
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
    }
}
