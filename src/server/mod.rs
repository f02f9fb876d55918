//! `vtts serve`: a small synchronous service. One process, its voices loaded
//! on first use and shared, a fixed pool of synthesis workers with a bounded
//! queue in front of them (503 when full), and a graceful stop on
//! SIGINT/SIGTERM. HTTP runs on tiny_http; the Wyoming protocol, for Home
//! Assistant, beside it on the same voices and workers.

pub mod cache;
pub mod door;
pub mod http;
pub mod openai;
pub mod params;
pub mod pool;
pub mod routes;
pub mod wyoming;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use tiny_http::{Request, Server};
use vtts_core::SynthesisRequest;
use vtts_core::voices::VoiceSet;

use self::cache::AudioCache;
use self::http::ApiError;
use self::pool::{Pool, Task};
use self::routes::Route;

/// The defaults of `vtts serve`'s options, shared by its flags and
/// [`ServerConfig::default`].
pub mod defaults {
    /// Address to listen on.
    pub const HOST: &str = "0.0.0.0";
    /// Port to listen on, as the service vtts replaces.
    pub const PORT: u16 = 8888;
    /// Synthesis requests that may wait for a worker.
    pub const QUEUE: usize = 16;
    /// Longest text accepted, in characters.
    pub const MAX_CHARS: u32 = 5000;
    /// Bound of the audio directory, in MiB.
    pub const CACHE_MAX_MB: u64 = 1024;
    /// The smallest bound the audio directory may have, in MiB (0 would
    /// leave room for nothing).
    pub const CACHE_MIN_MB: u64 = 1;
    /// Seconds of audio one request may make.
    pub const MAX_AUDIO_SECONDS: u32 = 900;
    /// Access-Control-Allow-Origin of every response.
    pub const CORS_ORIGIN: &str = "*";
    /// Seconds a connection may stall a read or a write.
    pub const IO_TIMEOUT_SECONDS: u64 = 30;
    /// Seconds a stop waits for requests in flight.
    pub const SHUTDOWN_TIMEOUT_SECONDS: u64 = 30;
    /// The longest either timeout may be set to: a day. Far beyond it, a
    /// deadline would overflow the clock.
    pub const MAX_TIMEOUT_SECONDS: u64 = 24 * 60 * 60;
    /// Samples in each Wyoming `audio-chunk`, as wyoming-piper sends.
    pub const SAMPLES_PER_CHUNK: usize = 1024;
    /// Voices kept loaded at once.
    pub const MAX_LOADED_VOICES: usize = 3;
    /// Wyoming connections open at once; more are answered with an error.
    pub const WYOMING_CONNECTIONS: usize = 64;
    /// HTTP connections open at once; more get 503.
    pub const MAX_CONNECTIONS: usize = 512;
    /// Seconds an HTTP connection may wait for its next request to begin.
    pub const IDLE_TIMEOUT_SECONDS: u64 = 15;
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub audio_dir: PathBuf,
    /// Requests synthesising at once.
    pub workers: usize,
    /// Synthesis requests waiting for a worker before new ones get 503.
    pub queue: usize,
    /// The longest text accepted, in characters.
    pub max_chars: usize,
    /// The audio directory's bound.
    pub cache_max_bytes: u64,
    /// Seconds of audio one request may make: checked as each sentence is made.
    pub max_audio_seconds: f32,
    /// Base of the `audio_url` links, when the server sits behind a proxy.
    pub public_url: Option<String>,
    /// `Access-Control-Allow-Origin` for every response; none when `None`.
    pub cors_origin: Option<String>,
    pub sentence_silence: f32,
    /// How numbers are read unless a request says otherwise.
    /// How text is read: the dialect requests default to, and the lexicon.
    pub reading: vtts_text::Reading,
    /// The longest a connection may leave a read or a write waiting, and
    /// the longest a request body may take to arrive.
    pub io_timeout: Duration,
    /// How long a stop waits for requests in flight.
    pub shutdown_timeout: Duration,
    /// HTTP connections open at once.
    pub max_connections: usize,
    /// How long an HTTP connection may wait for a request to begin.
    pub idle_timeout: Duration,
    /// Wyoming connections open at once.
    pub wyoming_connections: usize,
    /// The key synthesis requests must send, when set.
    pub api_key: Option<String>,
    /// Whether to serve HTTP (`--no-http` turns it off).
    pub http: bool,
    /// Where to serve the Wyoming protocol: `tcp://HOST:PORT`, `unix://PATH`.
    pub wyoming: Vec<wyoming::Address>,
    /// Samples in each Wyoming `audio-chunk`.
    pub samples_per_chunk: usize,
    /// The name to advertise the Wyoming service under on the local network.
    pub zeroconf: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let workers = thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Self {
            host: defaults::HOST.to_string(),
            port: defaults::PORT,
            audio_dir: default_audio_dir(),
            workers,
            queue: defaults::QUEUE,
            max_chars: defaults::MAX_CHARS as usize,
            cache_max_bytes: defaults::CACHE_MAX_MB * 1024 * 1024,
            max_audio_seconds: defaults::MAX_AUDIO_SECONDS as f32,
            public_url: None,
            cors_origin: Some(defaults::CORS_ORIGIN.to_string()),
            sentence_silence: vtts_core::request::DEFAULT_SENTENCE_SILENCE,
            reading: vtts_text::Reading::default(),
            io_timeout: Duration::from_secs(defaults::IO_TIMEOUT_SECONDS),
            shutdown_timeout: Duration::from_secs(defaults::SHUTDOWN_TIMEOUT_SECONDS),
            max_connections: defaults::MAX_CONNECTIONS,
            idle_timeout: Duration::from_secs(defaults::IDLE_TIMEOUT_SECONDS),
            wyoming_connections: defaults::WYOMING_CONNECTIONS,
            api_key: None,
            http: true,
            wyoming: Vec::new(),
            samples_per_chunk: defaults::SAMPLES_PER_CHUNK,
            zeroconf: None,
        }
    }
}

