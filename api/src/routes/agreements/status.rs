//! The life of an agreement: which status moves exist, and who may make each.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Division, Role};

/// The state of the relation an agreement establishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    /// Being negotiated (en gestation).
    InGestation,
    /// Signed and in force.
    Active,
    /// Signed, but without activity (the seed's "fortunes diverses").
    Dormant,
    /// Suspended by the city.
    Suspended,
    /// Ended, abandoned, or the other side dissolved.
    Ended,
}

use AgreementStatus::{Active, Dormant, Ended, InGestation, Suspended};

impl AgreementStatus {
    pub const ALL: [AgreementStatus; 5] = [InGestation, Active, Dormant, Suspended, Ended];

    pub fn as_str(self) -> &'static str {
        match self {
            InGestation => "in_gestation",
            Active => "active",
            Dormant => "dormant",
            Suspended => "suspended",
            Ended => "ended",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

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
