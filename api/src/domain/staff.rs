//! Staff named on a record (the agent in charge of an agreement or a project, the staff of an
//! event): an active person's account, of the record's division when it has one.
use entity::account;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    auth::{Division, Role, policy::may_be_in_charge},
    domain::accounts::types::KIND_PERSON,
    error::ApiError,
    i18n::Text,
};

/// Checks that an account exists, is an active person (not a machine) and, for a record of
/// `division`, may be in charge of it (`policy::may_be_in_charge`: the director or that division's
/// staff). 422 naming `field` otherwise.
pub async fn check_staff(
    db: &impl ConnectionTrait,
    field: &str,
    id: Option<Uuid>,
    division: Option<Division>,
) -> Result<(), ApiError> {
    let Some(id) = id else { return Ok(()) };
    let found = account::Entity::find_by_id(id)
        .filter(account::Column::Kind.eq(KIND_PERSON))
        .filter(account::Column::IsActive.eq(true))
        .one(db)
        .await?;
    let Some(found) = found else {
        return Err(ApiError::invalid(
            field,
            "unknown_account",
            Text::fixed("Agent inconnu ou inactif.", "Unknown or inactive staff member."),
        ));
    };
    let Some(division) = division else { return Ok(()) };
    let role = Role::from_stored(&found.role)?;
    let own_division = found.division.as_deref().map(Division::from_stored).transpose()?;
    if may_be_in_charge(role, own_division, division) {
        return Ok(());
    }
    Err(ApiError::invalid(
        field,
        "other_division",
        Text::fixed(
            "Cette personne n'appartient pas à la division du dossier.",
            "This staff member does not belong to the record's division.",
        ),
    ))
}
