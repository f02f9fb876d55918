//! The front door of the HTTP service. vtts accepts every connection itself
//! and reads each request's head here, within limits, before tiny_http sees
//! it; tiny_http listens on a private Unix socket and gets the bytes of the
//! requests that pass, as they came. tiny_http has no header limit, no
//! idle timeout and lenient framing, and its accept loop ends for good on
//! an accept error: those are answered here, once, for every endpoint.
//!
//! - At most `--max-connections` connections are open; more get 503.
//! - A connection waits at most `--idle-timeout` for a request to begin,
//!   and a head must arrive whole within `--io-timeout` of its first byte.
//! - A head is at most [`MAX_HEAD`] bytes: more is 431.
//! - Framing is strict, as RFC 9112 asks (400 and close): a Content-Length
//!   is digits only, several must agree, Transfer-Encoding is `chunked` or
//!   nothing, and never both.
//! - A body larger than a request may be is 413 before it is read.
//! - Responses flow back through a copier with a send timeout: a client that
//!   stops reading frees the worker writing to it after `--io-timeout`.
//! - Each request passed on carries [`CLIENT_HEADER`], the number of its
//!   connection in [`Clients`]: a synthesis stops before its next sentence
//!   once its client has gone. TCP cannot tell a client that closed only its
//!   sending side from one that left, so, as nginx does, the end of a
//!   client's input while an answer is pending counts as leaving.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use super::Context;

/// The longest request head, request line and headers: 64 KiB, room for a
/// `GET /tts?text=` of 5,000 characters of Vietnamese, URL-encoded.
pub const MAX_HEAD: usize = 64 * 1024;

/// Connections over the cap that may still ask for `/health`: read for a
/// second, answered by the door itself, so that a probe is answered while
/// the connections are all taken.
const OVER_CAP: usize = 16;

/// The longest chunk-size line of a chunked body.
const MAX_CHUNK_LINE: usize = 1024;

/// The header the door adds to every request it passes on, after removing
/// any the client sent: the number of the request's connection.
pub const CLIENT_HEADER: &str = "X-Vtts-Client";

/// The clients of the open connections, by number: whether each has gone.
#[derive(Default)]
pub struct Clients {
    last: AtomicU64,
    gone: Mutex<HashMap<u64, Arc<AtomicBool>>>,
}

impl Clients {
    fn enter(&self) -> (u64, Arc<AtomicBool>) {
        let id = self.last.fetch_add(1, Ordering::Relaxed) + 1;
        let flag = Arc::new(AtomicBool::new(false));
        self.lock().insert(id, flag.clone());
        (id, flag)
    }

