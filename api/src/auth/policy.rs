//! The permission table: which role may do which action, and which action each operation needs.
//!
//! Handlers name their action in their signature (`_: Authorized<WriteDomains>`); the OpenAPI
//! document, the README's table and the permission-matrix test all read `ROLE_TABLE` and
//! `OPERATIONS`. A new route adds one line to `OPERATIONS` (and, for a new action, one to
//! `ROLE_TABLE` and one to `actions!`).
use super::roles::{Division, Role};

/// Declares the actions: a variant of `Action` and a marker type for `Authorized<_>` each.
macro_rules! actions {
    ($($name:ident => $code:literal),* $(,)?) => {
        /// Something a caller may be allowed to do.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action { $($name),* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$name),*];

            pub fn code(self) -> &'static str {
                match self { $(Action::$name => $code),* }
            }
        }

        $(
            #[doc = concat!("Marker of the `", $code, "` action, for `Authorized<_>`.")]
            pub struct $name;
            impl ActionMarker for $name {
                const ACTION: Action = Action::$name;
            }
        )*
    };
}

/// Links a marker type to its action.
pub trait ActionMarker {
    const ACTION: Action;
}

actions! {
    ReadOwnAccount => "account.read_own",
    ChangeOwnPassword => "account.change_password",
    ReadDomains => "domains.read",
    WriteDomains => "domains.write",
    ManageUsers => "users.manage",
    ReadPartners => "partners.read",
    WritePartners => "partners.write",
    ReadAgreements => "agreements.read",
    WriteAgreements => "agreements.write",
    MoveAgreements => "agreements.status",
    RestoreRecords => "records.restore",
    ReadAudit => "audit.read",
    ReadProjects => "projects.read",
    WriteProjects => "projects.write",
    PublishFunding => "funding.publish",
    ReadRates => "exchange_rates.read",
    WriteRates => "exchange_rates.write",
    ReadPartnerView => "partner_view.read",
    ManageWebhooks => "webhooks.manage",
    ReadIati => "iati.read",
    ReadEvaluations => "evaluations.read",
    WriteEvaluations => "evaluations.write",
    SignOffEvaluations => "evaluations.sign_off",
    ReadEvents => "events.read",
    WriteEvents => "events.write",
    ReadStats => "stats.read",
}

use Role::{Agent, Director, DivisionHead, Partner};

/// Who may do what. Row rules (a division's own records) come on top: see `may_write_division`.
pub const ROLE_TABLE: &[(Action, &[Role])] = &[
    (Action::ReadOwnAccount, &[Director, DivisionHead, Agent, Partner]),
    (Action::ChangeOwnPassword, &[Director, DivisionHead, Agent]),
    (Action::ReadDomains, &[Director, DivisionHead, Agent, Partner]),
    (Action::WriteDomains, &[Director]),
    (Action::ManageUsers, &[Director]),
    (Action::ReadPartners, &[Director, DivisionHead, Agent]),
    (Action::WritePartners, &[Director, DivisionHead]),
    (Action::ReadAgreements, &[Director, DivisionHead, Agent]),
    (Action::WriteAgreements, &[Director, DivisionHead]),
    (Action::MoveAgreements, &[Director, DivisionHead]),
    (Action::RestoreRecords, &[Director]),
    (Action::ReadAudit, &[Director, DivisionHead]),
    (Action::ReadProjects, &[Director, DivisionHead, Agent]),
    (Action::WriteProjects, &[Director, DivisionHead, Agent]),
    (Action::PublishFunding, &[Director]),
    (Action::ReadRates, &[Director, DivisionHead, Agent]),
    (Action::WriteRates, &[Director]),
    (Action::ReadPartnerView, &[Partner]),
    (Action::ManageWebhooks, &[Director, Partner]),
    (Action::ReadIati, &[Director, DivisionHead, Agent, Partner]),
    (Action::ReadEvaluations, &[Director, DivisionHead, Agent]),
    (Action::WriteEvaluations, &[Director, DivisionHead, Agent]),
    (Action::SignOffEvaluations, &[Director, DivisionHead]),
    (Action::ReadEvents, &[Director, DivisionHead, Agent]),
    (Action::WriteEvents, &[Director, DivisionHead, Agent]),
    (Action::ReadStats, &[Director, DivisionHead, Agent]),
];

