//! What a synthesis request asks for, from a query string, a form or a JSON
//! body, checked against the loaded voice and the server's limits.

use serde_json::Value;

use super::http::ApiError;
use crate::synth::{Speed, SynthesisOptions};
use crate::text::Dialect;
use crate::voice::Voice;

/// Parameters as received, all optional, before any checking.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RawParams {
    pub text: Option<String>,
    pub speed: Option<String>,
    pub speaker: Option<String>,
    pub length_scale: Option<String>,
    pub noise_scale: Option<String>,
    pub noise_w: Option<String>,
    pub dialect: Option<String>,
}

impl RawParams {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut raw = Self::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "text" => &mut raw.text,
                "speed" => &mut raw.speed,
                "speaker" => &mut raw.speaker,
                "length_scale" => &mut raw.length_scale,
                "noise_scale" => &mut raw.noise_scale,
                "noise_w" => &mut raw.noise_w,
                "dialect" => &mut raw.dialect,
                _ => continue,
            };
            *slot = Some(value);
        }
        raw
    }

    /// Reads a JSON object body; numbers and strings are both accepted.
    pub fn from_json(body: &str) -> Result<Self, ApiError> {
        let value: Value = serde_json::from_str(body)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_request("the JSON body must be an object"));
        };
        let pairs = map
            .into_iter()
            .filter_map(|(key, value)| match value {
                Value::String(s) => Some((key, s)),
                Value::Number(n) => Some((key, n.to_string())),
                Value::Null => None,
                other => Some((key, other.to_string())),
            })
            .collect();
        Ok(Self::from_pairs(pairs))
    }
}

/// A checked synthesis request.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub text: String,
    pub speed: Speed,
    pub options: SynthesisOptions,
}

impl Job {
    /// Checks `raw` against the voice and the length limit.
    pub fn new(
        raw: RawParams,
        voice: &Voice,
        max_chars: usize,
        dialect: Dialect,
    ) -> Result<Self, ApiError> {
        let text = raw.text.unwrap_or_default();
        if text.trim().is_empty() {
            return Err(ApiError::bad_request(
                "missing or empty text: pass the text to speak as `text`",
            ));
        }
        let chars = text.chars().count();
        if chars > max_chars {
            return Err(ApiError::bad_request(format!(
                "text is {chars} characters long, over the limit of {max_chars}: split it into several requests"
            )));
        }
        let speed = match raw.speed.as_deref().map(str::trim) {
            None | Some("") => Speed::Normal,
            Some(name) => name.parse().map_err(ApiError::bad_request)?,
        };
        let mut options = SynthesisOptions::for_voice(voice);
        options.dialect = match raw.dialect.as_deref().map(str::trim) {
            None | Some("") => dialect,
            Some(name) => name.parse().map_err(ApiError::bad_request)?,
        };
        options.scales.length_scale = speed.length_scale();
        if let Some(v) = number(&raw.length_scale, "length_scale", 0.1, 10.0)? {
            options.scales.length_scale = v;
        }
        if let Some(v) = number(&raw.noise_scale, "noise_scale", 0.0, 2.0)? {
            options.scales.noise_scale = v;
        }
        if let Some(v) = number(&raw.noise_w, "noise_w", 0.0, 2.0)? {
            options.scales.noise_w = v;
        }
        if let Some(speaker) = raw.speaker.as_deref().filter(|s| !s.is_empty()) {
            options.speaker = voice
                .speaker(speaker)
                .map_err(|e| ApiError::bad_request(format!("{e:#}")))?;
        }
        Ok(Self {
            text,
            speed,
            options,
        })
    }

    /// A stable description of everything that shapes the audio, for cache keys.
    pub fn fingerprint(&self) -> String {
        let s = self.options.scales;
        format!(
            "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            self.text,
            self.speed.name(),
            s.length_scale,
            s.noise_scale,
            s.noise_w,
            self.options.speaker.0,
            self.options.dialect.name()
        )
    }
}

fn number(value: &Option<String>, name: &str, min: f32, max: f32) -> Result<Option<f32>, ApiError> {
    let Some(text) = value.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<f32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(Some(v)),
        _ => Err(ApiError::bad_request(format!(
            "{name} must be a number from {min} to {max}, not {text:?}"
        ))),
    }
}
