//! The DJCD API as a library: the app factory (`startup::Application`) that the `api` binary and
//! the black-box tests share, and everything it serves.
pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod feed;
pub mod http;
pub mod i18n;
pub mod iati;
pub mod lenient;
#[cfg(test)]
mod module_graph;
pub mod money;
pub mod openapi;
pub mod records;
pub mod routes;
pub mod seed;
pub mod sessions;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod validate;
pub mod vocabulary;
pub mod webhooks;
