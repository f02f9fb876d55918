//! The `.onnx.json` file that comes with every Piper voice, parsed and checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use vtts_text::PhonemeIdMap;

use crate::error::{Error, Result};

/// What vtts needs from a Piper voice config.
#[derive(Debug, Clone)]
pub struct VoiceConfig {
    /// Samples per second of the voice's audio.
    pub sample_rate: u32,
    /// The scales the voice's trainer recommends.
    pub inference: InferenceDefaults,
    /// Phoneme to ids.
    pub phoneme_id_map: PhonemeIdMap,
    /// How many speakers the model has (1 for most voices).
    pub num_speakers: u32,
    /// Speaker names and their ids; empty for single-speaker voices.
    pub speakers: BTreeMap<String, i64>,
}

/// The noise and length scales the voice's trainer recommends.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct InferenceDefaults {
    /// Variation of the voice.
    #[serde(default = "default_noise_scale")]
    pub noise_scale: f32,
    /// Phoneme duration.
    #[serde(default = "default_length_scale")]
    pub length_scale: f32,
    /// Variation of the rhythm.
    #[serde(default = "default_noise_w")]
    pub noise_w: f32,
}

// Piper's defaults when a config leaves them out.
fn default_noise_scale() -> f32 {
    0.667
}
fn default_length_scale() -> f32 {
    1.0
}
fn default_noise_w() -> f32 {
    0.8
}

impl Default for InferenceDefaults {
    fn default() -> Self {
        Self {
            noise_scale: default_noise_scale(),
            length_scale: default_length_scale(),
            noise_w: default_noise_w(),
        }
    }
}

#[derive(Deserialize)]
struct RawConfig {
    audio: RawAudio,
    espeak: Option<RawEspeak>,
    #[serde(default)]
    inference: Option<InferenceDefaults>,
    phoneme_type: Option<String>,
    phoneme_id_map: BTreeMap<String, Vec<i64>>,
    #[serde(default)]
    num_speakers: Option<u32>,
    #[serde(default)]
    speaker_id_map: BTreeMap<String, i64>,
}

#[derive(Deserialize)]
struct RawAudio {
    sample_rate: u32,
}

#[derive(Deserialize)]
struct RawEspeak {
    voice: String,
}

/// Where a model's config is unless given: the model's path with `.json` added.
pub fn default_path(model: &Path) -> PathBuf {
    let mut path = model.as_os_str().to_owned();
    path.push(".json");
    PathBuf::from(path)
}

impl VoiceConfig {
    /// Reads and checks a voice config file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = Self::read(path)?;
        Self::parse(&text, path)
    }

    /// The text of a config file.
    pub(crate) fn read(path: &Path) -> Result<String> {
        std::fs::read_to_string(path).map_err(|e| Error::InvalidVoice {
            path: path.to_path_buf(),
            message: format!("reading voice config {}: {e}", path.display()),
        })
    }

    /// Parses the config read from `path`, naming it in errors.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Self> {
        Self::from_json(text).map_err(|message| Error::InvalidVoice {
            path: path.to_path_buf(),
            message: format!("voice config {}: {message}", path.display()),
        })
    }

    /// Parses and checks a voice config; refuses voices vtts cannot read
    /// correctly, saying why.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let raw: RawConfig =
            serde_json::from_str(text).map_err(|e| format!("not a Piper voice config: {e}"))?;
        let phoneme_type = raw.phoneme_type.as_deref().unwrap_or("espeak");
        if phoneme_type != "espeak" {
            return Err(format!(
                "phoneme_type is {phoneme_type:?}: vtts reads Vietnamese with espeak phonemes only"
            ));
        }
        let espeak_voice = raw.espeak.map(|e| e.voice).unwrap_or_default();
        let language = espeak_voice.split(['-', '_']).next().unwrap_or_default();
        if !language.eq_ignore_ascii_case("vi") {
            return Err(format!(
                "espeak.voice is {espeak_voice:?}, not Vietnamese (\"vi\"): vtts speaks Vietnamese voices only"
            ));
        }
        if raw.audio.sample_rate == 0 {
            return Err("audio.sample_rate is 0".to_string());
        }
        let num_speakers = raw.num_speakers.unwrap_or(1).max(1);
        if let Some((name, id)) = raw
            .speaker_id_map
            .iter()
            .find(|&(_, &id)| id < 0 || id >= i64::from(num_speakers))
        {
            return Err(format!(
                "speaker {name:?} has id {id}, outside 0..{num_speakers}"
            ));
        }
        Ok(Self {
            sample_rate: raw.audio.sample_rate,
            inference: raw.inference.unwrap_or_default(),
            phoneme_id_map: PhonemeIdMap::new(raw.phoneme_id_map).map_err(|e| e.to_string())?,
            num_speakers,
            speakers: raw.speaker_id_map,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> String {
        format!(
            r#"{{"audio": {{"sample_rate": 22050}}, "espeak": {{"voice": "vi"}},
               "phoneme_id_map": {{"_": [0], "^": [1], "$": [2], " ": [3], "a": [14]}}{extra}}}"#
        )
    }

    #[test]
    fn reads_a_minimal_vietnamese_config_with_piper_defaults() {
        let config = VoiceConfig::from_json(&config("")).unwrap();
        assert_eq!(config.sample_rate, 22050);
        assert_eq!(config.num_speakers, 1);
        assert_eq!(config.inference, InferenceDefaults::default());
    }

    #[test]
    fn refuses_a_voice_for_another_language() {
        let text = config("").replace(r#""vi""#, r#""en-us""#);
        let error = VoiceConfig::from_json(&text).unwrap_err();
        assert!(error.contains("not Vietnamese"), "{error}");
    }

    #[test]
    fn refuses_a_voice_with_other_phonemes() {
        let error = VoiceConfig::from_json(&config(r#", "phoneme_type": "text""#)).unwrap_err();
        assert!(error.contains("phoneme_type"), "{error}");
    }

    #[test]
    fn refuses_a_speaker_id_outside_the_speaker_count() {
        let extra = r#", "num_speakers": 2, "speaker_id_map": {"a": 0, "b": 5}"#;
        let error = VoiceConfig::from_json(&config(extra)).unwrap_err();
        assert!(error.contains("\"b\""), "{error}");
    }

    #[test]
    fn reads_inference_settings() {
        let extra = r#", "inference": {"noise_scale": 0.5, "length_scale": 1.2, "noise_w": 0.6}"#;
        let config = VoiceConfig::from_json(&config(extra)).unwrap();
        assert_eq!(config.inference.length_scale, 1.2);
    }
}
