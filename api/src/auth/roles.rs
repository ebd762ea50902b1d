//! Roles and divisions, the two facts about an account that authorization looks at.

crate::code_list! {
    /// What an account may do. Declared in decreasing privilege.
    pub enum Role as "role" {
        /// Everything, including users and the decisions that bind the city.
        Director = "director" ("Directeur", "Director"),
        /// Reads everything; writes partners and the agreements and projects of their division.
        DivisionHead = "division_head" ("Chef de division", "Division head"),
        /// Reads everything internal; writes the projects of their division.
        Agent = "agent" ("Agent", "Agent"),
        /// A partner's system: reads only what concerns its partner.
        Partner = "partner" ("Système partenaire", "Partner system"),
    }
}

impl Role {
    /// Whether accounts of this role belong to a division.
    pub fn needs_division(self) -> bool {
        matches!(self, Role::DivisionHead | Role::Agent)
    }
}

crate::code_list! {
    /// The DJCD's two divisions.
    pub enum Division as "division" {
        /// Division Jumelage: the twinnings.
        Twinning = "twinning" ("Division Jumelage", "Twinning division"),
        /// Division Coopération Décentralisée: conventions, networks and the rest.
        DecentralizedCooperation = "decentralized_cooperation" ("Division Coopération Décentralisée", "Decentralized cooperation division"),
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
