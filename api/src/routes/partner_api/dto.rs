//! What partner systems see. Only public fields: never internal notes, never other funders' lines
//! unless the director made them public.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use crate::domain::partner_view::types::{PartnerFundingLine, PartnerProject};
use crate::{
    domain::projects::types::ProjectStatus,
    error::ApiError,
    feed::{EventKind, FeedEvent},
};

/// A page of the caller's projects, least recently updated first.
#[derive(Serialize, ToSchema)]
pub struct PartnerProjectList {
    pub items: Vec<PartnerProject>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PartnerProjectsQuery {
    /// Only projects changed at or after this instant (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    #[param(max_length = 2048, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// One entry of a project's timeline, as partners see it.
#[derive(Serialize, ToSchema)]
pub struct PartnerStatusUpdate {
    pub id: Uuid,
    pub occurred_on: NaiveDate,
    pub from_status: Option<ProjectStatus>,
    pub to_status: Option<ProjectStatus>,
    pub progress: Option<i32>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// A page of a project's timeline, oldest first.
#[derive(Serialize, ToSchema)]
pub struct PartnerTimeline {
    pub items: Vec<PartnerStatusUpdate>,
    pub next_cursor: Option<String>,
}

/// One event of the change feed.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a4b2-7c1e-7d2a-9f00-3b8f6a1c2d4e", "type": "project.status_changed", "project_id": "0193a4b2-0000-7d2a-9f00-3b8f6a1c2d4e", "funding_line_id": null, "occurred_at": "2026-03-01T10:00:00Z"}))]
pub struct ChangeEvent {
    /// Unique: use it to ignore an event seen twice (webhooks may deliver again).
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub project_id: Uuid,
    pub funding_line_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
}

impl TryFrom<FeedEvent> for ChangeEvent {
    type Error = ApiError;

    fn try_from(event: FeedEvent) -> Result<Self, ApiError> {
        Ok(Self {
            id: event.id,
            kind: EventKind::from_stored(&event.kind)?,
            project_id: event.project_id,
            funding_line_id: event.funding_line_id,
            occurred_at: event.occurred_at,
        })
    }
}

/// A page of the change feed.
#[derive(Serialize, ToSchema)]
pub struct ChangeFeed {
    pub items: Vec<ChangeEvent>,
    /// Where to poll next: always present. Polling with it returns only what is new.
    pub next_cursor: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The `next_cursor` of the previous answer; from the beginning when absent. Event types:
    /// `project.created`, `project.updated`, `project.status_changed`, `project.funding_line_added`.
    #[param(max_length = 2048, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
}
