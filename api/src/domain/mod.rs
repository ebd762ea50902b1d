//! The aggregates: their types, rules, stores and services, below the routes and above the unit
//! of work (`records`). Nothing here reads a request, answers one, or knows `state::AppState`.
pub mod agreements;
pub mod domain_tags;
pub mod funding_lines;
pub mod money;
pub mod partner_view;
pub mod partners;
pub mod projects;
pub mod staff;
pub mod webhook_endpoints;
