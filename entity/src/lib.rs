//! SeaORM entities of the DJCD database. Data only: no behaviour lives here.
pub mod domain_tag;
pub mod prelude;
