//! Unit tests of `rules`: table-driven, without database or HTTP.
use super::*;
use crate::auth::Division::{DecentralizedCooperation as Dc, Twinning as Tw};
use crate::auth::Role::{Agent, Director, DivisionHead, Partner};

const GOOD_PASSWORD: &str = "Dakar-Angers-1974-Turin";

fn fields(result: Result<(), ApiError>) -> Vec<String> {
    match result {
        Ok(()) => Vec::new(),
        Err(ApiError::Validation(errors)) => errors.into_iter().map(|error| error.field).collect(),
        Err(other) => panic!("expected a validation error, got {other:?}"),
    }
}

fn standing(role: Role, division: Option<Division>, active: bool) -> Standing {
    Standing { role, division, active }
}

fn change(role: Option<Role>, division: Option<Option<Division>>, active: Option<bool>) -> PersonChange {
    PersonChange { full_name: None, role, division, active }
}

#[test]
fn roles_and_divisions_go_together() {
    let cases = [
        (Director, None, Vec::<&str>::new()),
        (Director, Some(Tw), vec!["division"]),
        (DivisionHead, Some(Dc), vec![]),
        (Agent, None, vec!["division"]),
        (Partner, None, vec!["role"]),
    ];
    for (role, division, expected) in cases {
        let mut rules = Rules::default();
        check_role(&mut rules, role, division);
        assert_eq!(fields(rules.finish()), expected, "{role:?} {division:?}");
    }
}

#[test]
fn a_new_person_is_checked_with_a_normalized_email_and_a_strong_password() {
    let person = |email: &str, role| NewPerson { email: email.into(), full_name: "Awa".into(), role, division: None };
    assert_eq!(fields(check_new_person(&person("  AWA@djcd.test ", Director), GOOD_PASSWORD)), Vec::<String>::new());
    assert_eq!(fields(check_new_person(&person("not-an-email", Director), GOOD_PASSWORD)), vec!["email"]);
    assert_eq!(fields(check_new_person(&person("a@djcd.test", Agent), "short")), vec!["division", "password"]);
    assert_eq!(normalize_email("  AWA@Djcd.Test "), "awa@djcd.test");
}

#[test]
fn the_division_changes_only_with_the_role() {
    let head = standing(DivisionHead, Some(Tw), true);
    let cases = [
        (change(None, None, None), Ok(head)),
        (change(None, None, Some(false)), Ok(standing(DivisionHead, Some(Tw), false))),
        (change(Some(Agent), None, None), Err("division")),
        (change(Some(Agent), Some(Some(Dc)), None), Ok(standing(Agent, Some(Dc), true))),
        (change(Some(Director), Some(None), None), Ok(standing(Director, None, true))),
        (change(Some(Director), Some(Some(Tw)), None), Err("division")),
        (change(None, Some(Some(Dc)), None), Err("role")),
        (change(Some(Partner), None, None), Err("role")),
    ];
    for (index, (change, expected)) in cases.into_iter().enumerate() {
        match (standing_after(head, &change), expected) {
            (Ok(after), Ok(expected)) => assert_eq!(after, expected, "case {index}"),
            (Err(ApiError::Validation(errors)), Err(field)) => assert_eq!(errors[0].field, field, "case {index}"),
            (other, expected) => panic!("case {index}: {other:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn a_change_takes_a_director_away_when_it_demotes_or_deactivates_one() {
    let cases = [
        (Director, standing(Director, None, true), false),
        (Director, standing(DivisionHead, Some(Tw), true), true),
        (Director, standing(Director, None, false), true),
        (Agent, standing(Director, None, true), false),
        (Agent, standing(Agent, Some(Tw), false), false),
    ];
    for (current, after, expected) in cases {
        assert_eq!(takes_a_director_away(current, after), expected, "{current:?} → {after:?}");
    }
}

#[test]
fn the_city_keeps_an_active_director() {
    assert!(check_directors_remain(1).is_ok());
    match check_directors_remain(0) {
        Err(ApiError::Conflict { code, .. }) => assert_eq!(code, "last_director"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rotation_answers_only_on_the_version_it_found() {
    assert!(check_unchanged_since(3, 3).is_ok());
    assert!(matches!(check_unchanged_since(3, 4), Err(ApiError::Conflict { code: "concurrent_change", .. })));
}

#[test]
fn client_ids_are_the_prefix_and_the_simple_uuid() {
    let id = Uuid::now_v7();
    let client_id = client_id_for(id);
    assert_eq!(client_id.len(), 5 + 32);
    assert!(client_id.starts_with("djcd-") && client_id.ends_with(&id.simple().to_string()));
}

#[test]
fn a_new_password_is_strong_and_differs_from_the_current_one() {
    assert!(check_password_change("Bamako-Leipzig-1966!", GOOD_PASSWORD).is_ok());
    assert_eq!(fields(check_password_change(GOOD_PASSWORD, GOOD_PASSWORD)), vec!["new_password"]);
    assert_eq!(fields(check_password_change(GOOD_PASSWORD, "short")), vec!["new_password"]);
}

#[test]
fn machine_names_are_one_to_two_hundred_characters() {
    assert!(check_machine_name("Système d'Angers").is_ok());
    assert_eq!(fields(check_machine_name("")), vec!["name"]);
    assert_eq!(fields(check_machine_name(&"x".repeat(201))), vec!["name"]);
}
