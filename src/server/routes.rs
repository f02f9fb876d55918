//! The endpoints: which path does what, and how each answers.

use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde_json::json;
use tiny_http::{Method, Request, Response, StatusCode};

use vtts_core::{Error, Format, Recorder, Target};

use super::Context;
use super::cache;
use super::http::{self, ApiError, StreamWriter, header, request_header};
use super::openai;
use super::params::{Job, RawParams};

/// How a request was answered, for the access log.
pub struct Outcome {
    pub status: u16,
    pub bytes: u64,
}

/// The endpoints, by path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Page,
    Health,
    Voices,
    Tts,
    TtsStream,
    Speech,
    Models,
    AudioModels,
    AudioVoices,
    Audio,
}

impl Route {
    pub fn find(path: &str) -> Option<Route> {
        Some(match path {
            "/" | "/index.html" => Route::Page,
            "/health" => Route::Health,
            "/voices" => Route::Voices,
            "/tts" => Route::Tts,
            "/tts/stream" => Route::TtsStream,
            "/v1/audio/speech" => Route::Speech,
            "/v1/models" => Route::Models,
            "/v1/audio/models" => Route::AudioModels,
            "/v1/audio/voices" => Route::AudioVoices,
            _ if path.starts_with("/audio/") => Route::Audio,
            _ => return None,
        })
    }

    fn methods(self) -> &'static [Method] {
        match self {
            Route::Tts | Route::TtsStream => &[Method::Get, Method::Post],
            Route::Speech => &[Method::Post],
            Route::Page
            | Route::Health
            | Route::Voices
            | Route::Models
            | Route::AudioModels
            | Route::AudioVoices
            | Route::Audio => &[Method::Get, Method::Head],
        }
    }

    /// Whether the route synthesises, and so waits for a synthesis worker.
    pub fn synthesises(self) -> bool {
        matches!(self, Route::Tts | Route::TtsStream | Route::Speech)
    }
}

/// Splits a request URL into its path and query string.
/// An absolute-form target (`GET http://host/tts`, as proxies may send it)
/// names the same path as its origin form.
pub fn split_url(url: &str) -> (&str, &str) {
    let url = match url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    {
        Some(rest) => rest.find(['/', '?']).map_or("/", |at| &rest[at..]),
        None => url,
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    (if path.is_empty() { "/" } else { path }, query)
}

/// The request's `Host` if it is a host name or address with an optional
/// port, else the server's own address: a link is never built from
/// arbitrary bytes (`evil/phish?`, an empty Host).
fn link_host<'a>(ctx: &'a Context, request: &'a Request) -> &'a str {
    let valid = |host: &&str| {
        !host.is_empty()
            && host.len() <= 255
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b))
    };
    request_header(request, "Host")
        .map(str::trim)
        .filter(valid)
        .unwrap_or(&ctx.listen_addr)
}

