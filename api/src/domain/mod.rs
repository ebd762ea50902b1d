//! The domain layer: one module per aggregate — its types, its rules (pure functions), its store
//! (queries) and its services (one function per write, on a `records::unit_of_work::UnitOfWork`).
pub mod accounts;
pub mod domains;
pub mod outcome;
