//! Funding lines: the pledges, commitments, disbursements and expenditures of a partner to a
//! project, exact to the minor unit of their currency, and the dated exchange rates that give
//! their XOF value. A line belongs to a project: it follows the project's division rule, and the
//! lines of a closed or cancelled project no longer change.
pub mod rates;
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
