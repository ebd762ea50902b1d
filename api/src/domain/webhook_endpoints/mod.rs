//! Webhook endpoints: where a partner system wants the change feed of its projects delivered,
//! signed with a secret shown once. A partner system manages its own endpoints, the director
//! every one (`auth::policy::may_manage_webhook`); removing one archives it, with its deliveries.
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