/// Answers one request; `body` is the body the dispatcher read, if any.
pub fn handle(ctx: &Context, request: Request, body: Option<String>) -> Outcome {
    let url = request.url().to_string();
    let (path, query) = split_url(&url);
    let route = Route::find(path);
    let method = request.method().clone();
    let result = match route {
        None => Err(ApiError::new(404, format!("no such endpoint: {path}"))),
        Some(_) if method == Method::Options => return preflight(ctx, request),
        Some(route) if !route.methods().contains(&method) => {
            let allowed: Vec<String> = route.methods().iter().map(|m| m.to_string()).collect();
            Err(
                ApiError::new(405, format!("{method} is not allowed on {path}"))
                    .with_header("Allow", allowed.join(", ")),
            )
        }
        Some(Route::Page) => Ok(Response::from_data(PAGE.as_bytes().to_vec())
            .with_header(header("Content-Type", "text/html; charset=utf-8"))),
        Some(Route::Health) => Ok(http::json(200, &health(ctx))),
        Some(Route::Voices) => Ok(http::json(200, &voices(ctx))),
        Some(Route::Audio) => return audio_file(ctx, request, path),
        Some(route) if route.synthesises() && !authorized(ctx, &request) => Err(ApiError::new(
            401,
            "a valid API key is needed: send it as `Authorization: Bearer KEY`",
        )
        .code("invalid_api_key")),
        Some(Route::Models) => Ok(http::json(200, &openai::models(ctx))),
        Some(Route::AudioModels) => Ok(http::json(200, &openai::audio_models())),
        Some(Route::AudioVoices) => Ok(http::json(200, &openai::audio_voices(ctx))),
        Some(Route::Tts) => params(&request, query, body)
            .and_then(|raw| Job::new(raw, ctx))
            .and_then(|job| tts_file(ctx, &request, &job)),
        Some(Route::TtsStream) => {
            match params(&request, query, body).and_then(|raw| Job::new(raw, ctx)) {
                Ok(job) => {
                    let style = Style::of(job.format, job.voice.sample_rate());
                    return stream(ctx, request, &job, style);
                }
                Err(e) => Err(e),
            }
        }
        Some(Route::Speech) => match openai::speech_job(ctx, body) {
            Ok((job, style)) => return stream(ctx, request, &job, style),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(response) => respond(ctx, request, response),
        Err(error) => reject(ctx, request, &error),
    }
}

/// What `/health` says (the front door says it too, at the connection cap).
pub fn health(ctx: &Context) -> serde_json::Value {
    json!({
        "status": "ok",
        "voice": ctx.voices.default_name(),
        "voices_loaded": ctx.voices.loaded_names(),
        "sentences_synthesised": ctx.sentences.load(Ordering::Relaxed),
    })
}

/// Whether the request may synthesise: always without `--api-key`, else
/// with `Authorization: Bearer KEY`, compared in constant time.
fn authorized(ctx: &Context, request: &Request) -> bool {
    let Some(key) = &ctx.config.api_key else {
        return true;
    };
    let given = request_header(request, "Authorization")
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("")
        .trim();
    given.len() == key.len()
        && given
            .bytes()
            .zip(key.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

static PAGE: &str = include_str!("page.html");

fn respond<R: Read>(ctx: &Context, request: Request, mut response: Response<R>) -> Outcome {
    if let Some(origin) = &ctx.config.cors_origin {
        response.add_header(header("Access-Control-Allow-Origin", origin));
    }
    let status = response.status_code().0;
    let bytes = response.data_length().unwrap_or(0) as u64;
    let _ = request.respond(response);
    Outcome { status, bytes }
}

/// Answers with an error in the shape the endpoint's clients read, e.g.
/// 503 from the accepting thread.
pub fn reject(ctx: &Context, request: Request, error: &ApiError) -> Outcome {
    let (path, _) = split_url(request.url());
    let response = http::error_response(error, path);
    respond(ctx, request, response)
}

fn preflight(ctx: &Context, request: Request) -> Outcome {
    let response = Response::empty(204)
        .with_header(header(
            "Access-Control-Allow-Methods",
            "GET, POST, HEAD, OPTIONS",
        ))
        .with_header(header(
            "Access-Control-Allow-Headers",
            "Content-Type, Range, Authorization",
        ))
        .with_header(header("Access-Control-Max-Age", "86400"));
    respond(ctx, request, response)
}

/// `/voices`: every voice the server offers, the default first.
fn voices(ctx: &Context) -> serde_json::Value {
    let loaded = ctx.voices.loaded_names();
    let voices: Vec<serde_json::Value> = ctx
        .voices
        .offered()
        .iter()
        .map(|voice| {
            let config = &voice.config;
            json!({
                "name": voice.name,
                "default": voice.name == ctx.voices.default_name(),
                "loaded": loaded.contains(&voice.name),
                "sample_rate": config.sample_rate,
                "num_speakers": config.num_speakers,
                "speakers": speakers(config).iter().map(|(name, id)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "voices": voices })
}

/// A voice's named speakers, by number.
pub fn speakers(config: &vtts_core::voice::VoiceConfig) -> Vec<(&str, i64)> {
    let mut speakers: Vec<(&str, i64)> = config
        .speakers
        .iter()
        .map(|(name, id)| (name.as_str(), *id))
        .collect();
    speakers.sort_by_key(|(_, id)| *id);
    speakers
}

/// Reads the parameters of a synthesis request: the query string of a GET,
/// the JSON or form body of a POST.
fn params(request: &Request, query: &str, body: Option<String>) -> Result<RawParams, ApiError> {
    let Some(body) = body else {
        return RawParams::from_pairs(http::decode_form(query)?);
    };
    let content_type = request_header(request, "Content-Type").unwrap_or("");
    let is_form = content_type.starts_with("application/x-www-form-urlencoded")
        || (!content_type.starts_with("application/json") && !body.trim_start().starts_with('{'));
    if is_form {
        RawParams::from_pairs(http::decode_form(body.trim())?)
    } else {
        RawParams::from_json(&body)
    }
}

/// The most bytes a request body (or a Wyoming event's data) may take: a
/// character of Vietnamese text takes at most 4 bytes of UTF-8, 12 once
/// URL-encoded, and the other fields fit in 4 KiB.
pub fn body_limit(ctx: &Context) -> u64 {
    (ctx.config.max_chars as u64) * 12 + 4096
}

/// Reads a request body within the size limit and the I/O deadline.
pub fn read_body(ctx: &Context, request: &mut Request) -> Result<String, ApiError> {
    let limit = body_limit(ctx);
    if request.body_length().is_some_and(|len| len as u64 > limit) {
        return Err(ApiError::new(
            413,
            format!("the body is larger than {limit} bytes"),
        ));
    }
    // Each read is bounded by the socket timeout; the whole body by this deadline,
    // so a client sending a byte a second cannot hold a worker.
    let deadline = Instant::now() + ctx.config.io_timeout;
    let mut body = Vec::new();
    let mut reader = request.as_reader().take(limit + 1);
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let read = reader
            .read(&mut buffer)
            .map_err(|e| ApiError::new(408, format!("the body did not arrive in time ({e})")))?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..read]);
        if Instant::now() > deadline {
            return Err(ApiError::new(
                408,
                format!(
                    "the body took longer than {} s to arrive",
                    ctx.config.io_timeout.as_secs()
                ),
            ));
        }
    }
    if body.len() as u64 > limit {
        return Err(ApiError::new(
            413,
            format!("the body is larger than {limit} bytes"),
        ));
    }
    String::from_utf8(body).map_err(|_| ApiError::bad_request("the body is not valid UTF-8"))
}

/// The bounds every synthesis over HTTP runs within: at most
/// `--max-audio-seconds` of audio, and none once its client has `gone`.
fn bounded<'s>(ctx: &Context, gone: &'s AtomicBool, recorder: Recorder<'s>) -> Recorder<'s> {
    recorder
        .limit_seconds(ctx.config.max_audio_seconds)
        .cancel_on(gone)
}

/// Counts the sentences synthesised, for /health.
pub fn count_sentences(ctx: &Context) -> impl FnMut(&vtts_core::AudioChunk) + '_ {
    |chunk| {
        ctx.sentences
            .fetch_add(u64::from(chunk.ends_sentence), Ordering::Relaxed);
    }
}

/// `/tts`: synthesise into the audio directory (unless it is there already) and return a link.
fn tts_file(
    ctx: &Context,
    request: &Request,
    job: &Job,
) -> Result<Response<std::io::Cursor<Vec<u8>>>, ApiError> {
    let key = cache::key(job.voice.identity(), &job.fingerprint());
    if ctx.cache.lookup(&key, job.format).is_none() {
        let rate = job.voice.sample_rate();
        // The operating system's reason, not the path: no answer shows the
        // server's folders.
        let cannot_write = |e: Error| {
            let reason = e
                .io_error()
                .map_or_else(|| e.to_string(), ToString::to_string);
            ApiError::new(500, format!("cannot write the audio file: {reason}"))
        };
        ctx.cache.ensure_dir().map_err(|e| {
            cannot_write(Error::Io {
                context: "making the audio directory".to_string(),
                source: e,
            })
        })?;
        let sink = job
            .format
            .sink(Target::File(ctx.cache.path(&key, job.format)), rate)
            .map_err(cannot_write)?;
        let gone = ctx.clients.gone(request);
        let mut recorder = bounded(
            ctx,
            &gone,
            Recorder::new(sink, job.synthesis.sentence_silence, rate),
        );
        recorder
            .record(
                job.voice.synthesize(&job.text, &job.synthesis),
                count_sentences(ctx),
            )
            .map_err(|e| synthesis_failed(&e))?;
        match recorder.finish() {
            Ok(_) => {}
            Err(e @ Error::NothingToSay) => return Err(ApiError::from(&e)),
            Err(e) => return Err(cannot_write(e)),
        }
        // Never a link to a file the bound removes at once.
        if let Err(size) = ctx.cache.admit(&key, job.format) {
            return Err(ApiError::new(
                507,
                format!(
                    "the audio ({:.1} MB) is larger than the audio directory may hold (--cache-max-mb): ask /tts/stream for it, or for less text",
                    size as f64 / 1e6
                ),
            ));
        }
    }
    let base = match &ctx.config.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => format!("http://{}", link_host(ctx, request)),
    };
    Ok(http::json(
        200,
        &json!({
            "hash": key,
            "text": job.text,
            "voice": job.voice.name(),
            "speed": job.speed().name(),
            "format": job.format.name(),
            "audio_url": format!("{base}/audio/{key}.{}", job.format.extension()),
        }),
    ))
}

/// A synthesis error as the client sees it: its own mistakes as they are,
/// the server's as "synthesis failed".
pub fn synthesis_failed(error: &Error) -> ApiError {
    let api = ApiError::from(error);
    if api.status < 500 {
        return api;
    }
    // The whole error, which may name the server's files, goes to its log;
    // the client gets what kind of failure it was.
    let kind = match error {
        // The operating system's reason says enough ("No space left on device").
        Error::Io { source, .. } => {
            return ApiError::new(
                api.status,
                format!("synthesis failed: the audio could not be written: {source}"),
            );
        }
        Error::InvalidVoice { .. } => "the voice could not be loaded",
        Error::Runtime(_) | Error::Synthesis(_) => "the model run failed",
        Error::Encoder(_) => "the audio could not be encoded",
        _ => "an internal error",
    };
    eprintln!("vtts: synthesis failed: {error}");
    ApiError::new(
        api.status,
        format!("synthesis failed: {kind} (the server's log has the details)"),
    )
}

/// How a stream is written: in which format, at which rate, and whether as
/// OpenAI's server-sent events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub format: Format,
    pub rate: u32,
    pub events: bool,
}

