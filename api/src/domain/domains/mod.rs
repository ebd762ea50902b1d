//! Domain tags: the domains of cooperation (formation, santé, hydraulique…) that partners,
//! agreements and projects are tagged with. The seed brings ten; the director adds, relabels and
//! archives them. A domain's code never changes, and a domain in use cannot be archived.
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
