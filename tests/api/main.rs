//! Black-box HTTP tests, one module per resource. Each test runs on SQLite and, when
//! `TEST_DATABASE_URL` is set, on PostgreSQL too.
mod accounts_domain;
mod agreements;
mod auth;
mod contract;
mod domains;
mod errors;
mod exports;
mod hardening;
mod health;
mod hostile;
mod money;
mod openapi;
mod partner_systems;
mod partner_visibility;
mod partners;
mod performance;
mod portfolio;
mod projects;
mod records;
mod roles;
mod steering;
mod users;
mod webhooks;
