//! SeaORM entities of the DJCD database. Data only: no behaviour lives here.
pub mod account;
pub mod agreement;
pub mod agreement_domain;
pub mod agreement_party;
pub mod agreement_status_change;
pub mod audit_event;
pub mod domain_tag;
pub mod idempotency_key;
pub mod partner;
pub mod partner_domain;
pub mod prelude;
pub mod refresh_token;
pub mod seed_run;
