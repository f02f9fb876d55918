//! What a synthesis request asks for, from a query string, a form or a JSON
//! body, checked against the loaded voice and the server's limits.

use std::sync::Arc;

use serde_json::Value;

use vtts_core::{Error, Format, Speed, Synthesis, SynthesisRequest, Voice};

use super::Context;
use super::http::ApiError;

/// Parameters as received, all optional, before any checking.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RawParams {
    pub text: Option<String>,
    pub voice: Option<String>,
    pub speed: Option<String>,
    pub speaker: Option<String>,
    pub length_scale: Option<String>,
    pub noise_scale: Option<String>,
    pub noise_w: Option<String>,
    pub dialect: Option<String>,
    pub format: Option<String>,
}

impl RawParams {
    /// Reads `key=value` pairs; a parameter given twice is refused, as
    /// neither value can be taken for the other.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, ApiError> {
        let mut raw = Self::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "text" => &mut raw.text,
                "voice" => &mut raw.voice,
                "speed" => &mut raw.speed,
                "speaker" => &mut raw.speaker,
                "length_scale" => &mut raw.length_scale,
                "noise_scale" => &mut raw.noise_scale,
                "noise_w" => &mut raw.noise_w,
                "dialect" => &mut raw.dialect,
                "format" => &mut raw.format,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(ApiError::bad_request(format!(
                    "`{key}` is given twice: give it once"
                )));
            }
        }
        Ok(raw)
    }

    /// Reads a JSON object body; numbers and strings are both accepted.
    pub fn from_json(body: &str) -> Result<Self, ApiError> {
        let value: Value = serde_json::from_str(body)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_request("the JSON body must be an object"));
        };
        let mut pairs = Vec::new();
        for (key, value) in map {
            match value {
                Value::String(s) => pairs.push((key, s)),
                Value::Number(n) => pairs.push((key, n.to_string())),
                Value::Null => {}
                // A list or an object is not one value (`"text": ["xin", "chào"]`).
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "`{key}` must be a string or a number"
                    )));
                }
            }
        }
        Self::from_pairs(pairs)
    }
}

/// A checked synthesis request.
#[derive(Debug, Clone)]
pub struct Job {
    pub text: String,
    /// The voice that speaks it.
    pub voice: Arc<Voice>,
    /// What was asked for, over the server's settings.
    pub request: SynthesisRequest,
    /// The settings the voice runs with.
    pub synthesis: Synthesis,
    /// What the audio is written in: WAV unless the request says.
    pub format: Format,
}

impl Job {
    /// Checks `raw` against the voice, the server's settings and the length limit.
    pub fn new(raw: RawParams, ctx: &Context) -> Result<Self, ApiError> {
        let text = raw.text.unwrap_or_default();
        if text.trim().is_empty() {
            return Err(ApiError::bad_request(
                "missing or empty text: pass the text to speak as `text`",
            ));
        }
        let chars = text.chars().count();
        let max_chars = ctx.config.max_chars;
        if chars > max_chars {
            return Err(ApiError::bad_request(format!(
                "text is {chars} characters long, over the limit of {max_chars}: split it into several requests"
            )));
        }
        let invalid = |name: &'static str| {
            move |message: String| ApiError::from(&Error::setting(name, message))
        };
        let request = SynthesisRequest {
            speed: given(&raw.speed)
                .map(str::parse)
                .transpose()
                .map_err(invalid("speed"))?,
            length_scale: number(&raw.length_scale, "length_scale")?,
            noise_scale: number(&raw.noise_scale, "noise_scale")?,
            noise_w: number(&raw.noise_w, "noise_w")?,
            speaker: given(&raw.speaker).map(str::to_string),
            dialect: given(&raw.dialect)
                .map(str::parse)
                .transpose()
                .map_err(invalid("dialect"))?,
            lexicon: None,
            sentence_silence: None,
        }
        .or(&ctx.defaults);
        let voice = ctx
            .voices
            .get(given(&raw.voice))
            .map_err(|e| ApiError::from(&e))?;
        let synthesis = request.resolve(&voice).map_err(|e| ApiError::from(&e))?;
        let format = match given(&raw.format) {
            None => Format::Wav,
            Some(name) => name.parse().map_err(ApiError::bad_request)?,
        };
        Ok(Self {
            text,
            voice,
            request,
            synthesis,
            format,
        })
    }

    /// A stable description of everything that shapes the audio, for cache keys.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}\u{0}{}\u{0}{}",
            self.text,
            self.synthesis.fingerprint(),
            self.format.name()
        )
    }

    /// The preset the request named, as `/tts` reports it.
    pub fn speed(&self) -> Speed {
        self.request.speed.unwrap_or_default()
    }
}

/// A parameter's value unless it is missing or blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A number, if given; its range is the request's to check.
fn number(value: &Option<String>, name: &'static str) -> Result<Option<f32>, ApiError> {
    given(value)
        .map(|text| {
            text.parse::<f32>().map_err(|_| {
                ApiError::from(&Error::setting(
                    name,
                    format!("{name}: {text:?} is not a number"),
                ))
            })
        })
        .transpose()
}
