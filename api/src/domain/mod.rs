//! The domain layer: one module per aggregate — its types, its rules (pure functions), its store
//! (queries) and its services (one function per write, on a `records::unit_of_work::UnitOfWork`).
//! Below the routes and above the unit of work: nothing here reads a request, answers one, or knows
//! `state::AppState`.
pub mod accounts;
pub mod agreements;
pub mod domains;
pub mod evaluations;
pub mod events;
pub mod funding_lines;
pub mod money;
pub mod outcome;
pub mod partner_view;
pub mod partners;
pub mod projects;
pub mod staff;
pub mod status_moves;
pub mod webhook_endpoints;
