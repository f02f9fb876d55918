//! OpenAI's speech API on top of the same synthesis: `POST /v1/audio/speech`
//! as the openai SDKs, Open WebUI, LibreChat, SillyTavern and Home Assistant
//! send it, its server-sent events, and the discovery endpoints those
//! clients read (`/v1/models`, `/v1/audio/models`, `/v1/audio/voices`).
//!
//! The input is read leniently, as the clients differ: any `model`, `voice`
//! as a string or `{"id": ...}`, unknown fields and `instructions` ignored.
//! `response_format` defaults to mp3, as OpenAI's does; `pcm` is 24 kHz.
//! vtts's own `noise_scale` and `noise_w` may be sent too (the SDK's
//! `extra_body`), as on `/tts`.

use std::io::{self, Seek, SeekFrom, Write};

use serde_json::{Value, json};
use vtts_core::{Format, Recorded};

use super::Context;
use super::http::ApiError;
use super::params::{Job, RawParams};
use super::routes::Style;

/// OpenAI's voice names: any of them means the server's default voice.
const OPENAI_VOICES: [&str; 13] = [
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
    "marin", "cedar",
];

/// The model names clients pick from; any other is accepted too.
const MODELS: [&str; 4] = ["tts-1", "tts-1-hd", "gpt-4o-mini-tts", "vtts"];

/// OpenAI's `pcm`: 16-bit mono at 24 kHz, whatever the voice's rate.
const PCM_RATE: u32 = 24_000;

fn invalid(param: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message)
        .param(param)
        .code("invalid_value")
}

/// Checks a `POST /v1/audio/speech` body: the job and how to stream it.
pub fn speech_job(ctx: &Context, body: Option<String>) -> Result<(Job, Style), ApiError> {
    let body: Value = serde_json::from_str(body.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
    let Value::Object(fields) = body else {
        return Err(ApiError::bad_request("the JSON body must be an object"));
    };
    let text = |name: &'static str| match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(name, format!("`{name}` must be a string"))),
    };

    let input = text("input")?
        .filter(|input| !input.trim().is_empty())
        .ok_or_else(|| invalid("input", "missing or empty `input`: pass the text to speak"))?;
    let chars = input.chars().count();
    if chars > ctx.config.max_chars {
        return Err(invalid(
            "input",
            format!(
                "`input` is {chars} characters long, over the limit of {}: split it into several requests",
                ctx.config.max_chars
            ),
        ));
    }

    let format = match text("response_format")? {
        None => Format::Mp3,
        Some(name) => Format::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "response_format {name:?} is not supported: use one of {}",
                    Format::names()
                ))
                .param("response_format")
                .code("unsupported_value")
            })?,
    };
    let events = match text("stream_format")?.as_deref() {
        None | Some("audio") => false,
        Some("sse") => true,
        Some(other) => {
            return Err(invalid(
                "stream_format",
                format!("stream_format {other:?} is not supported: use \"audio\" or \"sse\""),
            ));
        }
    };
    let speed = match fields.get("speed") {
        None | Some(Value::Null) => 1.0,
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(_) => return Err(invalid("speed", "`speed` must be a number")),
    };
    if !(0.25..=4.0).contains(&speed) {
        return Err(invalid(
            "speed",
            format!("speed must be from 0.25 to 4.0, not {speed}"),
        ));
    }
    let (voice, speaker) = voice(ctx, fields.get("voice"))?;
    let number = |name: &'static str| match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(invalid(name, format!("`{name}` must be a number"))),
    };

    let raw = RawParams {
        text: Some(input),
        voice,
        speaker,
        length_scale: Some((1.0 / speed).to_string()),
        noise_scale: number("noise_scale")?,
        noise_w: number("noise_w")?,
        ..RawParams::default()
    };
    let job = Job::new(raw, ctx)?;
    let rate = match format {
        Format::Pcm => PCM_RATE,
        other => other.output_rate(job.voice.sample_rate()),
    };
    Ok((
        job,
        Style {
            format,
            rate,
            events,
        },
    ))
}

