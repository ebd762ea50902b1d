//! Partners: the organisations the city works with (cities, networks, donors, NGOs…). A partner is
//! unique by its name (accents and case ignored) within its country; other records name it through
//! [`types::PartnerRef`], and check the ones they link to with [`store::check_partners`].
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
