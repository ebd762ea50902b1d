//! The first director: a fresh database gets one, so that someone can sign in and create the rest.
use entity::account;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    auth::{Role, secrets},
    config::AuthSettings,
    domain::accounts,
    records::audit::ChangeContext,
};

/// Creates the first director when no active director exists: from `BOOTSTRAP_DIRECTOR_EMAIL` /
/// `BOOTSTRAP_DIRECTOR_PASSWORD` when set, otherwise `director@djcd.local` with a random password
/// printed once on standard error.
pub async fn ensure_director(db: &DatabaseConnection, settings: &AuthSettings) -> anyhow::Result<()> {
    let directors = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Director.as_str()))
        .filter(account::Column::IsActive.eq(true))
        .count(db)
        .await?;
    if directors > 0 {
        return Ok(());
    }
    let email = settings.bootstrap_director_email.clone().unwrap_or_else(|| "director@djcd.local".into());
    let (password, generated) = match &settings.bootstrap_director_password {
        Some(password) => (password.clone(), false),
        None => (secrets::random_secret()?, true),
    };
    let new = accounts::types::NewPerson {
        email: email.clone(),
        full_name: "Directeur DJCD".into(),
        role: Role::Director,
        division: None,
    };
    accounts::service::create_person_directly(db, &ChangeContext::system(), new, &password)
        .await
        .map_err(|error| anyhow::anyhow!("cannot create the first director: {error}"))?;
    if generated {
        eprintln!("First director created: {email} / password (shown once): {password}");
    }
    tracing::warn!(%email, "first director created");
    Ok(())
}