/// `$XDG_CACHE_HOME/vtts/audio`, or `~/.cache/vtts/audio`, or `./audio`.
fn default_audio_dir() -> PathBuf {
    vtts_core::fs::cache_dir().map_or_else(|| PathBuf::from("audio"), |cache| cache.join("audio"))
}

/// What every request handler sees.
pub struct Context {
    pub voices: VoiceSet,
    pub cache: AudioCache,
    pub config: ServerConfig,
    /// The server's settings under every request's own.
    pub defaults: SynthesisRequest,
    /// The address the server listens on, for links when a request has no Host.
    pub listen_addr: String,
    /// Sentences synthesised since start, reported by /health.
    pub sentences: AtomicU64,
    /// Whether the client of each HTTP connection is still there.
    pub clients: door::Clients,
}

/// Runs the server until SIGINT or SIGTERM, then finishes what is in flight.
pub fn serve(voices: VoiceSet, mut config: ServerConfig) -> Result<()> {
    let budget = raise_open_files_limit();
    if config.max_connections > budget {
        eprintln!(
            "vtts: at most {budget} HTTP connections at once: the limit of open files allows no more"
        );
        config.max_connections = budget;
    }
    config.wyoming_connections = config.wyoming_connections.min(budget);

    let http = match config.http {
        true => Some(listen_http(&config)?),
        false => None,
    };
    let wyoming = config
        .wyoming
        .iter()
        .map(wyoming::Listener::bind)
        .collect::<Result<Vec<_>>>()?;
    let listen_addr = match &http {
        Some((_, addr, _)) => addr.clone(),
        None => format!("{}:{}", config.host, config.port),
    };
    let ctx = Arc::new(Context {
        defaults: SynthesisRequest {
            dialect: Some(config.reading.dialect),
            lexicon: Some(config.reading.lexicon.clone()),
            sentence_silence: Some(config.sentence_silence),
            ..SynthesisRequest::default()
        },
        voices,
        cache: AudioCache::open(&config.audio_dir, config.cache_max_bytes)?,
        listen_addr: listen_addr.clone(),
        sentences: AtomicU64::new(0),
        clients: door::Clients::default(),
        config,
    });
    let mut places: Vec<String> = http
        .iter()
        .map(|_| format!("http://{listen_addr}"))
        .collect();
    places.extend(wyoming.iter().map(|l| l.address().to_string()));
    eprintln!(
        "vtts: serving {} on {} ({} workers, audio in {})",
        ctx.voices.names().collect::<Vec<_>>().join(", "),
        places.join(" and "),
        ctx.config.workers,
        ctx.cache.dir().display()
    );

    // Synthesis goes to its own bounded pool; everything else (the page,
    // health checks, saved files) to a small one, so probes answer under load.
    let synth = Pool::start("synth", ctx.config.workers, ctx.config.queue, &ctx);
    let light = Pool::start("light", 2, 64, &ctx);
    let _advertised = match &ctx.config.zeroconf {
        Some(name) => Some(wyoming::zeroconf::advertise(name, &wyoming)?),
        None => None,
    };
    let mut wyoming: Vec<_> = wyoming
        .into_iter()
        .map(|listener| listener.spawn(&ctx, &synth))
        .collect();
    let http = http.map(|(server, _, door)| {
        wyoming.push(door.spawn(&ctx));
        server
    });

    match &http {
        Some(server) => accept_http(&ctx, server, &synth, &light),
        None => {
            while !crate::signals::received() {
                thread::sleep(Duration::from_millis(100));
            }
        }
    }

    eprintln!("vtts: stopping: no new connections; finishing requests in flight");
    drop(http);
    let deadline = Instant::now() + ctx.config.shutdown_timeout;
    let threads = wyoming
        .into_iter()
        .chain(synth.close())
        .chain(light.close());
    for thread in threads {
        while !thread.is_finished() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
    }
    eprintln!("vtts: stopped");
    Ok(())
}

