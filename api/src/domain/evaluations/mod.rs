//! Periodic evaluations of agreements: "the present state of the relation" (vitality, scores,
//! findings, priority actions), judged on a cadence per agreement kind, written by the agreement's
//! division, signed off by its head or the director and read-only after that. `rules` also says
//! which agreements are due for their next evaluation.
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
