//! The Wyoming protocol, as Home Assistant speaks it to a TTS service: beside
//! HTTP in the same process, on the same voices and synthesis workers.
//!
//! One thread per connection reads its events in order; synthesis runs on
//! the server's pool, so a `describe` is answered at once however busy the
//! workers are. `synthesize` gets one `audio-start` … `audio-stop` for the
//! whole text; a `synthesize-start` stream gets a triple per sentence as
//! soon as its text settles (`vtts_text::settled`), then `synthesize-stopped`.
//! Errors are an `error` event, then the connection is closed, which is what
//! unblocks Home Assistant. Unknown events are ignored, as the protocol asks.

mod event;
mod speak;
pub mod zeroconf;

use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

use self::event::{Event, Limits, ReadError};
use self::speak::{Framing, Speak};
use super::Context;
use super::http::ApiError;
use super::params::{Job, RawParams};
use super::pool::Pool;

/// The languages every voice is listed with: Home Assistant matches
/// `vi_VN` in pipelines, and `tts.speak language: vi` needs `vi` itself.
const LANGUAGES: [&str; 2] = ["vi_VN", "vi"];

/// Where the protocol is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// `tcp://HOST:PORT`
    Tcp(String),
    /// `unix://PATH`
    Unix(PathBuf),
}

impl std::str::FromStr for Address {
    type Err = String;

    fn from_str(uri: &str) -> Result<Self, String> {
        if let Some(address) = uri.strip_prefix("tcp://") {
            let port = address
                .rsplit_once(':')
                .map(|(_, port)| port.parse::<u16>());
            return match port {
                Some(Ok(_)) => Ok(Address::Tcp(address.to_string())),
                _ => Err(format!("{uri:?}: a TCP address is tcp://HOST:PORT")),
            };
        }
        match uri.strip_prefix("unix://") {
            Some(path) if !path.is_empty() => Ok(Address::Unix(PathBuf::from(path))),
            _ => Err(format!(
                "{uri:?}: use tcp://HOST:PORT (as tcp://0.0.0.0:10200) or unix://PATH"
            )),
        }
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Tcp(address) => write!(f, "tcp://{address}"),
            Address::Unix(path) => write!(f, "unix://{}", path.display()),
        }
    }
}

/// A connection, over TCP or a Unix socket.
enum Conn {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Conn {
    fn try_clone(&self) -> io::Result<Conn> {
        Ok(match self {
            Conn::Tcp(s) => Conn::Tcp(s.try_clone()?),
            Conn::Unix(s) => Conn::Unix(s.try_clone()?),
        })
    }

    fn set_timeouts(&self, timeout: Duration) -> io::Result<()> {
        match self {
            Conn::Tcp(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))
            }
            Conn::Unix(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))
            }
        }
    }

    fn shutdown(&self, how: Shutdown) {
        let _ = match self {
            Conn::Tcp(s) => s.shutdown(how),
            Conn::Unix(s) => s.shutdown(how),
        };
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Tcp(s) => s.read(buf),
            Conn::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Tcp(s) => s.write(buf),
            Conn::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Tcp(s) => s.flush(),
            Conn::Unix(s) => s.flush(),
        }
    }
}

/// The writing side of a connection, shared by its reader and its
/// syntheses; each event goes out whole.
#[derive(Clone)]
pub struct Events(Arc<Mutex<Conn>>);

impl Events {
    pub fn send(&self, kind: &str, data: &Value, payload: &[u8]) -> io::Result<()> {
        let mut conn = self.0.lock().unwrap_or_else(|p| p.into_inner());
        event::write(&mut *conn, kind, data, payload)
    }

    /// Ends the connection both ways: its reader sees the end at once.
    fn close(&self) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .shutdown(Shutdown::Both);
    }

    /// Sends an `error` event; the caller then closes the connection.
    fn error(&self, error: &ApiError) {
        let code = error.code.unwrap_or(match error.status {
            400..=499 => "invalid_request",
            503 => "busy",
            _ => "synthesis_failed",
        });
        let _ = self.send("error", &json!({"text": error.message, "code": code}), &[]);
    }
}

/// A bound listening socket, before it serves.
pub struct Listener {
    address: Address,
    socket: Socket,
}

enum Socket {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl std::os::fd::AsRawFd for Socket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        match self {
            Socket::Tcp(l) => l.as_raw_fd(),
            Socket::Unix(l) => l.as_raw_fd(),
        }
    }
}

