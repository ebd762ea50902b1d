//! Behaviour every official record shares, written once: versions (ETag/If-Match), archive,
//! audit, accent-free search and keyset lists.
pub mod archive;
pub mod audit;
pub mod audit_trail;
pub mod listing;
pub mod paging;
pub mod search;
pub mod unit_of_work;
pub mod versioning;
