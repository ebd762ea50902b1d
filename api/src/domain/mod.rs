//! The aggregates: their types, rules, stores and services, below the routes and above the unit
//! of work (`records`). Nothing here reads a request or answers one.
pub mod projects;