impl Style {
    /// `format` at the rate it takes for a voice at `voice_rate`.
    pub fn of(format: Format, voice_rate: u32) -> Self {
        Self {
            format,
            rate: format.output_rate(voice_rate),
            events: false,
        }
    }
}

/// `/tts/stream` and `/v1/audio/speech`: the response starts with the first
/// sentence's audio and goes on sentence by sentence; nothing touches the
/// disk. Nothing is sent until the first sentence is ready, so a text with
/// nothing to say or a synthesis that fails at once gets a proper error.
pub fn stream(ctx: &Context, request: Request, job: &Job, style: Style) -> Outcome {
    let voice_rate = job.voice.sample_rate();
    let content_type = match style.events {
        true => "text/event-stream".to_string(),
        false => style.format.content_type(style.rate),
    };
    // HTTP/1.0 gets whole sentences: it cannot take chunks, and a body
    // ended by the close was seen to end early when it went window by
    // window (the issue 14 note).
    let http_1_0 = *request.http_version() < tiny_http::HTTPVersion(1, 1);
    let synthesis = vtts_core::Synthesis {
        delivery: match http_1_0 {
            true => vtts_core::Delivery::Sentences,
            false => vtts_core::Delivery::Windows,
        },
        ..job.synthesis.clone()
    };
    let chunks = job.voice.synthesize(&job.text, &synthesis);
    let silence = job.synthesis.sentence_silence;
    let gone = ctx.clients.gone(&request);

    // HTTP/1.0 has no chunks; its body is ended by closing the connection,
    // which tiny_http does unless the client asked to keep it alive. Those
    // clients get the whole body with its length, held in memory up to
    // BUFFERED_STREAM_MAX: beyond, 413.
    let keep_alive = request_header(&request, "Connection")
        .is_some_and(|value| value.to_ascii_lowercase().contains("keep-alive"));
    if *request.http_version() < tiny_http::HTTPVersion(1, 1) && keep_alive {
        let mut body = Capped(Cursor::new(Vec::new()));
        let result = (|| {
            let mut events = openai::Events::new(&mut body, style.events);
            let target = match style.events {
                true => Target::Stream(Box::new(&mut events)),
                false => Target::Seekable(Box::new(&mut events)),
            };
            let sink = style.format.sink_at(target, voice_rate, style.rate)?;
            let mut recorder = bounded(ctx, &gone, Recorder::new(sink, silence, voice_rate));
            recorder.record(chunks, count_sentences(ctx))?;
            let recorded = recorder.finish()?;
            events.done(job, recorded, voice_rate)
        })();
        return match result {
            Ok(()) => respond(
                ctx,
                request,
                Response::from_data(body.0.into_inner())
                    .with_header(header("Content-Type", &content_type)),
            ),
            Err(e)
                if e.io_error()
                    .is_some_and(|e| e.get_ref().is_some_and(|i| i.is::<TooBig>())) =>
            {
                let message = format!(
                    "the audio is over {} MB, more than an HTTP/1.0 keep-alive response is held for: use HTTP/1.1, or no keep-alive",
                    BUFFERED_STREAM_MAX >> 20
                );
                reject(ctx, request, &ApiError::new(413, message))
            }
            Err(e) => reject(ctx, request, &synthesis_failed(&e)),
        };
    }

    let cors: Vec<(String, String)> = ctx
        .config
        .cors_origin
        .iter()
        .map(|origin| ("Access-Control-Allow-Origin".to_string(), origin.clone()))
        .collect();
    // The request moves into the response once there is audio; until then
    // it is here to answer with an error.
    let mut unanswered = Some(request);
    let mut writer: Option<openai::Events<StreamWriter>> = None;
    let result = {
        let (unanswered, writer) = (&mut unanswered, &mut writer);
        let open = move || {
            // Moved, not borrowed: the sink keeps the writer for as long as the recorder lives.
            let slot = writer;
            let request = unanswered.take().expect("the response starts once");
            let started =
                StreamWriter::start(request, &content_type, &cors).map_err(|e| Error::Io {
                    context: "starting the response".to_string(),
                    source: e,
                })?;
            let events = slot.insert(openai::Events::new(started, style.events));
            style
                .format
                .sink_at(Target::Stream(Box::new(events)), voice_rate, style.rate)
        };
        let mut recorder = bounded(ctx, &gone, Recorder::lazy(open, silence, voice_rate));
        recorder
            .record(chunks, count_sentences(ctx))
            .and_then(|()| recorder.finish())
    };
    match (unanswered, writer, result) {
        // Nothing was sent: the whole answer is an error.
        (Some(request), _, result) => {
            let error = result.err().unwrap_or(Error::NothingToSay);
            reject(ctx, request, &synthesis_failed(&error))
        }
        (None, Some(mut events), Ok(recorded)) => {
            let ended = events.done(job, recorded, voice_rate);
            let writer = events.into_inner();
            let bytes = writer.bytes;
            if ended.is_ok() {
                let _ = writer.finish();
            }
            Outcome { status: 200, bytes }
        }
        // A client that went away, or a failure mid-stream, ends the stream
        // without its last chunk: an unfinished body tells the client
        // something broke (after an error event, for event streams).
        (None, writer, Err(error)) => Outcome {
            status: 200,
            bytes: writer.map_or(0, |mut events| {
                events.fail(&synthesis_failed(&error));
                events.into_inner().bytes
            }),
        },
        (None, None, Ok(_)) => unreachable!("audio was written, so the response started"),
    }
}

