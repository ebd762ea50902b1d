//! SeaORM entities of the DJCD database. Data only: no behaviour lives here.
pub mod account;
pub mod domain_tag;
pub mod prelude;
pub mod refresh_token;
