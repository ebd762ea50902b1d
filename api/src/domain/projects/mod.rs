//! Projects: what partner cities ask about and what the DJCD reports on. A project belongs to a
//! division, involves partners in IATI roles, follows the IATI activity statuses through an
//! append-only timeline, and is financed by funding lines in any currency, totalled in XOF.
//! Routes call `service` for writes and `store`/`financing`/`timeline` for reads.
pub mod fields;
pub mod financing;
pub mod list;
pub mod rules;
pub mod service;
pub mod store;
pub mod timeline;
pub mod types;
