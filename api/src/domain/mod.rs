//! The aggregates: their types, rules, stores and services, below the routes and above the unit
//! of work (`records`). Nothing here knows of requests or of `state::AppState`.
pub mod funding_lines;
pub mod money;
pub mod webhook_endpoints;