    fn leave(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// The flag that is set once the client of `request` has gone. A request
    /// the door did not number (none, in a running server) is never cancelled.
    pub fn gone(&self, request: &tiny_http::Request) -> Arc<AtomicBool> {
        super::http::request_header(request, CLIENT_HEADER)
            .and_then(|id| id.parse().ok())
            .and_then(|id: u64| self.lock().get(&id).cloned())
            .unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<AtomicBool>>> {
        self.gone.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The public listener, and the private socket tiny_http listens on.
pub struct Door {
    listener: TcpListener,
    inner: PathBuf,
    dir: PathBuf,
    /// Connections over the cap being read for `/health`.
    over_cap: Arc<AtomicUsize>,
}

impl Door {
    /// Binds `address`, and a Unix socket in a folder only this user can
    /// enter, for tiny_http.
    pub fn bind(address: &str) -> Result<(Door, UnixListener)> {
        let listener =
            TcpListener::bind(address).with_context(|| format!("cannot listen on {address}"))?;
        let dir = private_dir()?;
        let inner = dir.join("http.sock");
        let unix = UnixListener::bind(&inner)
            .with_context(|| format!("cannot listen on {}", inner.display()))?;
        Ok((
            Door {
                listener,
                inner,
                dir,
                over_cap: Arc::new(AtomicUsize::new(0)),
            },
            unix,
        ))
    }

    /// The address it listens on (with the port chosen, for port 0).
    pub fn local_addr(&self) -> Option<String> {
        self.listener.local_addr().ok().map(|a| a.to_string())
    }

    /// Accepts connections on a thread of its own until the server stops,
    /// then ends their reading and waits for them.
    pub fn spawn(self, ctx: &Arc<Context>) -> JoinHandle<()> {
        let ctx = ctx.clone();
        thread::Builder::new()
            .name("vtts-door".to_string())
            .spawn(move || self.accept(&ctx))
            .expect("spawning the HTTP listener")
    }

    fn accept(self, ctx: &Arc<Context>) {
        if let Err(e) = self.listener.set_nonblocking(true) {
            eprintln!("vtts: the HTTP listener: {e}");
            return;
        }
        super::accept_connections(
            "HTTP",
            &self.listener,
            || self.listener.accept().map(|(client, _)| client),
            |client, open| self.start(ctx, client, open),
            |client: &Arc<TcpStream>| {
                let _ = client.shutdown(Shutdown::Read);
            },
        );
    }

    /// Serves a client on a thread of its own, or answers it at once when
    /// `open` connections are all it may have.
    fn start(
        &self,
        ctx: &Arc<Context>,
        client: TcpStream,
        open: usize,
    ) -> io::Result<Option<(JoinHandle<()>, Arc<TcpStream>)>> {
        client.set_nonblocking(false)?;
        client.set_nodelay(true)?;
        client.set_write_timeout(Some(ctx.config.io_timeout))?;
        if open >= ctx.config.max_connections {
            if self.over_cap.fetch_add(1, Ordering::SeqCst) < OVER_CAP {
                let (ctx, over_cap) = (ctx.clone(), self.over_cap.clone());
                thread::spawn(move || {
                    answer_over_cap(&ctx, client);
                    over_cap.fetch_sub(1, Ordering::SeqCst);
                });
                return Ok(None);
            }
            self.over_cap.fetch_sub(1, Ordering::SeqCst);
            let mut client = client;
            client.set_write_timeout(Some(Duration::from_secs(1)))?;
            let message = "the server has as many connections as it takes: try again shortly";
            client.write_all(&error_response(ctx, 503, message))?;
            return Ok(None);
        }
        // One descriptor per side, shared by the threads that use it: a
        // connection costs four in all, with tiny_http's.
        let client = Arc::new(client);
        let handle = client.clone();
        let upstream = Arc::new(UnixStream::connect(&self.inner)?);
        let ctx = ctx.clone();
        let thread = thread::Builder::new()
            .name("vtts-http-conn".to_string())
            .spawn(move || {
                let (id, gone) = ctx.clients.enter();
                serve(&ctx, client, upstream, id, &gone);
                ctx.clients.leave(id);
            })?;
        Ok(Some((thread, handle)))
    }
}

impl Drop for Door {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.inner);
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// A new folder that only this user can enter, for the private socket.
fn private_dir() -> Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = base.join(format!("vtts-{}-{nanos}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// A connection over the cap: `/health` is answered, anything else is 503.
fn answer_over_cap(ctx: &Context, client: TcpStream) {
    let mut incoming = Incoming {
        stream: Arc::new(client),
        buffer: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(1);
    while head_end(&incoming.buffer).is_none() && incoming.buffer.len() <= MAX_HEAD {
        if !matches!(incoming.fill(deadline), Ok(read) if read > 0) {
            break;
        }
    }
    let probe = [&b"GET /health "[..], b"GET /health?", b"HEAD /health "]
        .iter()
        .any(|start| incoming.buffer.starts_with(start));
    let answer = match probe {
        true => {
            let body = super::routes::health(ctx).to_string();
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        }
        false => error_response(
            ctx,
            503,
            "the server has as many connections as it takes: try again shortly",
        ),
    };
    let _ = (&*incoming.stream).write_all(&answer);
    let _ = incoming.stream.shutdown(Shutdown::Both);
}

/// A complete error response that closes the connection.
fn error_response(ctx: &Context, status: u16, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "error": message }).to_string();
    let reason = tiny_http::StatusCode(status).default_reason_phrase();
    let cors = ctx.config.cors_origin.as_ref().map_or(String::new(), |o| {
        format!("Access-Control-Allow-Origin: {o}\r\n")
    });
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{cors}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Why a connection is closed before tiny_http sees a request.
struct Refusal {
    status: u16,
    message: String,
}

fn refuse(status: u16, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
    }
}

/// One client connection, number `id`: requests in, checked, to tiny_http;
/// its answers back through a copier thread.
fn serve(
    ctx: &Context,
    client: Arc<TcpStream>,
    upstream: Arc<UnixStream>,
    id: u64,
    gone: &AtomicBool,
) {
    let copier = {
        let (from, to) = (upstream.clone(), client.clone());
        thread::spawn(move || copy_back(&from, &to))
    };
    let mut incoming = Incoming {
        stream: client,
        buffer: Vec::new(),
    };
    let refusal = relay(ctx, &mut incoming, &upstream, id).err().flatten();
    // tiny_http answers what it was given, then closes its side.
    let _ = upstream.shutdown(Shutdown::Write);
    watch(&incoming.stream, gone);
    let _ = copier.join();
    if let Some(refusal) = refusal {
        let _ =
            (&*incoming.stream).write_all(&error_response(ctx, refusal.status, &refusal.message));
    }
    let _ = incoming.stream.shutdown(Shutdown::Both);
}

/// Reads, and ignores, what the client still sends until the copier has
/// passed on every answer (it then ends this reading): the end of the
/// client's input before that means it has gone, unless the server is
/// stopping, when the work in flight is finished.
fn watch(client: &TcpStream, gone: &AtomicBool) {
    let _ = client.set_read_timeout(None);
    let mut scrap = [0u8; 4096];
    loop {
        match (&*client).read(&mut scrap) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    if !crate::signals::received() {
        gone.store(true, Ordering::SeqCst);
    }
}

/// Copies tiny_http's answers to the client. A client that stops reading
/// for `--io-timeout` (the send timeout) or leaves ends both sides, so the
/// worker writing the answer stops too.
fn copy_back(mut from: &UnixStream, mut to: &TcpStream) {
    let mut buffer = [0u8; 64 * 1024];
    loop {
        let read = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        if to.write_all(&buffer[..read]).is_err() {
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
            return;
        }
    }
    // Nothing more can be answered: the reading side stops too.
    let _ = to.shutdown(Shutdown::Read);
}

/// Passes requests on until the connection ends: `Err(Some(_))` to answer
/// with an error first, `Err(None)` to just close.
fn relay(
    ctx: &Context,
    incoming: &mut Incoming,
    upstream: &UnixStream,
    id: u64,
) -> Result<(), Option<Refusal>> {
    let io = |_| None;
    loop {
        let Some(head) = incoming.head(ctx)? else {
            return Ok(());
        };
        let request = Head::parse(&head).map_err(Some)?;
        if request.content_length > super::routes::body_limit(ctx) {
            return Err(Some(refuse(
                413,
                format!(
                    "the body is larger than {} bytes",
                    super::routes::body_limit(ctx)
                ),
            )));
        }
        send(upstream, &numbered(&head, id)).map_err(io)?;
        match request.chunked {
            true => incoming.chunked_body(ctx, upstream)?,
            false => incoming.copy(request.content_length, ctx.config.io_timeout, upstream)?,
        }
        if request.last {
            return Ok(());
        }
    }
}

/// What the door needs to know of a request head.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    content_length: u64,
    chunked: bool,
    /// No request may follow it on this connection.
    last: bool,
}

impl Head {
    fn parse(head: &[u8]) -> Result<Head, Refusal> {
        let bad = |message: &str| refuse(400, message);
        let text = std::str::from_utf8(head).map_err(|_| bad("the request head is not text"))?;
        let mut lines = text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line));
        let request_line = lines.next().unwrap_or_default();
        let parts: Vec<&str> = request_line.split(' ').collect();
        let [_method, _target, version] = parts[..] else {
            return Err(bad("the request line is not METHOD TARGET VERSION"));
        };
        let mut lengths = Vec::new();
        let mut codings = Vec::new();
        let mut connection = String::new();
        for line in lines.filter(|line| !line.is_empty()) {
            let Some((name, value)) = line.split_once(':') else {
                return Err(bad("a header line without a colon"));
            };
            if name.is_empty() || name.bytes().any(|b| !b.is_ascii_graphic()) {
                return Err(bad("a header name with spaces or control characters"));
            }
            let value = value.trim_matches([' ', '\t']);
            match name.to_ascii_lowercase().as_str() {
                "content-length" => lengths.push(value.to_string()),
                "transfer-encoding" => {
                    codings.extend(value.split(',').map(|c| c.trim().to_ascii_lowercase()))
                }
                "connection" => connection.push_str(&value.to_ascii_lowercase()),
                _ => {}
            }
        }
        let content_length = match lengths.first() {
            None => 0,
            Some(first) => {
                let digits = !first.is_empty()
                    && first.len() <= 18
                    && first.bytes().all(|b| b.is_ascii_digit());
                if !digits || lengths.iter().any(|l| l != first) {
                    return Err(bad(
                        "an invalid Content-Length (digits only, and every one the same)",
                    ));
                }
                first
                    .parse::<u64>()
                    .map_err(|_| bad("an invalid Content-Length"))?
            }
        };
        let chunked = match codings.as_slice() {
            [] => false,
            [only] if only == "chunked" && lengths.is_empty() && version == "HTTP/1.1" => true,
            _ => {
                return Err(bad(
                    "an invalid Transfer-Encoding: only `chunked`, in HTTP/1.1, without a Content-Length",
                ));
            }
        };
        let last = match version {
            "HTTP/1.1" => connection.contains("close"),
            "HTTP/1.0" => !connection.contains("keep-alive"),
            // tiny_http answers other versions (505); nothing follows.
            _ => true,
        };
        Ok(Head {
            content_length,
            chunked,
            last,
        })
    }
}

/// The client's side of a connection, with what was read ahead.
struct Incoming {
    stream: Arc<TcpStream>,
    buffer: Vec<u8>,
}

impl Incoming {
    /// Reads into the buffer, waiting until `deadline`; 0 at the end.
    fn fill(&mut self, deadline: Instant) -> Result<usize, Option<Refusal>> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Some(refuse(408, "the request did not arrive in time")));
        }
        let _ = self.stream.set_read_timeout(Some(left));
        let mut piece = [0u8; 16 * 1024];
        match (&*self.stream).read(&mut piece) {
            Ok(read) => {
                self.buffer.extend_from_slice(&piece[..read]);
                Ok(read)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Err(Some(refuse(408, "the request did not arrive in time")))
            }
            Err(_) => Err(None),
        }
    }

