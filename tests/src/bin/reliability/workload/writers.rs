//! The writing clients: each creates, reports on and updates projects of its own until stopped.
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde_json::json;
use uuid::Uuid;

use super::{Ack, Ledger, Session, TITLE_PREFIX, acknowledge, project_body, request_id, send};

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
