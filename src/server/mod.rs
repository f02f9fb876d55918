//! `vtts serve`: a small synchronous HTTP service on tiny_http. One process,
//! the voice loaded once, a fixed pool of synthesis workers sharing it, a
//! bounded queue in front of them (503 when full), and a graceful stop on
//! SIGINT/SIGTERM.

pub mod cache;
pub mod http;
pub mod params;
pub mod routes;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use tiny_http::{Request, Server};

use self::cache::AudioCache;
use self::http::ApiError;
use self::routes::Route;
use crate::voice::Voice;

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
    /// Base of the `audio_url` links, when the server sits behind a proxy.
    pub public_url: Option<String>,
    /// `Access-Control-Allow-Origin` for every response; none when `None`.
    pub cors_origin: Option<String>,
    pub sentence_silence: f32,
    /// How numbers are read unless a request says otherwise.
    pub dialect: crate::text::Dialect,
    /// How long a stop waits for requests in flight.
    pub shutdown_timeout: Duration,
}

/// What every request handler sees.
pub struct Context {
    pub voice: Arc<Voice>,
    /// Identifies the voice in cache keys, so two voices never share a file.
    pub voice_fingerprint: String,
    pub cache: AudioCache,
    pub config: ServerConfig,
    pub silence: usize,
    /// The address the server listens on, for links when a request has no Host.
    pub listen_addr: String,
    /// Sentences synthesised since start, reported by /health.
    pub sentences: AtomicU64,
}

/// Runs the server until SIGINT or SIGTERM, then finishes what is in flight.
pub fn serve(voice: Voice, voice_fingerprint: String, config: ServerConfig) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))
        .context("installing the SIGINT/SIGTERM handler")?;

    let address = format!("{}:{}", config.host, config.port);
    let server = Server::http(&address).map_err(|e| anyhow!("cannot listen on {address}: {e}"))?;
    let listen_addr = server
        .server_addr()
        .to_ip()
        .map_or(address.clone(), |a| a.to_string());
    let ctx = Arc::new(Context {
        silence: crate::audio::samples_in(config.sentence_silence, voice.sample_rate()),
        voice: Arc::new(voice),
        voice_fingerprint,
        cache: AudioCache::open(&config.audio_dir, config.cache_max_bytes)?,
        listen_addr: listen_addr.clone(),
        sentences: AtomicU64::new(0),
        config,
    });
    eprintln!(
        "vtts: serving voice {} on http://{listen_addr} ({} workers, audio in {})",
        ctx.voice.name(),
        ctx.config.workers,
        ctx.cache.dir().display()
    );

    // Synthesis goes to its own bounded pool; everything else (the page,
    // health checks, saved files) to a small one, so probes answer under load.
    let (synth_tx, synth_pool) = pool("synth", ctx.config.workers, ctx.config.queue, &ctx);
    let (light_tx, light_pool) = pool("light", 2, 64, &ctx);

    while !stop.load(Ordering::SeqCst) {
        let request = match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(e) => {
                eprintln!("vtts: error accepting a connection: {e}");
                continue;
            }
        };
        let (path, _) = routes::split_url(request.url());
        let queue = match Route::find(path) {
            Some(route) if route.synthesises() => &synth_tx,
            _ => &light_tx,
        };
        match queue.try_send((request, Instant::now())) {
            Ok(()) => {}
            Err(
                TrySendError::Full((request, started))
                | TrySendError::Disconnected((request, started)),
            ) => {
                let summary = request_summary(&request);
                let busy = ApiError::new(503, "the server is busy: try again shortly")
                    .with_header("Retry-After", "1");
                log_line(&summary, &routes::reject(&ctx, request, &busy), started);
            }
        }
    }

    eprintln!("vtts: stopping: no new connections; finishing requests in flight");
    drop(server);
    drop(synth_tx);
    drop(light_tx);
    let deadline = Instant::now() + ctx.config.shutdown_timeout;
    for worker in synth_pool.into_iter().chain(light_pool) {
        while !worker.is_finished() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
    }
    eprintln!("vtts: stopped");
    Ok(())
}

type Job = (Request, Instant);

fn pool(
    name: &str,
    workers: usize,
    queue: usize,
    ctx: &Arc<Context>,
) -> (SyncSender<Job>, Vec<thread::JoinHandle<()>>) {
    let (tx, rx) = mpsc::sync_channel::<Job>(queue);
    let rx: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(rx));
    let handles = (0..workers.max(1))
        .map(|i| {
            let rx = rx.clone();
            let ctx = ctx.clone();
            thread::Builder::new()
                .name(format!("vtts-{name}-{i}"))
                .spawn(move || {
                    loop {
                        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        let Ok((request, started)) = next else { break };
                        let summary = request_summary(&request);
                        let outcome = routes::handle(&ctx, request);
                        log_line(&summary, &outcome, started);
                    }
                })
                .expect("spawning a worker thread")
        })
        .collect();
    (tx, handles)
}

fn request_summary(request: &Request) -> String {
    let (path, _) = routes::split_url(request.url());
    // The path only: query strings carry the user's text.
    format!("{} {}", request.method(), path)
}

fn log_line(summary: &str, outcome: &routes::Outcome, started: Instant) {
    eprintln!(
        "{summary} {} {} {}ms",
        outcome.status,
        outcome.bytes,
        started.elapsed().as_millis()
    );
}