    /// The next request head, up to its blank line; None when the client
    /// closes, or stays idle for `--idle-timeout`, between requests.
    fn head(&mut self, ctx: &Context) -> Result<Option<Vec<u8>>, Option<Refusal>> {
        let idle_until = Instant::now() + ctx.config.idle_timeout;
        let mut head_until: Option<Instant> = None;
        loop {
            // Blank lines between requests are allowed (RFC 9112, 2.2).
            let blank = self
                .buffer
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            self.buffer.drain(..blank);
            if let Some(end) = head_end(&self.buffer) {
                return Ok(Some(self.buffer.drain(..end).collect()));
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(Some(refuse(
                    431,
                    format!("the request head is longer than {MAX_HEAD} bytes"),
                )));
            }
            if !self.buffer.is_empty() && head_until.is_none() {
                head_until = Some(Instant::now() + ctx.config.io_timeout);
            }
            match (head_until, self.fill(head_until.unwrap_or(idle_until))) {
                (_, Ok(0)) => return Err(None),
                (_, Ok(_)) => {}
                // Idle between requests: close without a word.
                (None, Err(_)) => return Ok(None),
                (Some(_), Err(refusal)) => return Err(refusal),
            }
        }
    }

    /// Passes on `len` bytes of body, each read within `timeout`.
    fn copy(
        &mut self,
        mut len: u64,
        timeout: Duration,
        to: &UnixStream,
    ) -> Result<(), Option<Refusal>> {
        while len > 0 {
            if self.buffer.is_empty() && self.fill(Instant::now() + timeout)? == 0 {
                return Err(None);
            }
            let take = (len as usize).min(self.buffer.len());
            send(to, &self.buffer[..take]).map_err(|_| None)?;
            self.buffer.drain(..take);
            len -= take as u64;
        }
        Ok(())
    }

