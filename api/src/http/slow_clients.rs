//! A guard against slow clients on kept-alive connections.
//!
//! actix-http cuts a connection whose *first* request head takes longer than the client request
//! time-out, but not a later one: once a kept-alive connection has been answered, a client can send
//! the next request head a byte at a time and hold the connection for ever (a slowloris). So each
//! connection gets a watchdog: when no request of it is being served (from its head being parsed
//! to its response's last byte) and it has been so for longer than the keep-alive plus the request
//! time-out, it is crawling through a head, and its socket is shut down.
use std::{
    any::Any,
    cell::Cell,
    net::Shutdown,
    os::fd::AsFd,
    pin::Pin,
    rc::{Rc, Weak},
    task::{Context, Poll},
    time::{Duration, Instant},
};

use actix_web::{
    Error,
    body::{BodySize, BoxBody, MessageBody},
    dev::{Extensions, ServiceRequest, ServiceResponse},
    middleware::Next,
    web::Bytes,
};

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
}

/// `HttpServer::on_connect`: registers the connection and starts its watchdog.
pub fn on_connect(io: &dyn Any, extensions: &mut Extensions, limit: Duration) {
    let Some(stream) = io.downcast_ref::<actix_web::rt::net::TcpStream>() else {
        return;
    };
    let Ok(fd) = stream.as_fd().try_clone_to_owned() else {
        return;
    };
    let connection = Rc::new(Connection {
        socket: std::net::TcpStream::from(fd),
        busy: Cell::new(0),
        idle_since: Cell::new(Instant::now()),
    });
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

/// The middleware: counts each request from its head to its response's end.
pub async fn track_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let busy = req.conn_data::<Rc<Connection>>().cloned().map(Busy::new);
    let response = next.call(req).await?;
    Ok(response.map_body(move |_, body| Guarded { body: body.boxed(), _busy: busy }))
}
