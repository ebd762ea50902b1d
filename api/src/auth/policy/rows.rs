//! Row rules: who may act on one record (their division's, their partner's, their own account),
//! on top of the permission table.
use super::{Action, allows};
use crate::auth::roles::{Division, Role};

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