/// Raises the soft limit of open files to the hard one (the common soft
/// limit of 1,024 ran out at 511 idle connections), and returns how many
/// connections of each kind it leaves room for: each takes four
/// descriptors at most, and `RESERVED_FILES` stay for the rest. Beyond that,
/// accept would fail, and tiny_http's accept loop ends for good.
fn raise_open_files_limit() -> usize {
    /// Descriptors kept for the server itself: listeners, files being
    /// written or served, a voice loading.
    const RESERVED_FILES: u64 = 48;
    // SAFETY: getrlimit and setrlimit with structs we own.
    let soft = unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) != 0 {
            return usize::MAX;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raw const raised) == 0 {
                limit = raised;
            }
        }
        limit.rlim_cur
    };
    usize::try_from((soft.saturating_sub(RESERVED_FILES) / 4).max(1)).unwrap_or(usize::MAX)
}

/// The HTTP service: tiny_http behind the front door, and the address the
/// door listens on.
fn listen_http(config: &ServerConfig) -> Result<(Server, String, door::Door)> {
    let address = format!("{}:{}", config.host, config.port);
    let (door, inner) = door::Door::bind(&address)?;
    let server = Server::from_listener(inner, None)
        .map_err(|e| anyhow!("cannot listen on {address}: {e}"))?;
    let listen_addr = door.local_addr().unwrap_or(address);
    Ok((server, listen_addr, door))
}

