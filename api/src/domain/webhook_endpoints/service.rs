//! The writes of webhook endpoints, on the unit of work, audited as `webhook` (the record type the
//! audit trail has always named them by). The audit holds the endpoint as the API shows it, which
//! never includes the secret.
use chrono::Utc;
use entity::{partner, webhook_endpoint};
use uuid::Uuid;

use super::{
    rules, store,
    types::{EndpointInput, EndpointLimits, NewEndpoint, WebhookResponse},
};
use crate::validate::Rules;
use crate::{
    auth::{CurrentUser, secrets},
    domain::partners::store::check_partners,
    error::ApiError,
    i18n::Text,
    records::{
        unit_of_work::{Answer, AuditEntry, Done, UnitOfWork},
        versioning::IfMatch,
    },
    webhooks::address,
};

/// The audited record type.
pub const ENTITY: &str = "webhook";

/// Registers an endpoint; returns it with its secret (shown only in this answer) and version.
pub async fn create(
    work: UnitOfWork,
    caller: &CurrentUser,
    limits: &EndpointLimits,
    input: EndpointInput,
) -> Result<Done<(WebhookResponse, String, i32)>, ApiError> {
    let partner_id = rules::endpoint_owner(caller.role, caller.partner_id, input.partner_id)?;
    let mut checks = Rules::default();
    checks.absorb(rules::check_body(&input))?;
    let checked = if checks.names("url") {
        Ok(())
    } else {
        address::check(&input.url, limits.allow_http, limits.allow_private).await.map(|_| ())
    };
    if let Err(refusal) = checked {
        checks.fail(
            "url",
            "refused_url",
            Text::new(
                format!("Adresse refusée : {}.", refusal.explain_fr()),
                format!("URL refused: {}.", refusal.explain()),
            ),
        );
    }
    checks.absorb(check_partners(work.db(), "partner_id", &[partner_id]).await)?;
    checks.finish()?;
    let secret = match input.secret {
        Some(secret) => secret,
        None => secrets::random_secret()?,
    };
    let endpoint = NewEndpoint { partner_id, url: input.url, events: rules::normalized_events(input.events), secret };
    // The partner's row lock makes the count and the insert one step for concurrent registrations.
    work.lock::<partner::Entity>(partner_id).await?;
    let cap = limits.max_per_partner;
    if store::count_live(work.db(), partner_id).await? >= cap {
        return Err(ApiError::conflict(
            "too_many_endpoints",
            Text::new(
                format!("Ce partenaire a déjà {cap} points de réception ; supprimez-en un d'abord."),
                format!("This partner already has {cap} endpoints; remove one first."),
            ),
        ));
    }
    let model = store::insert(work.db(), &endpoint, caller.id).await?;
    let version = model.version;
    let response = WebhookResponse::try_from(model)?;
    let entry = AuditEntry::created(ENTITY, response.id, &response)?;
    Ok(work.done(entry, (response, endpoint.secret, version)))
}

/// Archives the endpoint `id` at the version `if_match` names: deliveries stop, the endpoint and
/// its log are kept. Archiving an archived endpoint changes nothing. The answer is a 204.
pub async fn archive(work: UnitOfWork, caller: &CurrentUser, id: Uuid, if_match: &IfMatch) -> Result<Answer, ApiError> {
    work.lock::<webhook_endpoint::Entity>(id).await?;
    let endpoint = store::find(work.db(), caller, id).await?;
    work.check_version(if_match, endpoint.version)?;
    if endpoint.archived_at.is_some() {
        work.commit_unchanged(&Answer::no_content()).await?;
        return Ok(Answer::no_content());
    }
    let version = endpoint.version;
    let before = WebhookResponse::try_from(endpoint)?;
    let change = webhook_endpoint::ActiveModel {
        archived_at: sea_orm::ActiveValue::Set(Some(Utc::now())),
        ..Default::default()
    };
    work.save::<webhook_endpoint::Entity>(id, change, version).await?;
    work.done(AuditEntry::removed(ENTITY, id, "archive", &before)?, ()).answer_no_content().await
}