/// The action each operation (by `operationId`) needs; `None` for public operations.
pub const OPERATIONS: &[(&str, Option<Action>)] = &[
    ("get_live", None),
    ("get_ready", None),
    ("list_vocabularies", Some(Action::ReadDomains)),
    ("list_domains", Some(Action::ReadDomains)),
    ("get_domain", Some(Action::ReadDomains)),
    ("create_domain", Some(Action::WriteDomains)),
    ("update_domain", Some(Action::WriteDomains)),
    ("delete_domain", Some(Action::WriteDomains)),
    ("login", None),
    ("refresh_session", None),
    ("issue_client_token", None),
    ("logout", Some(Action::ReadOwnAccount)),
    ("get_me", Some(Action::ReadOwnAccount)),
    ("change_password", Some(Action::ChangeOwnPassword)),
    ("list_users", Some(Action::ManageUsers)),
    ("create_user", Some(Action::ManageUsers)),
    ("get_user", Some(Action::ManageUsers)),
    ("update_user", Some(Action::ManageUsers)),
    ("deactivate_user", Some(Action::ManageUsers)),
    ("reset_user_password", Some(Action::ManageUsers)),
    ("list_machine_accounts", Some(Action::ManageUsers)),
    ("create_machine_account", Some(Action::ManageUsers)),
    ("get_machine_account", Some(Action::ManageUsers)),
    ("rotate_machine_secret", Some(Action::ManageUsers)),
    ("deactivate_machine_account", Some(Action::ManageUsers)),
    ("list_partners", Some(Action::ReadPartners)),
    ("get_partner", Some(Action::ReadPartners)),
    ("partner_history", Some(Action::ReadPartners)),
    ("create_partner", Some(Action::WritePartners)),
    ("update_partner", Some(Action::WritePartners)),
    ("archive_partner", Some(Action::WritePartners)),
    ("restore_partner", Some(Action::RestoreRecords)),
    ("list_agreements", Some(Action::ReadAgreements)),
    ("get_agreement", Some(Action::ReadAgreements)),
    ("agreement_history", Some(Action::ReadAgreements)),
    ("list_agreement_status_changes", Some(Action::ReadAgreements)),
    ("create_agreement", Some(Action::WriteAgreements)),
    ("update_agreement", Some(Action::WriteAgreements)),
    ("archive_agreement", Some(Action::WriteAgreements)),
    ("restore_agreement", Some(Action::RestoreRecords)),
    ("change_agreement_status", Some(Action::MoveAgreements)),
    ("list_audit_events", Some(Action::ReadAudit)),
    ("list_projects", Some(Action::ReadProjects)),
    ("get_project", Some(Action::ReadProjects)),
    ("project_history", Some(Action::ReadProjects)),
    ("list_status_updates", Some(Action::ReadProjects)),
    ("get_financing", Some(Action::ReadProjects)),
    ("list_project_funding_lines", Some(Action::ReadProjects)),
    ("create_project", Some(Action::WriteProjects)),
    ("update_project", Some(Action::WriteProjects)),
    ("archive_project", Some(Action::WriteProjects)),
    ("restore_project", Some(Action::RestoreRecords)),
    ("create_status_update", Some(Action::WriteProjects)),
    ("create_funding_line", Some(Action::WriteProjects)),
    ("list_funding_lines", Some(Action::ReadProjects)),
    ("get_funding_line", Some(Action::ReadProjects)),
    ("update_funding_line", Some(Action::WriteProjects)),
    ("archive_funding_line", Some(Action::WriteProjects)),
    ("restore_funding_line", Some(Action::RestoreRecords)),
    ("list_exchange_rates", Some(Action::ReadRates)),
    ("create_exchange_rate", Some(Action::WriteRates)),
    ("list_partner_projects", Some(Action::ReadPartnerView)),
    ("get_partner_project", Some(Action::ReadPartnerView)),
    ("list_partner_status_updates", Some(Action::ReadPartnerView)),
    ("list_partner_changes", Some(Action::ReadPartnerView)),
    ("list_webhooks", Some(Action::ManageWebhooks)),
    ("create_webhook", Some(Action::ManageWebhooks)),
    ("get_webhook", Some(Action::ManageWebhooks)),
    ("delete_webhook", Some(Action::ManageWebhooks)),
    ("list_webhook_deliveries", Some(Action::ManageWebhooks)),
    ("redeliver_webhook", Some(Action::ManageWebhooks)),
    ("list_iati_activities", Some(Action::ReadIati)),
    ("get_iati_activity", Some(Action::ReadIati)),
    ("list_agreement_evaluations", Some(Action::ReadEvaluations)),
    ("create_evaluation", Some(Action::WriteEvaluations)),
    ("list_due_evaluations", Some(Action::ReadEvaluations)),
    ("get_evaluation", Some(Action::ReadEvaluations)),
    ("update_evaluation", Some(Action::WriteEvaluations)),
    ("sign_off_evaluation", Some(Action::SignOffEvaluations)),
    ("list_events", Some(Action::ReadEvents)),
    ("create_event", Some(Action::WriteEvents)),
    ("get_event", Some(Action::ReadEvents)),
    ("update_event", Some(Action::WriteEvents)),
    ("archive_event", Some(Action::WriteEvents)),
    ("create_pledge", Some(Action::WriteProjects)),
    ("agreement_stats", Some(Action::ReadStats)),
    ("inactive_agreements", Some(Action::ReadStats)),
    ("project_stats", Some(Action::ReadStats)),
    ("financing_stats", Some(Action::ReadStats)),
    ("pledge_stats", Some(Action::ReadStats)),
    ("partners_geojson", Some(Action::ReadStats)),
];