/// The `Content-Type` of a saved file. Only raw PCM needs its rate said, and
/// a saved file's name does not tell which voice made it: the rate is said
/// when every voice has the same.
fn saved_type(ctx: &Context, format: Format) -> String {
    let mut rates = ctx.voices.offered().iter().map(|v| v.config.sample_rate);
    let first = rates.next().unwrap_or_default();
    match format {
        Format::Pcm if rates.any(|rate| rate != first) => "audio/pcm; channels=1".to_string(),
        _ => format.content_type(format.output_rate(first)),
    }
}

/// The most an HTTP/1.0 keep-alive stream is held in memory for: 16 MiB,
/// about six minutes of WAV at 22,050 Hz.
const BUFFERED_STREAM_MAX: usize = 16 << 20;

/// A buffer that refuses to grow past [`BUFFERED_STREAM_MAX`].
struct Capped(Cursor<Vec<u8>>);

#[derive(Debug)]
struct TooBig;

impl std::fmt::Display for TooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("over the size an HTTP/1.0 keep-alive response is held for")
    }
}

impl std::error::Error for TooBig {}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.get_ref().len() + buf.len() > BUFFERED_STREAM_MAX {
            return Err(std::io::Error::other(TooBig));
        }
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Capped {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

/// `/audio/<hash>.<extension>`: a saved file, whole or by byte range.
fn audio_file(ctx: &Context, request: Request, path: &str) -> Outcome {
    let name = &path["/audio/".len()..];
    let result = (|| {
        let Some((key, format)) = cache::parse_name(name) else {
            return Err(ApiError::new(404, format!("no such audio file: {name}")));
        };
        let not_found = || {
            ApiError::new(
                404,
                format!(
                    "no such audio file: {name} (it may have been removed to keep the audio directory small)"
                ),
            )
        };
        let file_path = ctx.cache.lookup(key, format).ok_or_else(not_found)?;
        let mut file = File::open(&file_path).map_err(|_| not_found())?;
        let len = file.metadata().map_err(|_| not_found())?.len();
        let range = http::parse_range(request_header(&request, "Range"), len)?;
        let response = match range {
            None => Response::new(
                StatusCode(200),
                Vec::new(),
                Box::new(file) as Box<dyn Read + Send>,
                Some(len as usize),
                None,
            ),
            Some(range) => {
                file.seek(SeekFrom::Start(range.start))
                    .map_err(|e| ApiError::new(500, e.to_string()))?;
                let part_len = range.end - range.start + 1;
                Response::new(
                    StatusCode(206),
                    vec![header(
                        "Content-Range",
                        &format!("bytes {}-{}/{len}", range.start, range.end),
                    )],
                    Box::new(file.take(part_len)) as Box<dyn Read + Send>,
                    Some(part_len as usize),
                    None,
                )
            }
        };
        // A Content-Length, never chunks: browsers need it to seek.
        Ok(response
            .with_chunked_threshold(usize::MAX)
            .with_header(header("Content-Type", &saved_type(ctx, format)))
            .with_header(header("Accept-Ranges", "bytes")))
    })();
    match result {
        Ok(response) => respond(ctx, request, response),
        Err(error) => reject(ctx, request, &error),
    }
}
