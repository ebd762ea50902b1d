//! From the change feed to deliveries: one per event and interested endpoint, with the worker's
//! position saved in the same transaction.
use std::collections::HashMap;

use chrono::Utc;
use entity::{feed_cursor, funding_line, project, project_participant, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::OnConflict,
};
use serde_json::json;
use uuid::Uuid;

use super::PENDING;
use crate::{domain::partner_view as view, error::ApiError, feed, state::AppState};

const CURSOR: &str = "webhooks";

/// Turns new feed events into deliveries, in one transaction with the worker's position.
pub async fn fan_out(state: &AppState) -> Result<usize, ApiError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let position = locked_position(&txn).await?;
    let events = feed::events_after(&txn, None, position, 200).await?;
    let Some(last) = events.last().map(|e| e.position) else {
        txn.commit().await?;
        return Ok(0);
    };
    let endpoints =
        webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::ArchivedAt.is_null()).all(&txn).await?;
    let mut created = 0;
    for event in &events {
        // An endpoint hears of the events after its registration, of the kinds it chose.
        let interested: Vec<&webhook_endpoint::Model> = endpoints
            .iter()
            .filter(|e| e.created_at <= event.occurred_at)
            .filter(|e| {
                serde_json::from_value::<Vec<String>>(e.events.clone()).unwrap_or_default().contains(&event.kind)
            })
            .collect();
        if interested.is_empty() {
            continue;
        }
        let participants: Vec<Uuid> = project_participant::Entity::find()
            .select_only()
            .column(project_participant::Column::PartnerId)
            .filter(project_participant::Column::ProjectId.eq(event.project_id))
            .into_tuple()
            .all(&txn)
            .await?;
        let line = match event.funding_line_id {
            Some(id) => funding_line::Entity::find_by_id(id).one(&txn).await?,
            None => None,
        };
        let mut views: HashMap<Uuid, serde_json::Value> = HashMap::new();
        for endpoint in interested {
            let partner = endpoint.partner_id;
            if !participants.contains(&partner) {
                continue;
            }
            if event.funding_line_id.is_some() && !line.as_ref().is_some_and(|l| view::may_see_line(partner, l)) {
                continue;
            }
            let project_view = match views.get(&partner) {
                Some(view) => view.clone(),
                None => {
                    let model = project::Entity::find_by_id(event.project_id)
                        .filter(project::Column::ArchivedAt.is_null())
                        .one(&txn)
                        .await?;
                    let view = match model {
                        Some(model) => view::build(&txn, partner, vec![model])
                            .await?
                            .pop()
                            .map(|v| serde_json::to_value(v).unwrap_or_default()),
                        None => None,
                    }
                    .unwrap_or(serde_json::Value::Null);
                    views.insert(partner, view.clone());
                    view
                }
            };
            let payload = json!({
                "id": event.id,
                "type": event.kind,
                "occurred_at": event.occurred_at,
                "project_id": event.project_id,
                "funding_line_id": event.funding_line_id,
                "project": project_view,
            });
            let now = Utc::now();
            webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                endpoint_id: Set(endpoint.id),
                event_id: Set(event.id),
                event_type: Set(event.kind.clone()),
                payload: Set(payload.to_string()),
                attempts: Set(0),
                status: Set(PENDING.to_owned()),
                next_attempt_at: Set(now),
                last_status: Set(None),
                last_error: Set(None),
                created_at: Set(now),
                delivered_at: Set(None),
            }
            .insert(&txn)
            .await?;
            created += 1;
        }
    }
    save_position(&txn, last).await?;
    txn.commit().await?;
    Ok(created)
}

/// The worker's position, its row created if missing and locked until the transaction ends, so
/// that two instances never turn the same events into deliveries.
async fn locked_position(db: &impl ConnectionTrait) -> Result<(i64, i64), ApiError> {
    let start = feed_cursor::ActiveModel { name: Set(CURSOR.to_owned()), txid: Set(0), seq: Set(0) };
    feed_cursor::Entity::insert(start)
        .on_conflict(OnConflict::column(feed_cursor::Column::Name).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let cursor = feed_cursor::Entity::find_by_id(CURSOR.to_owned()).lock_exclusive().one(db).await?;
    Ok(cursor.map_or((0, 0), |c| (c.txid, c.seq)))
}

async fn save_position(db: &impl ConnectionTrait, position: (i64, i64)) -> Result<(), ApiError> {
    feed_cursor::ActiveModel { name: Set(CURSOR.to_owned()), txid: Set(position.0), seq: Set(position.1) }
        .update(db)
        .await?;
    Ok(())
}
