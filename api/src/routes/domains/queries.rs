//! Queries about domains that other resources need.
use sea_orm::{ConnectionTrait, DbErr};

/// How many live records name the domain `code`. Each resource that attaches domains adds its
/// table here, so that a domain in use cannot be archived.
pub async fn count_uses(_db: &impl ConnectionTrait, _code: &str) -> Result<u64, DbErr> {
    Ok(0)
}