    /// One line of a chunked body, up to its line end.
    fn line(&mut self, timeout: Duration) -> Result<Vec<u8>, Option<Refusal>> {
        loop {
            if let Some(at) = self.buffer.iter().position(|&b| b == b'\n') {
                return Ok(self.buffer.drain(..=at).collect());
            }
            if self.buffer.len() > MAX_CHUNK_LINE || self.fill(Instant::now() + timeout)? == 0 {
                return Err(None);
            }
        }
    }

    /// Passes on a chunked body, checking its framing and its size.
    fn chunked_body(&mut self, ctx: &Context, to: &UnixStream) -> Result<(), Option<Refusal>> {
        let timeout = ctx.config.io_timeout;
        let limit = super::routes::body_limit(ctx);
        let mut total = 0u64;
        loop {
            let line = self.line(timeout)?;
            let text = std::str::from_utf8(&line).map_err(|_| None)?;
            let size = text.trim_end().split(';').next().unwrap_or_default().trim();
            let size = match size.len() <= 15 && !size.is_empty() {
                true => u64::from_str_radix(size, 16).map_err(|_| None)?,
                false => return Err(None),
            };
            send(to, &line).map_err(|_| None)?;
            if size == 0 {
                // Trailers, up to a blank line.
                loop {
                    let trailer = self.line(timeout)?;
                    send(to, &trailer).map_err(|_| None)?;
                    if trailer.iter().all(|b| matches!(b, b'\r' | b'\n')) {
                        return Ok(());
                    }
                }
            }
            total += size;
            if total > limit {
                return Err(None);
            }
            self.copy(size, timeout, to)?;
            let end = self.line(timeout)?;
            if !end.iter().all(|b| matches!(b, b'\r' | b'\n')) {
                return Err(None);
            }
            send(to, &end).map_err(|_| None)?;
        }
    }
}