/// Whether `role` may do `action`.
pub fn allows(role: Role, action: Action) -> bool {
    ROLE_TABLE.iter().any(|(listed, roles)| *listed == action && roles.contains(&role))
}

/// The roles allowed to do `action`.
pub fn roles_for(action: Action) -> &'static [Role] {
    ROLE_TABLE.iter().find(|(listed, _)| *listed == action).map_or(&[], |(_, roles)| roles)
}

/// The action an operation needs: `Some(None)` for a public one, `None` for an unknown operation.
pub fn operation_action(operation_id: &str) -> Option<Option<Action>> {
    OPERATIONS.iter().find(|(id, _)| *id == operation_id).map(|(_, action)| *action)
}

/// Row rule: the director writes in every division; division heads and agents in their own.
pub fn may_write_division(role: Role, own_division: Option<Division>, record_division: Division) -> bool {
    match role {
        Role::Director => true,
        Role::DivisionHead | Role::Agent => own_division == Some(record_division),
        Role::Partner => false,
    }
}

/// The audit trail follows the read permission of what it describes: each audited record type and
/// the action that reads it. A type not listed is read by the director only.
pub const AUDIT_READERS: &[(&str, Action)] = &[
    ("partner", Action::ReadPartners),
    ("agreement", Action::ReadAgreements),
    ("project", Action::ReadProjects),
    ("funding_line", Action::ReadProjects),
    ("exchange_rate", Action::ReadRates),
    ("evaluation", Action::ReadEvaluations),
    ("event", Action::ReadEvents),
    ("domain", Action::ReadDomains),
    ("webhook", Action::ManageWebhooks),
    ("user", Action::ManageUsers),
    ("machine_account", Action::ManageUsers),
];

/// The record types whose audit entries `role` may read; `None` for all of them (the director).
pub fn readable_audit_types(role: Role) -> Option<Vec<&'static str>> {
    if role == Role::Director {
        return None;
    }
    Some(AUDIT_READERS.iter().filter(|(_, action)| allows(role, *action)).map(|(kind, _)| *kind).collect())
}

/// Row rule: who may be named in charge of a record of `division` (agent in charge of a project or
/// an agreement): the director, or a division head or agent of that division.
pub fn may_be_in_charge(role: Role, own_division: Option<Division>, division: Division) -> bool {
    match role {
        Role::Director => true,
        Role::DivisionHead | Role::Agent => own_division == Some(division),
        Role::Partner => false,
    }
}

