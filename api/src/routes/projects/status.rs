//! A project's status, after the IATI activity status codes, and the moves between them.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The IATI activity status of a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// Identification (IATI 1).
    Pipeline,
    /// Implementation (IATI 2).
    Implementation,
    /// Finalisation (IATI 3).
    Finalisation,
    /// Closed (IATI 4).
    Closed,
    /// Cancelled (IATI 5).
    Cancelled,
    /// Suspended (IATI 6).
    Suspended,
}

use ProjectStatus::{Cancelled, Closed, Finalisation, Implementation, Pipeline, Suspended};

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 6] = [Pipeline, Implementation, Finalisation, Closed, Cancelled, Suspended];

    pub fn as_str(self) -> &'static str {
        match self {
            Pipeline => "pipeline",
            Implementation => "implementation",
            Finalisation => "finalisation",
            Closed => "closed",
            Cancelled => "cancelled",
            Suspended => "suspended",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The IATI ActivityStatus code.
    pub fn iati_code(self) -> u8 {
        match self {
            Pipeline => 1,
            Implementation => 2,
            Finalisation => 3,
            Closed => 4,
            Cancelled => 5,
            Suspended => 6,
        }
    }

    pub fn allowed_moves(self) -> &'static [ProjectStatus] {
        match self {
            Pipeline => &[Implementation, Cancelled],
            Implementation => &[Finalisation, Suspended, Cancelled],
            Suspended => &[Implementation, Cancelled],
            Finalisation => &[Closed],
            Closed | Cancelled => &[],
        }
    }

    /// Closed and cancelled projects take no new funding lines.
    pub fn is_finished(self) -> bool {
        matches!(self, Closed | Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_moves_are_those_of_the_issue() {
        let count: usize = ProjectStatus::ALL.iter().map(|s| s.allowed_moves().len()).sum();
        assert_eq!(count, 8);
        assert!(Pipeline.allowed_moves().contains(&Implementation));
        assert!(!Pipeline.allowed_moves().contains(&Closed));
        assert!(Finalisation.allowed_moves() == [Closed]);
        assert!(Closed.is_finished() && Cancelled.is_finished() && !Suspended.is_finished());
    }
}