/// `head` with [`CLIENT_HEADER`] set to `id`, in place of any the client
/// sent. The head is text, as [`Head::parse`] found.
fn numbered(head: &[u8], id: u64) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::with_capacity(head.len() + 32);
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if bare.is_empty() {
            // The head's own line ends, for the new header too.
            out.push_str(&format!("{CLIENT_HEADER}: {id}{line}{line}"));
            break;
        }
        let name = bare.split(':').next().unwrap_or_default();
        if !name.eq_ignore_ascii_case(CLIENT_HEADER) {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// Writes all of `bytes` to tiny_http's side.
fn send(mut to: &UnixStream, bytes: &[u8]) -> io::Result<()> {
    to.write_all(bytes)
}

/// Where a head ends: after its first blank line.
fn head_end(buffer: &[u8]) -> Option<usize> {
    let crlf = buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4);
    let lf = buffer
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|at| at + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(head: &str) -> Result<Head, u16> {
        Head::parse(head.as_bytes()).map_err(|r| r.status)
    }

    #[test]
    fn framing_is_strict() {
        let ok = |cl: u64, chunked, last| {
            Ok(Head {
                content_length: cl,
                chunked,
                last,
            })
        };
        assert_eq!(
            parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            ok(0, false, false)
        );
        assert_eq!(
            parse("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n"),
            ok(12, false, false)
        );
        assert_eq!(
            parse("POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n"),
            ok(5, false, false)
        );
        assert_eq!(
            parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            ok(0, true, false)
        );
        assert_eq!(parse("GET / HTTP/1.0\r\n\r\n"), ok(0, false, true));
        assert_eq!(
            parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
            ok(0, false, false)
        );
        assert_eq!(
            parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
            ok(0, false, true)
        );
        for smuggled in [
            "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
            "GET / HTTP/1.1\r\nBad name: x\r\n\r\n",
            "GET /\r\n\r\n",
        ] {
            assert_eq!(parse(smuggled), Err(400), "{smuggled:?}");
        }
    }

    #[test]
    fn a_request_passed_on_names_its_connection_and_only_that() {
        let head = "GET / HTTP/1.1\r\nHost: x\r\nx-vtts-client: 7\r\nAccept: */*\r\n\r\n";
        assert_eq!(
            String::from_utf8(numbered(head.as_bytes(), 42)).unwrap(),
            "GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nX-Vtts-Client: 42\r\n\r\n"
        );
        assert_eq!(
            String::from_utf8(numbered(b"GET / HTTP/1.0\n\n", 1)).unwrap(),
            "GET / HTTP/1.0\nX-Vtts-Client: 1\n\n"
        );
    }

    #[test]
    fn a_head_ends_at_its_first_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\nrest"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    }
}
