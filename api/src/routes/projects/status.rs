//! A project's status, after the IATI activity status codes, and the moves between them.

crate::code_list! {
    /// The IATI activity status of a project.
    pub enum ProjectStatus as "project_status" {
        /// Identification (IATI 1).
        Pipeline = "pipeline" ("Identification", "Pipeline"),
        /// Implementation (IATI 2).
        Implementation = "implementation" ("En cours d'exécution", "Implementation"),
        /// Finalisation (IATI 3).
        Finalisation = "finalisation" ("En finalisation", "Finalisation"),
        /// Closed (IATI 4).
        Closed = "closed" ("Clôturé", "Closed"),
        /// Cancelled (IATI 5).
        Cancelled = "cancelled" ("Annulé", "Cancelled"),
        /// Suspended (IATI 6).
        Suspended = "suspended" ("Suspendu", "Suspended"),
    }
}

use ProjectStatus::{Cancelled, Closed, Finalisation, Implementation, Pipeline, Suspended};

impl ProjectStatus {
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
