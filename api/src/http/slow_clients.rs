//! A guard against slow clients on kept-alive connections.
//!
//! actix-http cuts a connection whose *first* request head takes longer than the client request
//! time-out, but not a later one: once a kept-alive connection has been answered, a client can send
//! the next request head a byte at a time and hold the connection for ever (a slowloris). So each
//! connection gets a watchdog: when no request of it is being served (from its head being parsed
//! to its response's last byte) and it has been so for longer than the keep-alive plus the request
//! time-out, it is crawling through a head, and its socket is shut down.
//!
//! Two more limits close the same class: a request body must arrive whole within
//! `CLIENT_BODY_TIMEOUT_MS` of its head (a body trickled a byte every few seconds is cut, its
//! connection shut), and one client address holds at most `MAX_CONNECTIONS_PER_ADDRESS` connections
//! at once (the next ones are shut at once), so that a few hundred idle sockets from one place cannot
//! use up the server's file descriptors.
use std::{
    any::Any,
    cell::Cell,
    collections::HashMap,
    future::Future,
    net::{IpAddr, Shutdown},
    os::fd::AsFd,
    pin::Pin,
    rc::{Rc, Weak},
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::{Duration, Instant},
};

use actix_web::{
    Error, HttpMessage,
    body::{BodySize, BoxBody, MessageBody},
    dev::{Extensions, Payload, ServiceRequest, ServiceResponse},
    error::PayloadError,
    http::header,
    middleware::Next,
    web::Bytes,
};
use futures_util::Stream;

/// Open connections per client address, shared by every worker.
#[derive(Clone, Default)]
pub struct ConnectionCounts(Arc<Mutex<HashMap<IpAddr, u32>>>);

impl ConnectionCounts {
    /// Takes a place for `address`, unless it already holds `cap` connections.
    fn take(&self, address: IpAddr, cap: u32) -> Option<AddressSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = counts.entry(address).or_insert(0);
        if *count >= cap {
            return None;
        }
        *count += 1;
        Some(AddressSlot { counts: self.clone(), address })
    }
}

/// A connection's place in its address's count, given back when the connection ends.
struct AddressSlot {
    counts: ConnectionCounts,
    address: IpAddr,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = counts.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// How long actix-http keeps an idle connection open (its default, which the server keeps).
pub const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// One connection, as the watchdog and the requests see it.
pub struct Connection {
    /// A duplicate of the connection's socket, only to shut it down; closed with the connection.
    socket: std::net::TcpStream,
    /// Requests of this connection being served.
    busy: Cell<u32>,
    /// Since when none is.
    idle_since: Cell<Instant>,
    _slot: AddressSlot,
}

/// `HttpServer::on_connect`: counts the connection against its address's cap (shutting it at once
/// past the cap), registers it and starts its watchdog.
pub fn on_connect(io: &dyn Any, extensions: &mut Extensions, limit: Duration, counts: &ConnectionCounts, cap: u32) {
    let Some(stream) = io.downcast_ref::<actix_web::rt::net::TcpStream>() else {
        return;
    };
    let Ok(fd) = stream.as_fd().try_clone_to_owned() else {
        return;
    };
    let socket = std::net::TcpStream::from(fd);
    let Ok(peer) = socket.peer_addr() else {
        return;
    };
    let Some(slot) = counts.take(peer.ip(), cap) else {
        tracing::warn!(peer = %peer.ip(), cap, "too many connections from one address: connection refused");
        let _ = socket.shutdown(Shutdown::Both);
        return;
    };
    let connection =
        Rc::new(Connection { socket, busy: Cell::new(0), idle_since: Cell::new(Instant::now()), _slot: slot });
    actix_web::rt::spawn(watch(Rc::downgrade(&connection), limit));
    extensions.insert(connection);
}

/// Ends when the connection is gone, or when it cuts it.
async fn watch(connection: Weak<Connection>, limit: Duration) {
    loop {
        actix_web::rt::time::sleep(Duration::from_secs(1)).await;
        let Some(connection) = connection.upgrade() else {
            return;
        };
        if connection.busy.get() == 0 && connection.idle_since.get().elapsed() > limit {
            let peer = connection.socket.peer_addr().map(|a| a.to_string()).unwrap_or_default();
            tracing::warn!(%peer, "a client took too long to send its request head: connection cut");
            let _ = connection.socket.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Marks the connection busy while one of its requests is served.
struct Busy(Rc<Connection>);

impl Busy {
    fn new(connection: Rc<Connection>) -> Self {
        connection.busy.set(connection.busy.get() + 1);
        Self(connection)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.set(self.0.busy.get().saturating_sub(1));
        self.0.idle_since.set(Instant::now());
    }
}

/// A response body that keeps its request's connection busy until its last byte is sent.
struct Guarded {
    body: BoxBody,
    _busy: Option<Busy>,
}

impl MessageBody for Guarded {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}

/// A request body that must arrive whole before a deadline; past it, the body fails and the
/// connection is shut (a client trickling its body holds nothing for long).
struct BodyDeadline {
    body: Payload,
    deadline: Pin<Box<actix_web::rt::time::Sleep>>,
    connection: Rc<Connection>,
    expired: bool,
}

impl Stream for BodyDeadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.body).poll_next(cx) {
            return Poll::Ready(item);
        }
        if self.deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        self.expired = true;
        let peer = self.connection.socket.peer_addr().map(|a| a.to_string()).unwrap_or_default();
        tracing::warn!(%peer, "a client took too long to send its request body: connection cut");
        let _ = self.connection.socket.shutdown(Shutdown::Both);
        let error = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow");
        Poll::Ready(Some(Err(PayloadError::Io(error))))
    }
}

/// Whether the request announces a body.
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|length| length.trim() != "0")
}

/// How long a request body may take to arrive (`CLIENT_BODY_TIMEOUT_MS`), as app data.
#[derive(Clone, Copy, Debug)]
pub struct BodyTimeout(pub Duration);

/// The middleware: counts each request from its head to its response's end, and gives its body
/// `CLIENT_BODY_TIMEOUT_MS` to arrive.
pub async fn track_requests(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let connection = req.conn_data::<Rc<Connection>>().cloned();
    let timeout = req.app_data::<BodyTimeout>().map(|timeout| timeout.0);
    if let (Some(connection), Some(timeout)) = (connection.clone(), timeout)
        && has_body(&req)
    {
        let body = req.take_payload();
        let deadline = Box::pin(actix_web::rt::time::sleep(timeout));
        let limited: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> =
            Box::pin(BodyDeadline { body, deadline, connection, expired: false });
        req.set_payload(Payload::from(limited));
    }
    let busy = connection.map(Busy::new);
    let response = next.call(req).await?;
    Ok(response.map_body(move |_, body| Guarded { body: body.boxed(), _busy: busy }))
}
