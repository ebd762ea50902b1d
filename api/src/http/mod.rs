//! HTTP plumbing shared by every route: middleware and extractors.
pub mod answer;
pub mod authenticate;
pub mod change;
pub mod concurrency;
pub mod conditional;
pub mod export;
pub mod extract;
pub mod idempotency;
pub mod input;
pub mod known_routes;
pub mod listing;
pub mod metrics;
pub mod middleware;
/// Paging lives with the lists (`records::paging`); handlers find it here too.
pub use crate::records::paging as pagination;
pub mod slow_clients;