/// The one accepting loop of every listener (HTTP's front door, Wyoming's),
/// until SIGINT or SIGTERM. `accept` takes the next connection from the
/// non-blocking `socket` (`WouldBlock` when none waits, and the loop then
/// waits on the socket); `start` serves it, told how many are open, and
/// returns its thread and a handle to it, or nothing when it turned the
/// connection away. An accept error (out of descriptors, say) is logged and
/// retried: the listener lives on. At the stop, `end_reading` ends each open
/// connection's reading, and every thread is waited for.
pub fn accept_connections<C, H>(
    what: &str,
    socket: &impl std::os::fd::AsRawFd,
    mut accept: impl FnMut() -> std::io::Result<C>,
    mut start: impl FnMut(C, usize) -> std::io::Result<Option<(thread::JoinHandle<()>, H)>>,
    end_reading: impl Fn(&H),
) {
    let mut open: Vec<(thread::JoinHandle<()>, H)> = Vec::new();
    while !crate::signals::received() {
        let connection = match accept() {
            Ok(connection) => connection,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait_readable(socket, Duration::from_millis(100));
                continue;
            }
            Err(e) => {
                eprintln!("vtts: error accepting a {what} connection: {e}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        open.retain(|(thread, _)| !thread.is_finished());
        match start(connection, open.len()) {
            Ok(Some(started)) => open.push(started),
            Ok(None) => {}
            Err(e) => eprintln!("vtts: cannot serve a {what} connection: {e}"),
        }
    }
    for (_, handle) in &open {
        end_reading(handle);
    }
    for (thread, _) in open {
        let _ = thread.join();
    }
}

/// Waits until `socket` can be read (a connection accepted) or `timeout`
/// has passed, so that an accepting loop both answers at once and sees a stop.
pub fn wait_readable(socket: &impl std::os::fd::AsRawFd, timeout: Duration) {
    let mut poll = libc::pollfd {
        fd: socket.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one pollfd that lives on the stack for the call.
    unsafe { libc::poll(&raw mut poll, 1, timeout.as_millis() as libc::c_int) };
}

/// Hands each HTTP request to its pool until the server stops.
fn accept_http(ctx: &Arc<Context>, server: &Server, synth: &Pool, light: &Pool) {
    while !crate::signals::received() {
        let request = match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(e) => {
                eprintln!("vtts: error accepting a connection: {e}");
                continue;
            }
        };
        let (path, _) = routes::split_url(request.url());
        let synthesises = Route::find(path).is_some_and(Route::synthesises);
        let pool = if synthesises { synth } else { light };
        let with_body = synthesises && *request.method() == tiny_http::Method::Post;
        dispatch(ctx, pool, request, Instant::now(), with_body);
    }
}

/// An HTTP request on its way to a worker.
pub struct Exchange {
    pub request: Request,
    pub started: Instant,
    /// The body, already read, for requests that have one.
    pub body: Option<String>,
}

impl Task for Exchange {
    fn run(self: Box<Self>, ctx: &Context) {
        let summary = request_summary(&self.request);
        let outcome = routes::handle(ctx, self.request, self.body);
        log_line(&summary, &outcome, self.started);
    }

    fn refuse(self: Box<Self>, ctx: &Context) {
        let summary = request_summary(&self.request);
        let busy = ApiError::new(503, "the server is busy: try again shortly")
            .with_header("Retry-After", "1");
        let outcome = routes::reject(ctx, self.request, &busy);
        log_line(&summary, &outcome, self.started);
    }
}

/// Queues a request for a worker. A synthesis request with a body first gets a
/// thread of its own to read it, so a client that sends slowly holds that
/// thread and not a worker. Full queue: 503.
fn dispatch(
    ctx: &Arc<Context>,
    pool: &Pool,
    mut request: Request,
    started: Instant,
    with_body: bool,
) {
    if !with_body {
        let body = None;
        return pool.submit(
            ctx,
            Box::new(Exchange {
                request,
                started,
                body,
            }),
        );
    }
    let (ctx, pool) = (ctx.clone(), pool.clone());
    thread::spawn(move || match routes::read_body(&ctx, &mut request) {
        Ok(body) => {
            let body = Some(body);
            pool.submit(
                &ctx,
                Box::new(Exchange {
                    request,
                    started,
                    body,
                }),
            );
        }
        // Answered here: dropping the request makes tiny_http read what is
        // left of the body, and only this thread should wait for that.
        Err(error) => {
            let summary = request_summary(&request);
            log_line(&summary, &routes::reject(&ctx, request, &error), started);
        }
    });
}

fn request_summary(request: &Request) -> String {
    let (path, _) = routes::split_url(request.url());
    // The path only: query strings carry the user's text.
    format!("{} {}", request.method(), path)
}

pub fn log_line(summary: &str, outcome: &routes::Outcome, started: Instant) {
    eprintln!(
        "{summary} {} {} {}ms",
        outcome.status,
        outcome.bytes,
        started.elapsed().as_millis()
    );
}
