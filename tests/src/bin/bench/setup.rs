//! The HTTP set-up before load: tokens, the feed's last position, the deep page's cursor.

use anyhow::{anyhow, bail};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::{DIRECTOR_EMAIL, DIRECTOR_PASSWORD, LIST_QUERY};

pub async fn json_of(
    response: reqwest::Response,
    what: &str,
) -> anyhow::Result<(u16, serde_json::Value, Option<String>)> {
    let status = response.status().as_u16();
    let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = response.text().await?;
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    if status >= 400 {
        bail!("{what}: {status} {body}");
    }
    Ok((status, body, etag))
}

pub struct Setup {
    pub director: String,
    pub partner_token: String,
    pub feed_path: String,
    pub feed_etag: String,
    pub feed_pages: usize,
    pub feed_after: (i64, i64),
    pub deep_page: usize,
    pub deep_path: Option<String>,
    pub deep_cursor: Option<(DateTime<Utc>, Uuid)>,
}

pub async fn setup(client: &reqwest::Client, api: &str, partner: Uuid, deep_target: usize) -> anyhow::Result<Setup> {
    let (_, login, _) = json_of(
        client
            .post(format!("{api}/api/v1/auth/login"))
            .json(&json!({"email": DIRECTOR_EMAIL, "password": DIRECTOR_PASSWORD}))
            .send()
            .await?,
        "director login",
    )
    .await?;
    let director = login["access_token"].as_str().ok_or_else(|| anyhow!("no access token"))?.to_owned();
    let (_, machine, _) = json_of(
        client
            .post(format!("{api}/api/v1/machine-accounts"))
            .bearer_auth(&director)
            .json(&json!({"partner_id": partner, "name": "Système partenaire (banc d'essai)"}))
            .send()
            .await?,
        "machine account",
    )
    .await?;
    let client_id = machine["client_id"].as_str().ok_or_else(|| anyhow!("no client_id: {machine}"))?;
    let secret = machine["client_secret"].as_str().ok_or_else(|| anyhow!("no client_secret"))?;
    let (_, token, _) = json_of(
        client
            .post(format!("{api}/api/v1/auth/token"))
            .form(&[("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret)])
            .send()
            .await?,
        "client credentials",
    )
    .await?;
    let partner_token = token["access_token"].as_str().ok_or_else(|| anyhow!("no partner token"))?.to_owned();

    // The change feed, read to its end as a partner system does.
    let mut cursor: Option<String> = None;
    let mut feed_pages = 0;
    let (feed_path, feed_etag) = loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/partner/changes?limit=200&cursor={c}"),
            None => "/api/v1/partner/changes?limit=200".to_owned(),
        };
        let (_, page, _) =
            json_of(client.get(format!("{api}{path}")).bearer_auth(&partner_token).send().await?, "change feed")
                .await?;
        feed_pages += 1;
        let next = page["next_cursor"].as_str().map(str::to_owned);
        let empty = page["items"].as_array().is_none_or(Vec::is_empty);
        if empty {
            let path = match next.or(cursor) {
                Some(c) => format!("/api/v1/partner/changes?cursor={c}"),
                None => "/api/v1/partner/changes".to_owned(),
            };
            // Read once more with the scenario's exact URL, to take its ETag.
            let (_, _, etag) = json_of(
                client.get(format!("{api}{path}")).bearer_auth(&partner_token).send().await?,
                "change feed end",
            )
            .await?;
            break (path, etag.ok_or_else(|| anyhow!("the change feed sent no ETag"))?);
        }
        cursor = next;
    };
    let check = client
        .get(format!("{api}{feed_path}"))
        .bearer_auth(&partner_token)
        .header("If-None-Match", &feed_etag)
        .send()
        .await?;
    if check.status().as_u16() != 304 {
        bail!("the change feed did not answer 304 to If-None-Match: {}", check.status());
    }
    let feed_after: (i64, i64) = feed_path
        .split_once("cursor=")
        .and_then(|(_, c)| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or((0, 0));

    // Scenario (f): walk the list's cursors to page `deep_target` (or the last full page).
    let mut deep_page = 1;
    let mut deep_path = None;
    let mut deep_cursor = None;
    let mut next = None::<String>;
    loop {
        let path = match &next {
            Some(c) => format!("/api/v1/projects?{LIST_QUERY}&cursor={c}"),
            None => format!("/api/v1/projects?{LIST_QUERY}"),
        };
        let (_, page, _) =
            json_of(client.get(format!("{api}{path}")).bearer_auth(&director).send().await?, "list").await?;
        let full = page["items"].as_array().is_some_and(|items| items.len() == 50);
        if next.is_some() && full {
            deep_path = Some(path.clone());
            deep_cursor = next.as_deref().and_then(|c| {
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).ok()?;
                let (time, id): (String, Uuid) = serde_json::from_slice(&bytes).ok()?;
                Some((DateTime::parse_from_rfc3339(&time).ok()?.with_timezone(&Utc), id))
            });
        } else if next.is_some() {
            deep_page -= 1;
            break;
        }
        if deep_page >= deep_target {
            break;
        }
        match page["next_cursor"].as_str() {
            Some(c) => {
                next = Some(c.to_owned());
                deep_page += 1;
            }
            None => break,
        }
    }
    Ok(Setup {
        director,
        partner_token,
        feed_path,
        feed_etag,
        feed_pages,
        feed_after,
        deep_page,
        deep_path,
        deep_cursor,
    })
}
