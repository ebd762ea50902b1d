//! Bodies of the `/users` and `/machine-accounts` routes.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::accounts::types::{AccountResponse, StaffRole};
use crate::{
    auth::{Division, Role},
    domain::accounts::types::{NewMachine, NewPerson, PersonChange},
    validate::SearchParam,
    vocabulary::CodeSet,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListAccountsQuery {
    /// Only accounts with one of these roles, comma-separated.
    #[param(inline, style = Form, explode = false)]
    pub role: Option<CodeSet<Role>>,
    /// Only accounts of one of these divisions, comma-separated.
    #[param(inline, style = Form, explode = false)]
    pub division: Option<CodeSet<Division>>,
    /// Only active (`true`) or deactivated (`false`) accounts.
    pub active: Option<bool>,
    /// Free text in the full name and the e-mail, case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// `created_at` (the default), `updated_at` or `full_name`; prefix `-` for descending.
    #[param(inline, example = "full_name")]
    pub sort: Option<AccountSort>,
    #[serde(default)]
    pub include_total: bool,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of accounts, oldest first.
#[derive(Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// The number of matching accounts, when `include_total=true`.
    pub total: Option<u64>,
}

crate::code_list! {
    /// The order of a list of accounts: a field, prefixed with `-` for descending.
    pub enum AccountSort {
        CreatedAt = "created_at",
        CreatedAtDescending = "-created_at",
        UpdatedAt = "updated_at",
        UpdatedAtDescending = "-updated_at",
        FullName = "full_name",
        FullNameDescending = "-full_name",
    }
}

/// A new person's account. Without `password`, a temporary one is generated and returned once.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "agent@djcd.bamako.ml", "full_name": "Awa Traoré", "role": "agent", "division": "twinning"}))]
pub struct CreateUser {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    /// `director`, `division_head` or `agent` (`partner` is for machine accounts).
    pub role: StaffRole,
    /// Required for `division_head` and `agent`; absent for `director`.
    pub division: Option<Division>,
    #[schema(format = "password", min_length = 12, max_length = 128)]
    pub password: Option<String>,
}

/// An account just created or whose password was reset, with the temporary password shown once.
#[derive(Serialize, ToSchema)]
pub struct AccountWithPassword {
    pub account: AccountResponse,
    /// Shown only in this answer; `null` when the password was chosen by the director.
    pub temporary_password: Option<String>,
}

/// Changes to an account; absent fields keep their value. A change of role, division or activity
/// ends the account's sessions.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "division_head", "division": "decentralized_cooperation"}))]
pub struct UpdateUser {
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    pub role: Option<StaffRole>,
    /// Set with the role; `null` removes it (director).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(nullable)]
    pub division: Option<Option<Division>>,
    pub is_active: Option<bool>,
}

/// A new machine account for a partner's system.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"partner_id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "name": "Système de la Ville d'Angers"}))]
pub struct CreateMachineAccount {
    /// The partner the system acts for.
    pub partner_id: Uuid,
    /// A name to recognise the system by.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// A machine account's credentials, with the secret shown only in this answer.
#[derive(Serialize, ToSchema)]
pub struct MachineCredentials {
    pub account: AccountResponse,
    /// The `client_id` for `POST /api/v1/auth/token`.
    #[schema(pattern = "^djcd-[0-9a-f]{32}$")]
    pub client_id: String,
    /// The `client_secret`: shown once, stored only as a hash.
    #[schema(format = Password)]
    pub client_secret: String,
}

impl CreateUser {
    /// The new person, and the password the director chose, if any.
    pub fn into_new(self) -> (NewPerson, Option<String>) {
        let new =
            NewPerson { email: self.email, full_name: self.full_name, role: self.role.into(), division: self.division };
        (new, self.password)
    }
}

impl From<UpdateUser> for PersonChange {
    fn from(body: UpdateUser) -> Self {
        Self {
            full_name: body.full_name,
            role: body.role.map(Into::into),
            division: body.division,
            active: body.is_active,
        }
    }
}

impl From<CreateMachineAccount> for NewMachine {
    fn from(body: CreateMachineAccount) -> Self {
        Self { partner_id: body.partner_id, name: body.name }
    }
}
