pub use super::account::Entity as Account;
pub use super::domain_tag::Entity as DomainTag;
pub use super::refresh_token::Entity as RefreshToken;
