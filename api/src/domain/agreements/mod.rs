//! Agreements: twinnings, cooperation conventions, network memberships, memoranda and financing
//! agreements between the city and its partners. An agreement's kind fixes its division (whose
//! staff write it); its status moves along the timeline of `rules::allowed_moves`, each move kept
//! with its reason (`store::record_move`).
pub mod rules;
pub mod service;
pub mod store;
pub mod types;
