//! Authentication (passwords, tokens, the current user) and authorization (the policy table).
pub mod extractor;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod roles;
pub mod secrets;
pub mod throttle;

pub use extractor::{Authorized, CurrentUser, bearer_token};
pub use roles::{Division, Role};
