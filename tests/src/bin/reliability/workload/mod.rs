//! Clients that write while a fault is injected, and the ledger of what the server acknowledged.
//!
//! Each client writes to projects of its own (no 412 between clients): it creates projects with two
//! participants and two domains, reports progress on the timeline and PATCHes them with `If-Match`.
//! Every request carries its own `X-Request-Id`, which the audit trail records: the ledger finds
//! each acknowledged write in the database by it.
use std::{collections::BTreeMap, sync::Mutex, time::Instant};

use anyhow::{Context, anyhow};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::procs::{DIRECTOR_EMAIL, DIRECTOR_PASSWORD};

mod writers;

pub use writers::Load;

pub const TITLE_PREFIX: &str = "Fiabilité";

/// One write the server answered 2xx.
#[derive(Clone, Debug, Serialize)]
pub enum Ack {
    Project { id: Uuid, request_id: String },
    StatusUpdate { id: Uuid, project_id: Uuid, request_id: String },
    Patch { project_id: Uuid, request_id: String, version: i32 },
}

/// What the clients saw.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub requests: u64,
    pub acknowledged: u64,
    /// Answers that were not 2xx, by status.
    pub refused: BTreeMap<u16, u64>,
    /// No answer: connection refused or reset, time-out.
    pub transport_errors: u64,
    /// The slowest 503, in ms.
    pub max_503_ms: f64,
    /// 503s without problem+json or `Retry-After`, and other 5xx: each a violation.
    pub bad_answers: Vec<String>,
    /// Latencies of every answered request, in ms (for the soak's percentiles).
    pub latencies_ms: Vec<f64>,
}

/// The shared state of the clients of one fault run.
#[derive(Default)]
pub struct Ledger {
    pub acks: Mutex<Vec<Ack>>,
    pub stats: Mutex<Stats>,
}

impl Ledger {
    pub fn acks(&self) -> Vec<Ack> {
        self.acks.lock().map(|a| a.clone()).unwrap_or_default()
    }

    pub fn stats(&self) -> Stats {
        self.stats.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Records a write the server answered 2xx.
    pub fn acknowledge(&self, ack: Ack) {
        if let Ok(mut stats) = self.stats.lock() {
            stats.acknowledged += 1;
        }
        if let Ok(mut acks) = self.acks.lock() {
            acks.push(ack);
        }
    }

    /// Requests without a 2xx answer so far.
    pub fn failures(&self) -> u64 {
        self.stats.lock().map(|s| s.transport_errors + s.refused.values().sum::<u64>()).unwrap_or(0)
    }

    /// Takes the stats so far and starts counting afresh.
    pub fn take_stats(&self) -> Stats {
        self.stats.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default()
    }
}

/// A signed-in director and two partners to involve in projects.
#[derive(Clone)]
pub struct Session {
    pub token: String,
    pub partners: Vec<Uuid>,
}

pub async fn login(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": DIRECTOR_EMAIL, "password": DIRECTOR_PASSWORD}))
        .send()
        .await
        .context("login")?;
    let status = response.status();
    let body: Value = response.json().await.context("login body")?;
    body["access_token"].as_str().map(str::to_owned).ok_or_else(|| anyhow!("login answered {status}: {body}"))
}

pub async fn session(client: &reqwest::Client, base: &str) -> anyhow::Result<Session> {
    let token = login(client, base).await?;
    let body: Value = client
        .get(format!("{base}/api/v1/partners?limit=5"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await
        .context("partner list")?;
    let partners: Vec<Uuid> = body["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|p| p["id"].as_str()?.parse().ok()).take(2).collect())
        .unwrap_or_default();
    if partners.len() < 2 {
        anyhow::bail!("the seed has fewer than two partners: {body}");
    }
    Ok(Session { token, partners })
}

/// One request's outcome, as the ledger needs it.
struct Answer {
    status: u16,
    etag: Option<String>,
    body: Value,
}

/// Sends one request, times it and counts it in `ledger`. `None` when there was no answer.
pub async fn send(
    ledger: &Ledger,
    request: reqwest::RequestBuilder,
    what: &str,
) -> Option<(u16, Option<String>, Value)> {
    let started = Instant::now();
    let result = request.send().await;
    let answer = match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let text = response.text().await.unwrap_or_default();
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let mut stats = ledger.stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            stats.requests += 1;
            stats.latencies_ms.push(ms);
            if !(200..300).contains(&status) {
                *stats.refused.entry(status).or_default() += 1;
            }
            if status == 503 {
                stats.max_503_ms = stats.max_503_ms.max(ms);
                if content_type != "application/problem+json" || !headers.contains_key("retry-after") {
                    stats.bad_answers.push(format!(
                        "{what}: 503 with content type {content_type:?} and Retry-After {:?}",
                        headers.get("retry-after")
                    ));
                }
            } else if status >= 500 {
                stats.bad_answers.push(format!("{what}: {status} {}", text.chars().take(300).collect::<String>()));
            }
            drop(stats);
            Answer {
                status,
                etag: headers.get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned),
                body: serde_json::from_str(&text).unwrap_or(Value::Null),
            }
        }
        Err(_) => {
            let mut stats = ledger.stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            stats.requests += 1;
            stats.transport_errors += 1;
            return None;
        }
    };
    Some((answer.status, answer.etag, answer.body))
}

pub(super) fn request_id() -> String {
    format!("rel-{}", Uuid::new_v4().simple())
}

pub(super) fn acknowledge(ledger: &Ledger, ack: Ack) {
    ledger.acknowledge(ack);
}

pub fn project_body(session: &Session, title: &str) -> Value {
    json!({
        "title": title, "summary": "Forages et bornes-fontaines.", "division": "decentralized_cooperation",
        "domains": ["water", "sanitation"], "communes": ["commune_v"],
        "planned_start": "2026-01-15", "planned_end": "2027-06-30", "budget": {"amount": "250000000", "currency": "XOF"},
        "participants": [
            {"partner_id": session.partners[0], "roles": ["funding"]},
            {"partner_id": session.partners[1], "roles": ["implementing"]}
        ]
    })
}
