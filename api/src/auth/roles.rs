//! Roles and divisions, the two facts about an account that authorization looks at.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account may do. Declared in decreasing privilege.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users and the decisions that bind the city.
    Director,
    /// Reads everything; writes partners and the agreements and projects of their division.
    DivisionHead,
    /// Reads everything internal; writes the projects of their division.
    Agent,
    /// A partner's system: reads only what concerns its partner.
    Partner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Director, Role::DivisionHead, Role::Agent, Role::Partner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Director => "director",
            Role::DivisionHead => "division_head",
            Role::Agent => "agent",
            Role::Partner => "partner",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether accounts of this role belong to a division.
    pub fn needs_division(self) -> bool {
        matches!(self, Role::DivisionHead | Role::Agent)
    }
}

/// The DJCD's two divisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Division {
    /// Division Jumelage: the twinnings.
    Twinning,
    /// Division Coopération Décentralisée: conventions, networks and the rest.
    DecentralizedCooperation,
}

impl Division {
    pub const ALL: [Division; 2] = [Division::Twinning, Division::DecentralizedCooperation];

    pub fn as_str(self) -> &'static str {
        match self {
            Division::Twinning => "twinning",
            Division::DecentralizedCooperation => "decentralized_cooperation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|division| division.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        for division in Division::ALL {
            assert_eq!(Division::parse(division.as_str()), Some(division));
        }
        assert_eq!(Role::parse("mayor"), None);
    }
}
