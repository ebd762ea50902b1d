//! The life of an agreement: which status moves exist, and who may make each.

use crate::auth::{Division, Role};

crate::code_list! {
    /// The state of the relation an agreement establishes.
    pub enum AgreementStatus as "agreement_status" {
        /// Being negotiated (en gestation).
        InGestation = "in_gestation" ("En gestation", "In gestation"),
        /// Signed and in force.
        Active = "active" ("Active", "Active"),
        /// Signed, but without activity (the seed's "fortunes diverses").
        Dormant = "dormant" ("En sommeil", "Dormant"),
        /// Suspended by the city.
        Suspended = "suspended" ("Suspendue", "Suspended"),
        /// Ended, abandoned, or the other side dissolved.
        Ended = "ended" ("Terminée", "Ended"),
    }
}

use AgreementStatus::{Active, Dormant, Ended, InGestation, Suspended};

impl AgreementStatus {
    /// The statuses reachable from this one.
    pub fn allowed_moves(self) -> &'static [AgreementStatus] {
        match self {
            InGestation => &[Active, Ended],
            Active => &[Dormant, Suspended, Ended],
            Dormant => &[Active, Suspended, Ended],
            Suspended => &[Active, Ended],
            Ended => &[],
        }
    }
}

/// Who may make an (allowed) move: the director any; a division head only between `active` and
/// `dormant`, for an agreement of their own division.
pub fn may_move(
    role: Role,
    own_division: Option<Division>,
    agreement_division: Division,
    from: AgreementStatus,
    to: AgreementStatus,
) -> bool {
    match role {
        Role::Director => true,
        Role::DivisionHead => {
            own_division == Some(agreement_division) && matches!((from, to), (Active, Dormant) | (Dormant, Active))
        }
        Role::Agent | Role::Partner => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Division::{DecentralizedCooperation as Dc, Twinning as Tw};

    #[test]
    fn the_moves_are_those_of_the_issue() {
        let moves: Vec<(AgreementStatus, AgreementStatus)> = AgreementStatus::ALL
            .iter()
            .flat_map(|from| from.allowed_moves().iter().map(move |to| (*from, *to)))
            .collect();
        assert_eq!(moves.len(), 10);
        assert!(moves.contains(&(InGestation, Active)));
        assert!(!moves.contains(&(Ended, Active)));
        assert!(!moves.contains(&(InGestation, Dormant)));
    }

    #[test]
    fn only_the_director_signs_suspends_and_ends() {
        for (from, to) in
            [(InGestation, Active), (Active, Suspended), (Suspended, Active), (Dormant, Ended), (InGestation, Ended)]
        {
            assert!(may_move(Role::Director, None, Tw, from, to));
            assert!(!may_move(Role::DivisionHead, Some(Tw), Tw, from, to), "{from:?} -> {to:?}");
        }
        assert!(may_move(Role::DivisionHead, Some(Tw), Tw, Active, Dormant));
        assert!(may_move(Role::DivisionHead, Some(Tw), Tw, Dormant, Active));
        assert!(!may_move(Role::DivisionHead, Some(Dc), Tw, Active, Dormant), "another division");
        assert!(!may_move(Role::Agent, Some(Tw), Tw, Active, Dormant));
    }
}
