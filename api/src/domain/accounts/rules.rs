//! The rules of accounts, without the database: what a valid account is, which changes end its
//! sessions, and the city's last active director.
use uuid::Uuid;

use super::types::{NewPerson, PersonChange, Standing};
use crate::{
    auth::{Division, Role, password},
    error::ApiError,
    i18n::Text,
    validate::{Rules, check_email, check_text},
};

/// E-mail addresses are compared trimmed and in lower case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks the role/division pair: heads and agents have a division, the director none, and people
/// are never `partner` (that role is for machine accounts).
pub fn check_role(rules: &mut Rules, role: Role, division: Option<Division>) {
    if role == Role::Partner {
        rules.fail(
            "role",
            "machine_only",
            Text::fixed(
                "Le rôle partner est réservé aux comptes machine.",
                "The partner role is for machine accounts.",
            ),
        );
    } else if role.needs_division() && division.is_none() {
        rules.fail(
            "division",
            "required",
            Text::fixed("Une division est requise pour ce rôle.", "This role needs a division."),
        );
    } else if !role.needs_division() && division.is_some() {
        rules.fail(
            "division",
            "not_allowed",
            Text::fixed("Ce rôle n'a pas de division.", "This role has no division."),
        );
    }
}

/// A new person: an e-mail (normalized first), a name, a role with its division, and a password
/// that is not too short nor too common.
pub fn check_new_person(new: &NewPerson, plain_password: &str) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    check_email(&mut rules, "email", &normalize_email(&new.email));
    check_text(&mut rules, "full_name", &new.full_name, 1, 200);
    check_role(&mut rules, new.role, new.division);
    password::check_new(&mut rules, "password", plain_password);
    rules.finish()
}

/// A machine account's name.
pub fn check_machine_name(name: &str) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    check_text(&mut rules, "name", name, 1, 200);
    rules.finish()
}

/// The standing a change leads to. A division changes only together with the role, so that the
/// pair is judged as a whole.
pub fn standing_after(current: Standing, change: &PersonChange) -> Result<Standing, ApiError> {
    let division = match (change.role, change.division) {
        (None, Some(_)) => {
            return Err(ApiError::invalid(
                "role",
                "required",
                Text::fixed("La division change avec le rôle.", "The division changes together with the role."),
            ));
        }
        (None, None) => current.division,
        (Some(_), division) => division.flatten(),
    };
    let after = Standing {
        role: change.role.unwrap_or(current.role),
        division,
        active: change.active.unwrap_or(current.active),
    };
    let mut rules = Rules::default();
    if let Some(name) = &change.full_name {
        check_text(&mut rules, "full_name", name, 1, 200);
    }
    check_role(&mut rules, after.role, after.division);
    rules.finish()?;
    Ok(after)
}

/// Whether a change takes a director away (demoted or deactivated): then another active director
/// must remain. Judged on the stored role, whatever the stored activity.
pub fn takes_a_director_away(current_role: Role, after: Standing) -> bool {
    current_role == Role::Director && (after.role != Role::Director || !after.active)
}

/// The city keeps at least one active director: `others` counts the active directors besides the
/// account being changed.
pub fn check_directors_remain(others: u64) -> Result<(), ApiError> {
    if others > 0 {
        return Ok(());
    }
    Err(ApiError::conflict(
        "last_director",
        Text::fixed("Il doit rester au moins un directeur actif.", "At least one active director must remain."),
    ))
}

/// The 409 of a change one may not make to one's own account (see `auth::policy::may_change_account`).
pub fn own_account() -> ApiError {
    ApiError::conflict(
        "own_account",
        Text::fixed(
            "On ne change pas son propre rôle, sa division, son activité ni son mot de passe par cette route.",
            "One's own role, division, activity or password cannot be changed through this route.",
        ),
    )
}

/// A rotation answers only if the account is still as the request found it on arrival: of two
/// rotations racing, the second would otherwise hand out a secret that never works.
pub fn check_unchanged_since(seen_version: i32, current_version: i32) -> Result<(), ApiError> {
    if seen_version == current_version {
        return Ok(());
    }
    Err(ApiError::conflict(
        "concurrent_change",
        Text::fixed(
            "Le compte a changé pendant la rotation (une autre rotation ?) ; aucun secret n'a été créé. \
             Relisez le compte avant de réessayer.",
            "The account changed during the rotation (another rotation?); no secret was issued. Read the \
             account again before retrying.",
        ),
    ))
}

/// The `client_id` of the machine account `id`.
pub fn client_id_for(id: Uuid) -> String {
    format!("djcd-{}", id.simple())
}

/// A new password of one's own: valid, and not the current one.
pub fn check_password_change(current: &str, new: &str) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    password::check_new(&mut rules, "new_password", new);
    if new == current {
        rules.fail(
            "new_password",
            "same_as_current",
            Text::fixed(
                "Le nouveau mot de passe doit différer de l'actuel.",
                "The new password must differ from the current one.",
            ),
        );
    }
    rules.finish()
}

/// The 409 of an e-mail that is taken.
pub fn email_taken() -> ApiError {
    ApiError::conflict(
        "email_taken",
        Text::fixed("Cette adresse e-mail est déjà utilisée.", "This e-mail address is already in use."),
    )
    .on_fields(&["email"])
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