/// Who decides that a funding line is shown to every partner of its project: the holders of
/// `funding.publish` in the table.
pub fn may_publish_funding(role: Role) -> bool {
    allows(role, Action::PublishFunding)
}

/// Row rule of webhooks: a partner system manages its own endpoints; the director every one.
pub fn may_manage_webhook(role: Role, own_partner: Option<uuid::Uuid>, endpoint_partner: uuid::Uuid) -> bool {
    role == Role::Director || (role == Role::Partner && own_partner == Some(endpoint_partner))
}

/// Row rule of an agreement's status: the holders of `agreements.status` in the table; the
/// director makes every move, a division head only the routine ones (`active` ↔ `dormant`, see
/// `domain::agreements::rules::is_routine_move`) of an agreement of their own division.
pub fn may_move_agreement(
    role: Role,
    own_division: Option<Division>,
    agreement_division: Division,
    routine_move: bool,
) -> bool {
    allows(role, Action::MoveAgreements)
        && (role == Role::Director || (routine_move && may_write_division(role, own_division, agreement_division)))
}

/// Row rule of events: an event of a division is written by that division's staff and the
/// director; an event of the whole DJCD (no division) by the director only.
pub fn may_write_event(role: Role, own_division: Option<Division>, event_division: Option<Division>) -> bool {
    match (role, event_division) {
        (Role::Director, _) => true,
        (Role::DivisionHead | Role::Agent, Some(division)) => own_division == Some(division),
        _ => false,
    }
}

/// Row rule of evaluations: an agreement is evaluated by the holders of `evaluations.write` who
/// write in its division (`may_write_division`).
pub fn may_evaluate(role: Role, own_division: Option<Division>, agreement_division: Division) -> bool {
    allows(role, Action::WriteEvaluations) && may_write_division(role, own_division, agreement_division)
}

/// Row rule of evaluations: an evaluation is signed off by the holders of `evaluations.sign_off`
/// who write in its agreement's division (the division head, or the director).
pub fn may_sign_off_evaluation(role: Role, own_division: Option<Division>, agreement_division: Division) -> bool {
    allows(role, Action::SignOffEvaluations) && may_write_division(role, own_division, agreement_division)
}

/// What the holders of `users.manage` do to an account, for the own-account row rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountChange {
    /// Its name.
    Profile,
    /// Its role, division or activity (deactivation included): its sessions end.
    Standing,
    /// A new temporary password.
    PasswordReset,
}

/// Row rule of accounts: the holders of `users.manage` change every account, but on their own only
/// the name. A stolen token must not be enough to take an account over (one's own password changes
/// with the current one, at `PUT /auth/password`), and a director must not lock themself out.
pub fn may_change_account(role: Role, caller: uuid::Uuid, account: uuid::Uuid, change: AccountChange) -> bool {
    allows(role, Action::ManageUsers) && (caller != account || change == AccountChange::Profile)
}

/// The permission table as Markdown, for the README (a test keeps the two equal).
pub fn markdown_table() -> String {
    let mut table = String::from("| action | director | division_head | agent | partner |\n|---|---|---|---|---|\n");
    for (action, roles) in ROLE_TABLE {
        let cells: Vec<&str> = Role::ALL.iter().map(|role| if roles.contains(role) { "yes" } else { "—" }).collect();
        table.push_str(&format!("| `{}` | {} |\n", action.code(), cells.join(" | ")));
    }
    table
}

/// Whose webhook endpoints a caller lists: exactly those it manages ([`may_manage_webhook`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookScope {
    Every,
    OfPartner(uuid::Uuid),
    Nothing,
}

pub fn webhook_scope(role: Role, own_partner: Option<uuid::Uuid>) -> WebhookScope {
    match (role, own_partner) {
        (Role::Director, _) => WebhookScope::Every,
        (Role::Partner, Some(partner)) => WebhookScope::OfPartner(partner),
        _ => WebhookScope::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(
                may_sign_off_evaluation(role, own, division),
                signs_off,
                "{role:?} {own:?} signs off {division:?}"
            );
        }
    }
}
