//! Bodies of the `/staff` routes.
use entity::account;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::accounts::types::StaffRole;
use crate::{
    auth::Division, error::ApiError, routes::users::dto::AccountSort, validate::SearchParam, vocabulary::CodeSet,
};

/// A member of the DJCD's staff as the directory shows them.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "full_name": "Awa Traoré", "role": "agent",
    "division": "twinning", "active": true
}))]
pub struct StaffMember {
    pub id: Uuid,
    pub full_name: String,
    pub role: StaffRole,
    /// None for the director.
    pub division: Option<Division>,
    /// Whether the account may sign in.
    pub active: bool,
    /// Only for callers who may manage users (the director); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub email: Option<String>,
}

impl StaffMember {
    /// The directory's view of a person's account, with the e-mail when `with_email`.
    pub fn from_model(model: account::Model, with_email: bool) -> Result<Self, ApiError> {
        Ok(Self {
            id: model.id,
            full_name: model.full_name,
            role: StaffRole::from_stored(&model.role)?,
            division: model.division.as_deref().map(Division::from_stored).transpose()?,
            active: model.is_active,
            email: if with_email { model.email } else { None },
        })
    }
}

/// A page of the staff directory.
#[derive(Serialize, ToSchema)]
pub struct StaffList {
    pub items: Vec<StaffMember>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// The number of matching people, when `include_total=true`.
    pub total: Option<u64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListStaffQuery {
    /// Free text in the full name (and the e-mail, for callers who see it), case ignored.
    #[param(inline)]
    pub q: Option<SearchParam>,
    /// One or more roles, comma-separated (`division_head,agent`).
    #[param(inline, style = Form, explode = false)]
    pub role: Option<CodeSet<StaffRole>>,
    /// One or more divisions, comma-separated.
    #[param(inline, style = Form, explode = false)]
    pub division: Option<CodeSet<Division>>,
    /// Only active (`true`) or deactivated (`false`) people.
    pub active: Option<bool>,
    /// `full_name` (the default), `created_at` or `updated_at`; prefix `-` for descending.
    #[param(inline, example = "full_name")]
    pub sort: Option<AccountSort>,
    #[serde(default)]
    pub include_total: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}
