//! Events of the partnerships: round tables of technical and financial partners, delegation
//! visits, youth exchanges, signings, general assemblies — with the partners, staff, agreements and
//! projects taking part. An event belongs to a division (or to the whole DJCD), whose staff write
//! it (`policy::may_write_event`); a round table takes pledges (funding lines linked to it).
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
