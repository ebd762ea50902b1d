//! One file per module of `api/src/routes/`, holding the tests of the routes it serves.
mod agreements;
mod audit;
mod auth;
mod domains;
mod evaluations;
mod events;
mod funding_lines;
mod health;
mod iati;
mod partner_api;
mod partners;
mod projects;
mod staff;
mod stats;
mod users;
mod webhooks;