impl Listener {
    /// Binds `address`. A Unix socket file left by a server that is gone is
    /// replaced; one that a live server answers on, or any other file, is not.
    pub fn bind(address: &Address) -> Result<Self> {
        let socket = match address {
            Address::Tcp(host_port) => Socket::Tcp(
                TcpListener::bind(host_port)
                    .with_context(|| format!("cannot listen on {address}"))?,
            ),
            Address::Unix(path) => {
                use std::os::unix::fs::FileTypeExt;
                if let Ok(meta) = std::fs::symlink_metadata(path) {
                    if !meta.file_type().is_socket() {
                        bail!(
                            "cannot listen on {address}: {} exists and is not a socket",
                            path.display()
                        );
                    }
                    if UnixStream::connect(path).is_ok() {
                        bail!("cannot listen on {address}: another server is listening there");
                    }
                    std::fs::remove_file(path)
                        .with_context(|| format!("removing the old socket {}", path.display()))?;
                }
                Socket::Unix(
                    UnixListener::bind(path)
                        .with_context(|| format!("cannot listen on {address}"))?,
                )
            }
        };
        let address = match (&socket, address) {
            (Socket::Tcp(listener), Address::Tcp(_)) => Address::Tcp(
                listener
                    .local_addr()
                    .map_or_else(|_| String::new(), |a| a.to_string()),
            ),
            _ => address.clone(),
        };
        Ok(Self { address, socket })
    }

    /// The address it listens on (with the port chosen, for port 0).
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The TCP port, for advertising.
    pub fn port(&self) -> Option<u16> {
        match &self.socket {
            Socket::Tcp(listener) => listener.local_addr().ok().map(|a| a.port()),
            Socket::Unix(_) => None,
        }
    }

    /// Accepts connections on a thread of its own until the server stops,
    /// then waits for them to end (each ends once its syntheses have).
    pub fn spawn(self, ctx: &Arc<Context>, pool: &Pool) -> JoinHandle<()> {
        let (ctx, pool) = (ctx.clone(), pool.clone());
        thread::Builder::new()
            .name("vtts-wyoming".to_string())
            .spawn(move || self.accept(&ctx, &pool))
            .expect("spawning the Wyoming listener")
    }

