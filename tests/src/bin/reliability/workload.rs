//! Clients that write while a fault is injected, and the ledger of what the server acknowledged.
//!
//! Each client writes to projects of its own (no 412 between clients): it creates projects with two
//! participants and two domains, reports progress on the timeline and PATCHes them with `If-Match`.
//! Every request carries its own `X-Request-Id`, which the audit trail records: the ledger finds
//! each acknowledged write in the database by it.
use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, anyhow};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::procs::{DIRECTOR_EMAIL, DIRECTOR_PASSWORD};

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

fn request_id() -> String {
    format!("rel-{}", Uuid::new_v4().simple())
}

fn acknowledge(ledger: &Ledger, ack: Ack) {
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

/// One writing client.
pub struct Writer {
    pub client: reqwest::Client,
    pub base: String,
    pub session: Session,
    pub ledger: Arc<Ledger>,
    pub name: String,
    /// Share of reads (0–100) among the operations, for the soak.
    pub read_percent: u32,
}

impl Writer {
    async fn create_project(&self, n: u64) -> Option<Uuid> {
        let rid = request_id();
        let body = project_body(&self.session, &format!("{TITLE_PREFIX} {}-{n}", self.name));
        let request = self
            .client
            .post(format!("{}/api/v1/projects", self.base))
            .bearer_auth(&self.session.token)
            .header("x-request-id", &rid)
            .json(&body);
        let (status, _, body) = send(&self.ledger, request, "create project").await?;
        if status != 201 {
            return None;
        }
        let id: Uuid = body["id"].as_str()?.parse().ok()?;
        acknowledge(&self.ledger, Ack::Project { id, request_id: rid });
        Some(id)
    }

    async fn report_progress(&self, project: Uuid, n: u64) {
        let rid = request_id();
        let request = self
            .client
            .post(format!("{}/api/v1/projects/{project}/status-updates", self.base))
            .bearer_auth(&self.session.token)
            .header("x-request-id", &rid)
            .json(&json!({"note": format!("Point d'avancement {n}."), "progress": (n % 100) as i32}));
        if let Some((201, _, body)) = send(&self.ledger, request, "status update").await
            && let Some(id) = body["id"].as_str().and_then(|s| s.parse().ok())
        {
            acknowledge(&self.ledger, Ack::StatusUpdate { id, project_id: project, request_id: rid });
        }
    }

    async fn patch(&self, project: Uuid, n: u64) {
        let read = self.client.get(format!("{}/api/v1/projects/{project}", self.base)).bearer_auth(&self.session.token);
        let Some((200, Some(etag), _)) = send(&self.ledger, read, "read project").await else {
            return;
        };
        let rid = request_id();
        let request = self
            .client
            .patch(format!("{}/api/v1/projects/{project}", self.base))
            .bearer_auth(&self.session.token)
            .header("x-request-id", &rid)
            .header("if-match", &etag)
            .json(&json!({"summary": format!("Révision {n} par {}.", self.name)}));
        if let Some((200, Some(etag), _)) = send(&self.ledger, request, "patch project").await {
            let version = etag.trim_matches('"').parse().unwrap_or(0);
            acknowledge(&self.ledger, Ack::Patch { project_id: project, request_id: rid, version });
        }
    }

    async fn read(&self, project: Option<Uuid>, n: u64) {
        let path = match (n % 3, project) {
            (0, Some(id)) => format!("/api/v1/projects/{id}"),
            (1, Some(id)) => format!("/api/v1/projects/{id}/status-updates"),
            _ => "/api/v1/projects?limit=20&domain=water".to_owned(),
        };
        let request = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.session.token);
        send(&self.ledger, request, "read").await;
    }

    /// Writes until `stop` is set. After a failed request it waits a little, as a client would.
    pub async fn run(self, stop: Arc<AtomicBool>) {
        let mut projects: Vec<Uuid> = Vec::new();
        let mut n: u64 = 0;
        let mut rng = self.name.bytes().fold(7919u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let roll = ((rng >> 33) % 100) as u32;
            let before = self.ledger.failures();
            let target = if projects.is_empty() { None } else { Some(projects[(rng >> 40) as usize % projects.len()]) };
            if roll < self.read_percent {
                self.read(target, n).await;
            } else {
                match (n % 3, target) {
                    (1, Some(id)) => self.report_progress(id, n).await,
                    (2, Some(id)) => self.patch(id, n).await,
                    _ => {
                        if let Some(id) = self.create_project(n).await {
                            projects.push(id);
                        }
                    }
                }
            }
            // After a failure, a short pause, as a client would make (the outage would flood the logs).
            if self.ledger.failures() > before {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Clients writing in the background until `stop()`.
pub struct Load {
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    pub fn start(
        client: &reqwest::Client,
        base: &str,
        session: &Session,
        ledger: &Arc<Ledger>,
        clients: usize,
        read_percent: u32,
        tag: &str,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = (0..clients)
            .map(|i| {
                let writer = Writer {
                    client: client.clone(),
                    base: base.to_owned(),
                    session: session.clone(),
                    ledger: ledger.clone(),
                    name: format!("{tag}{i}"),
                    read_percent,
                };
                tokio::spawn(writer.run(stop.clone()))
            })
            .collect();
        Self { stop, tasks }
    }

    pub async fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
