//! The rules of a new endpoint, as pure functions: whose it is, and what its body must hold.
use uuid::Uuid;

use super::types::EndpointInput;
use crate::{
    auth::{Role, policy::may_manage_webhook},
    error::ApiError,
    feed::EventKind,
    i18n::Text,
    validate::{Rules, check_text, check_web_address},
};

/// The partner a new endpoint belongs to: the director names one (422 otherwise); a partner
/// system registers for its own partner, named or not, and for no other (403).
pub fn endpoint_owner(role: Role, own_partner: Option<Uuid>, named: Option<Uuid>) -> Result<Uuid, ApiError> {
    let owner = if role == Role::Director { named } else { named.or(own_partner) };
    match owner {
        Some(owner) if may_manage_webhook(role, own_partner, owner) => Ok(owner),
        None if role == Role::Director => Err(ApiError::invalid(
            "partner_id",
            "required",
            Text::fixed("Précisez le partenaire.", "Name the partner."),
        )),
        _ => Err(ApiError::Forbidden),
    }
}

/// One to four events, a well-formed web address, a secret of 32 to 200 characters if given.
pub fn check_body(input: &EndpointInput) -> Result<(), ApiError> {
    let mut rules = Rules::default();
    if input.events.is_empty() {
        rules.fail("events", "required", Text::fixed("Au moins un type d'événement.", "At least one event type."));
    }
    // As the contract declares (`maxItems`): each of the event types at most once.
    if input.events.len() > 4 {
        rules.fail("events", "length", Text::fixed("Au plus 4 types d'événement.", "At most 4 event types."));
    }
    check_web_address(&mut rules, "url", &input.url);
    if let Some(secret) = &input.secret {
        check_text(&mut rules, "secret", secret, 32, 200);
    }
    rules.finish()
}

/// The events, sorted, each once.
pub fn normalized_events(mut events: Vec<EventKind>) -> Vec<EventKind> {
    events.sort_by_key(|event| event.as_str());
    events.dedup();
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(events: Vec<EventKind>, secret: Option<&str>) -> EndpointInput {
        EndpointInput {
            partner_id: None,
            url: "https://partenaires.example.org/hook".into(),
            events,
            secret: secret.map(str::to_owned),
        }
    }

    #[test]
    fn the_director_names_the_partner_and_a_partner_system_registers_its_own() {
        let (own, other) = (Uuid::now_v7(), Uuid::now_v7());
        /// The caller's role and partner, the partner named, and the owner or the refusal's status.
        type Case = (Role, Option<Uuid>, Option<Uuid>, Result<Uuid, u16>);
        let cases: [Case; 7] = [
            (Role::Director, None, Some(other), Ok(other)),
            (Role::Director, None, None, Err(422)),
            (Role::Partner, Some(own), None, Ok(own)),
            (Role::Partner, Some(own), Some(own), Ok(own)),
            (Role::Partner, Some(own), Some(other), Err(403)),
            (Role::Partner, None, Some(other), Err(403)),
            (Role::DivisionHead, None, Some(other), Err(403)),
        ];
        for (role, own_partner, named, expected) in cases {
            let got = endpoint_owner(role, own_partner, named).map_err(|error| match error {
                ApiError::Validation(_) => 422,
                ApiError::Forbidden => 403,
                _ => 500,
            });
            assert_eq!(got, expected, "{role:?} {own_partner:?} {named:?}");
        }
    }

    #[test]
    fn a_body_needs_events_and_a_long_enough_secret() {
        assert!(check_body(&input(vec![EventKind::ProjectUpdated], None)).is_ok());
        assert!(check_body(&input(Vec::new(), None)).is_err());
        assert!(check_body(&input(vec![EventKind::ProjectUpdated], Some("short"))).is_err());
    }

    #[test]
    fn events_are_kept_sorted_and_once() {
        let events = vec![EventKind::ProjectUpdated, EventKind::FundingLineAdded, EventKind::ProjectUpdated];
        let normalized = normalized_events(events);
        assert_eq!(normalized.len(), 2);
        assert!(normalized.windows(2).all(|pair| pair[0].as_str() < pair[1].as_str()));
    }
}