/// The voice and speaker a `voice` names: a voice of the server's by its
/// name; OpenAI's names mean the default voice; a speaker's name or number
/// picks that speaker of the default voice.
type VoiceAndSpeaker = (Option<String>, Option<String>);
fn voice(ctx: &Context, voice: Option<&Value>) -> Result<VoiceAndSpeaker, ApiError> {
    let name = match voice {
        None | Some(Value::Null) => return Ok((None, None)),
        Some(Value::String(name)) => name.as_str(),
        Some(Value::Object(custom)) => match custom.get("id") {
            Some(Value::String(id)) => id.as_str(),
            _ => return Err(invalid("voice", "`voice` must be a name or {\"id\": name}")),
        },
        Some(_) => return Err(invalid("voice", "`voice` must be a name or {\"id\": name}")),
    };
    if ctx.voices.offers(name) {
        return Ok((Some(name.to_string()), None));
    }
    if OPENAI_VOICES.contains(&name) {
        return Ok((None, None));
    }
    let default = ctx.voices.get(None).map_err(|e| ApiError::from(&e))?;
    match default.speaker(name) {
        Ok(_) => Ok((None, Some(name.to_string()))),
        Err(_) => Err(invalid(
            "voice",
            format!(
                "no voice {name:?}: use one of {}, or one of OpenAI's names ({})",
                voice_names(ctx)
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>()
                    .join(", "),
                OPENAI_VOICES.join(", ")
            ),
        )),
    }
}

/// The voices, then the named speakers of the default voice, with their rates.
fn voice_names(ctx: &Context) -> Vec<(String, u32)> {
    let offered = ctx.voices.offered();
    let default = &offered[0].config;
    let speakers = super::routes::speakers(default)
        .into_iter()
        .map(|(name, _)| (name.to_string(), default.sample_rate));
    offered
        .iter()
        .map(|voice| (voice.name.clone(), voice.config.sample_rate))
        .chain(speakers)
        .collect()
}

/// `GET /v1/models`, in OpenAI's list shape (Home Assistant checks it).
pub fn models(ctx: &Context) -> Value {
    let data: Vec<Value> = MODELS
        .iter()
        .map(|id| json!({"id": id, "object": "model", "created": 0, "owned_by": "vtts"}))
        .collect();
    json!({"object": "list", "data": data, "voice": ctx.voices.default_name()})
}

/// `GET /v1/audio/models`, as Open WebUI reads it.
pub fn audio_models() -> Value {
    let models: Vec<Value> = MODELS.iter().map(|id| json!({"id": id})).collect();
    json!({ "models": models })
}

/// `GET /v1/audio/voices`, as Open WebUI and the openai_tts integration read it.
pub fn audio_voices(ctx: &Context) -> Value {
    let voices: Vec<Value> = voice_names(ctx)
        .into_iter()
        .map(|(name, rate)| json!({"id": name, "name": name, "language": "vi-VN", "sample_rate": rate}))
        .collect();
    json!({ "voices": voices })
}

/// A response body as audio bytes, or, for `stream_format: "sse"`, as
/// `speech.audio.delta` events carrying them in base64, ended by
/// `speech.audio.done` with the usage.
pub struct Events<W: Write> {
    out: W,
    on: bool,
}

impl<W: Write> Events<W> {
    pub fn new(out: W, on: bool) -> Self {
        Self { out, on }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn event(&mut self, event: &Value) -> io::Result<()> {
        write!(self.out, "data: {event}\n\n")?;
        self.out.flush()
    }

    /// Ends an event stream: `usage` counts characters in and 20 ms frames out.
    pub fn done(&mut self, job: &Job, recorded: Recorded, rate: u32) -> vtts_core::Result<()> {
        if !self.on {
            return Ok(());
        }
        let input = job.text.chars().count();
        let output = (recorded.samples as u64).div_ceil(u64::from(rate / 50).max(1));
        let usage = json!({"input_tokens": input, "output_tokens": output, "total_tokens": input as u64 + output});
        self.event(&json!({"type": "speech.audio.done", "usage": usage}))
            .map_err(|source| vtts_core::Error::Io {
                context: "ending the event stream".to_string(),
                source,
            })
    }

    /// Tells an event stream's client that synthesis failed, before the
    /// connection closes without the stream's end.
    pub fn fail(&mut self, error: &ApiError) {
        if self.on {
            let _ = self.event(&json!({"type": "error", "error": {
                "message": error.message, "type": "server_error", "param": null, "code": null,
            }}));
        }
    }
}

impl<W: Write> Write for Events<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.on {
            return self.out.write(buf);
        }
        if !buf.is_empty() {
            self.event(&json!({"type": "speech.audio.delta", "audio": base64(buf)}))?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Only the audio bytes of a plain body can seek (a WAV's sizes); events
/// are never a seekable target.
impl<W: Write + Seek> Seek for Events<W> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.out.seek(pos)
    }
}

/// Standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_follows_rfc_4648() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn events_carry_each_write_as_a_delta() {
        let mut out = Vec::new();
        let mut events = Events::new(&mut out, true);
        events.write_all(b"abc").unwrap();
        let text = String::from_utf8(events.into_inner().clone()).unwrap();
        assert_eq!(
            text,
            "data: {\"audio\":\"YWJj\",\"type\":\"speech.audio.delta\"}\n\n"
        );
    }
}
