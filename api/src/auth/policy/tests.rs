//! Table-driven tests of the permission table and the row rules.
use super::*;
use crate::auth::roles::Division;

#[test]
fn every_action_has_a_row_in_the_role_table() {
    for action in Action::ALL {
        assert!(ROLE_TABLE.iter().any(|(listed, _)| listed == action), "{action:?} has no row");
    }
}

#[test]
fn the_table_reads_as_the_issue_states() {
    let cases = [
        (Director, Action::WriteDomains, true),
        (DivisionHead, Action::WriteDomains, false),
        (Partner, Action::ReadDomains, true),
        (Agent, Action::ManageUsers, false),
        (Director, Action::ManageUsers, true),
        (Partner, Action::ReadOwnAccount, true),
        (Director, Action::ReadStaff, true),
        (DivisionHead, Action::ReadStaff, true),
        (Agent, Action::ReadStaff, true),
        (Partner, Action::ReadStaff, false),
    ];
    for (role, action, expected) in cases {
        assert_eq!(allows(role, action), expected, "{role:?} {action:?}");
    }
}

#[test]
fn division_rows_are_written_by_their_own_staff_and_the_director() {
    use Division::{DecentralizedCooperation as Dc, Twinning as Tw};
    assert!(may_write_division(Director, None, Tw));
    assert!(may_write_division(Agent, Some(Tw), Tw));
    assert!(!may_write_division(Agent, Some(Dc), Tw));
    assert!(!may_write_division(DivisionHead, None, Tw));
    assert!(!may_write_division(Partner, None, Tw));
}

#[test]
fn the_audit_trail_follows_the_read_permission_of_what_it_describes() {
    let head = readable_audit_types(DivisionHead).expect("a list");
    assert!(head.contains(&"project") && head.contains(&"partner") && head.contains(&"event"));
    for hidden in ["webhook", "user", "machine_account", "some_future_type"] {
        assert!(!head.contains(&hidden), "{hidden}");
    }
    assert_eq!(readable_audit_types(Director), None);
    for (kind, action) in AUDIT_READERS {
        assert_eq!(head.contains(kind), allows(DivisionHead, *action), "{kind}");
    }
}

#[test]
fn only_the_director_and_the_records_division_are_put_in_charge() {
    use Division::{DecentralizedCooperation as Dc, Twinning as Tw};
    assert!(may_be_in_charge(Director, None, Tw));
    assert!(may_be_in_charge(Agent, Some(Tw), Tw));
    assert!(may_be_in_charge(DivisionHead, Some(Dc), Dc));
    assert!(!may_be_in_charge(Agent, Some(Dc), Tw));
    assert!(!may_be_in_charge(Partner, None, Tw));
}

#[test]
fn funding_publication_follows_the_table() {
    for role in Role::ALL {
        assert_eq!(may_publish_funding(role), allows(role, Action::PublishFunding), "{role:?}");
    }
    assert!(may_publish_funding(Director));
    assert!(!may_publish_funding(DivisionHead));
}

#[test]
fn the_webhook_list_shows_exactly_the_endpoints_the_caller_manages() {
    let (own, other) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    for role in Role::ALL {
        for own_partner in [None, Some(own)] {
            let scope = webhook_scope(role, own_partner);
            for endpoint in [own, other] {
                let listed = match scope {
                    WebhookScope::Every => true,
                    WebhookScope::OfPartner(partner) => partner == endpoint,
                    WebhookScope::Nothing => false,
                };
                assert_eq!(listed, may_manage_webhook(role, own_partner, endpoint), "{role:?} {own_partner:?}");
            }
        }
    }
}

#[test]
fn a_partner_manages_its_own_webhooks_and_the_director_all() {
    let (own, other) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    assert!(may_manage_webhook(Director, None, other));
    assert!(may_manage_webhook(Partner, Some(own), own));
    assert!(!may_manage_webhook(Partner, Some(own), other));
    assert!(!may_manage_webhook(DivisionHead, Some(own), own));
}

#[test]
fn the_director_moves_agreements_and_division_heads_only_the_routine_moves_of_their_division() {
    use Division::{DecentralizedCooperation as Dc, Twinning as Tw};
    let cases = [
        (Director, None, Tw, false, true),
        (Director, None, Dc, true, true),
        (DivisionHead, Some(Tw), Tw, true, true),
        (DivisionHead, Some(Tw), Tw, false, false),
        (DivisionHead, Some(Dc), Tw, true, false),
        (DivisionHead, None, Tw, true, false),
        (Agent, Some(Tw), Tw, true, false),
        (Partner, None, Tw, true, false),
    ];
    for (role, own, agreement, routine, expected) in cases {
        assert_eq!(may_move_agreement(role, own, agreement, routine), expected, "{role:?} {own:?} {agreement:?}");
    }
    for role in Role::ALL {
        if !allows(role, Action::MoveAgreements) {
            assert!(!may_move_agreement(role, Some(Tw), Tw, true), "{role:?} is not in the table");
        }
    }
}

#[test]
fn accounts_are_managed_by_the_table_and_ones_own_only_by_name() {
    use AccountChange::{PasswordReset, Profile, Standing};
    let (me, other) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let cases = [
        (Director, other, Profile, true),
        (Director, other, Standing, true),
        (Director, other, PasswordReset, true),
        (Director, me, Profile, true),
        (Director, me, Standing, false),
        (Director, me, PasswordReset, false),
        (DivisionHead, other, Profile, false),
        (Agent, me, Profile, false),
        (Partner, other, Standing, false),
    ];
    for (role, account, change, expected) in cases {
        assert_eq!(may_change_account(role, me, account, change), expected, "{role:?} {change:?}");
        if account != me {
            assert_eq!(may_change_account(role, me, account, change), allows(role, Action::ManageUsers));
        }
    }
}

#[test]
fn events_are_written_by_their_division_and_djcd_wide_ones_by_the_director() {
    use Division::{DecentralizedCooperation as Dc, Twinning as Tw};
    let cases = [
        (Director, None, None, true),
        (Director, None, Some(Tw), true),
        (DivisionHead, Some(Tw), Some(Tw), true),
        (Agent, Some(Tw), Some(Tw), true),
        (Agent, Some(Dc), Some(Tw), false),
        (DivisionHead, Some(Dc), Some(Tw), false),
        (Agent, Some(Tw), None, false),
        (Partner, None, Some(Tw), false),
    ];
    for (role, own, event, expected) in cases {
        assert_eq!(may_write_event(role, own, event), expected, "{role:?} {own:?} {event:?}");
    }
}

#[test]
fn evaluations_are_written_and_signed_off_in_the_agreements_division() {
    use Division::{DecentralizedCooperation as Dc, Twinning as Tw};
    // (role, own division, agreement's division, may evaluate, may sign off)
    let cases = [
        (Director, None, Tw, true, true),
        (DivisionHead, Some(Tw), Tw, true, true),
        (DivisionHead, Some(Dc), Tw, false, false),
        (Agent, Some(Tw), Tw, true, false),
        (Agent, Some(Dc), Tw, false, false),
        (Partner, None, Tw, false, false),
    ];
    for (role, own, division, evaluates, signs_off) in cases {
        assert_eq!(may_evaluate(role, own, division), evaluates, "{role:?} {own:?} evaluates {division:?}");
        assert_eq!(may_sign_off_evaluation(role, own, division), signs_off, "{role:?} {own:?} signs off {division:?}");
    }
}
