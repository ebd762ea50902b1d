pub use super::domain_tag::Entity as DomainTag;
