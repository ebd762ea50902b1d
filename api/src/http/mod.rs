//! HTTP plumbing shared by every route: middleware and extractors.
pub mod concurrency;
pub mod extract;
pub mod middleware;
pub mod pagination;