    fn accept(self, ctx: &Arc<Context>, pool: &Pool) {
        let nonblocking = match &self.socket {
            Socket::Tcp(l) => l.set_nonblocking(true),
            Socket::Unix(l) => l.set_nonblocking(true),
        };
        if let Err(e) = nonblocking {
            eprintln!("vtts: {}: {e}", self.address);
            return;
        }
        super::accept_connections(
            "Wyoming",
            &self.socket,
            || match &self.socket {
                Socket::Tcp(l) => l.accept().map(|(s, _)| Conn::Tcp(s)),
                Socket::Unix(l) => l.accept().map(|(s, _)| Conn::Unix(s)),
            },
            |conn, open| start(ctx, pool, conn, open),
            // No new events on open connections: each ends after what it is doing.
            |conn: &Conn| conn.shutdown(Shutdown::Read),
        );
        if let Address::Unix(path) = &self.address {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Starts a connection's thread, or turns it away when `open` are all it may have.
fn start(
    ctx: &Arc<Context>,
    pool: &Pool,
    conn: Conn,
    open: usize,
) -> io::Result<Option<(JoinHandle<()>, Conn)>> {
    if let Conn::Tcp(s) = &conn {
        s.set_nonblocking(false)?;
        s.set_nodelay(true)?;
    }
    if let Conn::Unix(s) = &conn {
        s.set_nonblocking(false)?;
    }
    conn.set_timeouts(ctx.config.io_timeout)?;
    let events = Events(Arc::new(Mutex::new(conn.try_clone()?)));
    if open >= ctx.config.wyoming_connections {
        events.error(&ApiError::new(
            503,
            format!("the server has {open} connections open: try again shortly"),
        ));
        return Ok(None);
    }
    let handle = conn.try_clone()?;
    let (ctx, pool) = (ctx.clone(), pool.clone());
    let thread = thread::Builder::new()
        .name("vtts-wyoming-conn".to_string())
        .spawn(move || Connection::new(Speaker { ctx, pool, events }).serve(conn))?;
    Ok(Some((thread, handle)))
}

/// What synthesis on a connection needs; cloned into a stream's speaking thread.
#[derive(Clone)]
struct Speaker {
    ctx: Arc<Context>,
    pool: Pool,
    events: Events,
}

/// One connection's state, between its events.
struct Connection {
    speaker: Speaker,
    stream: Option<Stream>,
}

/// An open `synthesize-start` stream.
struct Stream {
    voice: Option<String>,
    speaker: Option<String>,
    /// Text received and not yet settled into whole sentences.
    text: String,
    /// Settled text, in order, to the thread that speaks it.
    speaker_thread: Option<(mpsc::Sender<String>, JoinHandle<()>)>,
}

/// What the connection does after an event.
enum Next {
    Read,
    Close,
}

impl Connection {
    fn new(speaker: Speaker) -> Self {
        Self {
            speaker,
            stream: None,
        }
    }

    fn serve(mut self, conn: Conn) {
        let limits = Limits {
            line: 64 * 1024,
            data: super::routes::body_limit(&self.speaker.ctx) as usize,
            payload: 1024 * 1024,
        };
        let mut reader = BufReader::new(conn);
        loop {
            let event = match event::read(&mut reader, &limits) {
                Ok(event) => event,
                Err(ReadError::Closed) => break,
                // A client that stalls (idle, or in the middle of an event) is told why.
                Err(ReadError::Io(e)) => {
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) {
                        let seconds = self.speaker.ctx.config.io_timeout.as_secs();
                        let message = format!("no event for {seconds} s: closing the connection");
                        self.speaker
                            .events
                            .error(&ApiError::new(408, message).code("timeout"));
                    }
                    break;
                }
                Err(ReadError::Protocol(message)) => {
                    let error = ApiError::bad_request(message).code("protocol");
                    self.speaker.events.error(&error);
                    break;
                }
            };
            let next = self.handle(&event).unwrap_or_else(|error| {
                self.speaker.events.error(&error);
                Next::Close
            });
            if let Next::Close = next {
                break;
            }
        }
        if let Some(stream) = self.stream.take() {
            Self::finish(stream);
        }
        reader.get_ref().shutdown(Shutdown::Both);
    }

    fn handle(&mut self, event: &Event) -> Result<Next, ApiError> {
        let events = &self.speaker.events;
        let sent = match event.kind.as_str() {
            "describe" => events.send("info", &info(&self.speaker.ctx), &[]),
            "ping" => {
                let text = event.data.get("text").cloned().unwrap_or(Value::Null);
                let data = match text {
                    Value::Null => json!({}),
                    text => json!({ "text": text }),
                };
                events.send("pong", &data, &[])
            }
            // The full text again, for servers that do not stream: ignored
            // inside a stream, where its chunks are spoken already.
            "synthesize" if self.stream.is_some() => Ok(()),
            "synthesize" => {
                let text = event.text("text").unwrap_or_default();
                let (voice, speaker) = voice(event);
                let job = self.speaker.job(text, voice, speaker)?;
                self.speaker.speak(job, Framing::Whole, false)?;
                Ok(())
            }
            "synthesize-start" => {
                if self.stream.is_none() {
                    let (voice, speaker) = voice(event);
                    self.stream = Some(Stream {
                        voice,
                        speaker,
                        text: String::new(),
                        speaker_thread: None,
                    });
                }
                Ok(())
            }
            "synthesize-chunk" => return self.chunk(event.text("text").unwrap_or_default()),
            "synthesize-stop" => {
                if let Some(mut stream) = self.stream.take() {
                    let rest = std::mem::take(&mut stream.text);
                    self.say(&mut stream, rest);
                    Self::finish(stream);
                }
                self.speaker
                    .events
                    .send("synthesize-stopped", &json!({}), &[])
            }
            _ => Ok(()),
        };
        match sent {
            Ok(()) => Ok(Next::Read),
            // The client is gone.
            Err(_) => Ok(Next::Close),
        }
    }

    /// Text of a stream: whatever has settled into whole sentences is spoken now.
    fn chunk(&mut self, text: &str) -> Result<Next, ApiError> {
        let Some(mut stream) = self.stream.take() else {
            return Ok(Next::Read);
        };
        stream.text.push_str(text);
        let config = &self.speaker.ctx.config;
        let waiting = stream.text.chars().count();
        if waiting > config.max_chars {
            return Err(ApiError::bad_request(format!(
                "the stream has {waiting} characters with no end of sentence, over the limit of {}",
                config.max_chars
            )));
        }
        let settled = vtts_text::settled(&stream.text, &config.reading);
        if settled > 0 {
            let ready: String = stream.text.drain(..settled).collect();
            self.say(&mut stream, ready);
        }
        self.stream = Some(stream);
        Ok(Next::Read)
    }

    /// Hands settled text of a stream to its speaking thread, in order, so
    /// that reading the next chunks never waits for synthesis.
    fn say(&self, stream: &mut Stream, text: String) {
        if text.trim().is_empty() {
            return;
        }
        let (tx, _) = stream.speaker_thread.get_or_insert_with(|| {
            let (tx, rx) = mpsc::channel::<String>();
            let (voice, speaker) = (stream.voice.clone(), stream.speaker.clone());
            let me = self.speaker.clone();
            let thread = thread::spawn(move || {
                let mut after_audio = false;
                for text in rx {
                    let spoken = me
                        .job(&text, voice.clone(), speaker.clone())
                        .and_then(|job| me.speak(job, Framing::PerSentence, after_audio));
                    match spoken {
                        Ok(spoke) => after_audio |= spoke,
                        // Said at once, and the connection closed, so that
                        // the client stops waiting for the rest.
                        Err(error) => {
                            me.events.error(&error);
                            me.events.close();
                            return;
                        }
                    }
                }
            });
            (tx, thread)
        });
        // A send fails only when the thread has ended on an error, which it
        // has reported.
        let _ = tx.send(text);
    }

    /// Waits until everything a stream was given has been spoken.
    fn finish(stream: Stream) {
        if let Some((tx, thread)) = stream.speaker_thread {
            drop(tx);
            let _ = thread.join();
        }
    }
}

impl Speaker {
    /// A checked job, exactly as an HTTP request with these parameters.
    fn job(
        &self,
        text: &str,
        voice: Option<String>,
        speaker: Option<String>,
    ) -> Result<Job, ApiError> {
        let raw = RawParams {
            text: Some(text.to_string()),
            voice,
            speaker,
            ..RawParams::default()
        };
        Job::new(raw, &self.ctx)
    }

    /// Speaks a job on the synthesis pool and waits for it: whether it said anything.
    fn speak(&self, job: Job, framing: Framing, after_audio: bool) -> Result<bool, ApiError> {
        let (done, result) = mpsc::channel();
        let task = Speak {
            job,
            out: self.events.clone(),
            framing,
            samples_per_chunk: self.ctx.config.samples_per_chunk,
            after_audio,
            done,
        };
        self.pool.submit(&self.ctx, Box::new(task));
        result
            .recv()
            .unwrap_or_else(|_| Err(ApiError::new(500, "synthesis failed")))
    }
}

/// The voice and speaker an event names (`voice: {name, speaker}`); the
/// speaker may be a name or a number.
fn voice(event: &Event) -> (Option<String>, Option<String>) {
    let voice = event.data.get("voice");
    let field = |key: &str| match voice.and_then(|v| v.get(key)) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    (field("name"), field("speaker"))
}

/// The `info` answer to `describe`: vtts as a TTS program with every voice,
/// and every key Home Assistant requires.
fn info(ctx: &Context) -> Value {
    let voices: Vec<Value> = ctx
        .voices
        .offered()
        .iter()
        .map(|voice| {
            let config = &voice.config;
            let named = super::routes::speakers(config);
            let speakers: Option<Vec<Value>> =
                (config.num_speakers > 1).then(|| match named.is_empty() {
                    true => (0..config.num_speakers)
                        .map(|id| json!({"name": id.to_string()}))
                        .collect(),
                    false => named
                        .iter()
                        .map(|(name, _)| json!({"name": name}))
                        .collect(),
                });
            json!({
                "name": voice.name,
                "attribution": {"name": "Piper", "url": "https://github.com/OHF-Voice/piper1-gpl"},
                "installed": true,
                "description": voice.name,
                "version": null,
                "languages": LANGUAGES,
                "speakers": speakers,
            })
        })
        .collect();
    json!({
        "asr": [], "handle": [], "intent": [], "wake": [], "mic": [], "snd": [],
        "tts": [{
            "name": "vtts",
            "attribution": {"name": "vtts", "url": "https://github.com/OHF-Voice/piper1-gpl"},
            "installed": true,
            "description": "Vietnamese text to speech",
            "version": env!("CARGO_PKG_VERSION"),
            "voices": voices,
            "supports_synthesize_streaming": true,
        }],
    })
}
