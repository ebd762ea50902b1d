//! Old home of the account helpers, now in `domain::accounts`; these names stay until the
//! parallel branches of #15 are merged and call the new paths.
pub use crate::domain::accounts::{
    rules::{check_role, email_taken, normalize_email},
    service::create_person_directly as create_person,
    store::may_sign_in,
    types::{AccountKind, AccountResponse, KIND_MACHINE, KIND_PERSON, NewPerson},
};
