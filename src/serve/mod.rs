//! `dossier serve`: the index over HTTP, a search page at `/` and a JSON API under `/api/`.
//!
//! This stage only answers requests: searching is `search`'s job and JSON shapes are
//! `render`'s, as for the CLI. Its parts do one job each: `live` keeps the index open and
//! reopens it after each commit, `routes` maps paths to `handlers` and adds the limits,
//! `params` reads query strings, `api` holds the response bodies, `error` turns failures
//! into JSON, `assets` and `openapi` hold the files compiled into the binary. Nothing here
//! writes to the index.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

mod api;
mod assets;
mod error;
mod handlers;
mod live;
mod openapi;
mod params;
mod routes;

pub use routes::ROUTES;

use live::LiveIndex;

/// A client gets this long to send a request's headers (and, on a kept-alive connection,
/// to start the next request) before the connection is closed: slow clients cannot hold
/// connections open.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a connection lives, however busy, so that a client reading its answers
/// slowly cannot hold one forever.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(300);
/// Largest request head (request line and headers) read, in bytes; past it hyper answers
/// 431 with no body (and 414 to a request line past 64 KB). The longest query string the
/// API's caps allow, percent-encoded, fits in both, so the API itself refuses, with JSON,
/// what it finds wrong (found by fuzzing).
const MAX_HEAD_BYTES: usize = 128 * 1024;

/// Serves the index at `index` on `addr` until Ctrl-C. Prints the address bound (useful
/// with port 0) on stderr, with a warning when it is reachable from the network.
pub fn run(index: &Path, addr: SocketAddr) -> Result<()> {
    let live = Arc::new(LiveIndex::open(index)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("serve")
        .build()
        .context("cannot start the server's threads")?;
    runtime.block_on(async {
        let listener = TcpListener::bind(addr).await.with_context(|| {
            format!("cannot listen on {addr}; is another server using it? give another --addr")
        })?;
        let bound = listener
            .local_addr()
            .context("cannot read the address bound")?;
        if bound.ip().is_unspecified() {
            eprintln!(
                "dossier: warning: listening on {bound}: the index becomes readable from the \
                 network by anyone who can reach this machine; use --addr 127.0.0.1:PORT to \
                 keep it on this machine"
            );
        }
        eprintln!(
            "dossier: serving {} at http://{bound}/ (stop with Ctrl-C)",
            index.display()
        );
        accept(listener, routes::router(live)).await;
        Ok(())
    })
}

/// Accepts connections until Ctrl-C, each served by hyper on a task of its own.
async fn accept(listener: TcpListener, app: axum::Router) {
    let mut stop = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors, say: wait for connections to close.
                    eprintln!("dossier: cannot accept a connection ({err}); trying again");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            // A connection that fails (reset, timed out, bad request line) concerns only
            // its client; hyper has answered what could be answered.
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, connection).await;
        });
    }
    eprintln!("dossier: stopped serving");
}
