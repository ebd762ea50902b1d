//! The permission table: which role may do which action, and which action each operation needs.
//!
//! Handlers name their action in their signature (`_: Authorized<WriteDomains>`); the OpenAPI
//! document, the README's table and the permission-matrix test all read `ROLE_TABLE` and
//! `OPERATIONS`. A new route adds one line to `OPERATIONS` (and, for a new action, one to
//! `ROLE_TABLE` and one to `actions!`).
//!
//! The row rules that come on top of the table are in `rows`, re-exported here.
use super::roles::Role;

mod rows;
#[cfg(test)]
mod tests;

pub use rows::{
    AUDIT_READERS, AccountChange, WebhookScope, may_be_in_charge, may_change_account, may_evaluate, may_manage_webhook,
    may_move_agreement, may_publish_funding, may_sign_off_evaluation, may_write_division, may_write_event,
    readable_audit_types, webhook_scope,
};

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
    ReadStaff => "staff.read",
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
    (Action::ReadStaff, &[Director, DivisionHead, Agent]),
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
    ("list_staff", Some(Action::ReadStaff)),
    ("get_staff_member", Some(Action::ReadStaff)),
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

/// The permission table as Markdown, for the README (a test keeps the two equal).
pub fn markdown_table() -> String {
    let mut table = String::from("| action | director | division_head | agent | partner |\n|---|---|---|---|---|\n");
    for (action, roles) in ROLE_TABLE {
        let cells: Vec<&str> = Role::ALL.iter().map(|role| if roles.contains(role) { "yes" } else { "—" }).collect();
        table.push_str(&format!("| `{}` | {} |\n", action.code(), cells.join(" | ")));
    }
    table
}
