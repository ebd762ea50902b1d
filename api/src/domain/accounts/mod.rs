//! Accounts: the DJCD's people (director, division heads, agents; e-mail and password) and the
//! machine accounts of partners' systems (client id and secret). The director manages them; they
//! are never deleted (history points at them) but deactivated, and the city always keeps an active
//! director.
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
