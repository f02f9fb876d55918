//! What a caller asks of a synthesis, and how it becomes the settings a
//! voice runs with. Every front end (command-line flags, JSON lines, HTTP
//! parameters, the OpenAI adapter) builds a [`SynthesisRequest`]; one
//! [`SynthesisRequest::resolve`] applies the defaults in one order (the
//! voice's config, then a speed preset, then explicit values) and checks
//! every range once, with the messages the command-line flags give.

use vtts_text::{Dialect, Lexicon, Reading};

use crate::error::{Error, Result};
use crate::voice::{Scales, SpeakerId, Voice};

/// Seconds of silence between sentences unless asked otherwise, as piper-tts.
pub const DEFAULT_SENTENCE_SILENCE: f32 = 0.2;

/// The range of one numeric setting, shared by flags and requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// The setting's name in requests and JSON lines.
    pub name: &'static str,
    /// The smallest value allowed.
    pub min: f32,
    /// The largest value allowed.
    pub max: f32,
}

/// Phoneme duration: above 1 slower, below 1 faster.
pub const LENGTH_SCALE: Range = Range {
    name: "length_scale",
    min: 0.1,
    max: 10.0,
};
/// Variation of the voice (0 = deterministic).
pub const NOISE_SCALE: Range = Range {
    name: "noise_scale",
    min: 0.0,
    max: 2.0,
};
/// Variation of the rhythm (0 = deterministic).
pub const NOISE_W: Range = Range {
    name: "noise_w",
    min: 0.0,
    max: 2.0,
};
/// Seconds of silence between sentences.
pub const SENTENCE_SILENCE: Range = Range {
    name: "sentence_silence",
    min: 0.0,
    max: 60.0,
};

impl Range {
    /// `value` if it is within the range; otherwise the message flags show.
    pub fn check(&self, value: f32) -> Result<f32, String> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(format!(
                "{value} is outside the range {} to {}",
                self.min, self.max
            ))
        }
    }

    /// Parses and checks a value written as text.
    pub fn parse(&self, text: &str) -> Result<f32, String> {
        match text.trim().parse::<f32>() {
            Ok(value) => self.check(value),
            Err(_) => Err(format!("{text:?} is not a number")),
        }
    }

    /// [`Range::check`] as an [`Error`] naming the setting.
    fn validate(&self, value: f32) -> Result<f32> {
        self.check(value)
            .map_err(|message| Error::setting(self.name, format!("{}: {message}", self.name)))
    }
}

/// The speaking rates of the original vtts service, as Piper length scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speed {
    /// Length scale 1.5.
    VerySlow,
    /// Length scale 1.2.
    Slow,
    /// Length scale 1.
    #[default]
    Normal,
    /// Length scale 0.6.
    Fast,
    /// Length scale 0.4.
    VeryFast,
}

impl Speed {
    /// Every preset, slowest first.
    pub const ALL: [Speed; 5] = [
        Speed::VerySlow,
        Speed::Slow,
        Speed::Normal,
        Speed::Fast,
        Speed::VeryFast,
    ];

    /// The length scale of the preset.
    pub fn length_scale(self) -> f32 {
        match self {
            Speed::VerySlow => 1.5,
            Speed::Slow => 1.2,
            Speed::Normal => 1.0,
            Speed::Fast => 0.6,
            Speed::VeryFast => 0.4,
        }
    }

    /// The name flags and requests use.
    pub fn name(self) -> &'static str {
        match self {
            Speed::VerySlow => "very_slow",
            Speed::Slow => "slow",
            Speed::Normal => "normal",
            Speed::Fast => "fast",
            Speed::VeryFast => "very_fast",
        }
    }
}

impl std::str::FromStr for Speed {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.replace('-', "_");
        Speed::ALL
            .into_iter()
            .find(|speed| speed.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Speed::ALL.iter().map(|s| s.name()).collect();
                format!("unknown speed {s:?}: use one of {}", names.join(", "))
            })
    }
}

/// A synthesis as asked for: every field optional, nothing checked yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SynthesisRequest {
    /// A speaking-rate preset.
    pub speed: Option<Speed>,
    /// An explicit length scale; wins over `speed`.
    pub length_scale: Option<f32>,
    /// Variation of the voice.
    pub noise_scale: Option<f32>,
    /// Variation of the rhythm.
    pub noise_w: Option<f32>,
    /// A speaker of a multi-speaker voice, by name or number.
    pub speaker: Option<String>,
    /// How numbers and other written forms are read.
    pub dialect: Option<Dialect>,
    /// The user's own readings (`--lexicon`); requests take the server's.
    pub lexicon: Option<Lexicon>,
    /// Seconds of silence between sentences.
    pub sentence_silence: Option<f32>,
}

impl SynthesisRequest {
    /// This request, with what it leaves open taken from `defaults` (a
    /// JSON line over the command line's flags, a request over the server's
    /// settings). The rate is one setting: a request that gives a speed or a
    /// length scale takes neither from `defaults`.
    pub fn or(self, defaults: &SynthesisRequest) -> SynthesisRequest {
        let (speed, length_scale) = if self.speed.is_some() || self.length_scale.is_some() {
            (self.speed, self.length_scale)
        } else {
            (defaults.speed, defaults.length_scale)
        };
        SynthesisRequest {
            speed,
            length_scale,
            noise_scale: self.noise_scale.or(defaults.noise_scale),
            noise_w: self.noise_w.or(defaults.noise_w),
            speaker: self.speaker.or_else(|| defaults.speaker.clone()),
            dialect: self.dialect.or(defaults.dialect),
            lexicon: self.lexicon.or_else(|| defaults.lexicon.clone()),
            sentence_silence: self.sentence_silence.or(defaults.sentence_silence),
        }
    }

    /// The settings `voice` runs with: its config's scales, then the speed
    /// preset, then the explicit values, each checked against its range.
    pub fn resolve(&self, voice: &Voice) -> Result<Synthesis> {
        let mut synthesis = Synthesis::for_voice(voice);
        if let Some(speed) = self.speed {
            synthesis.scales.length_scale = speed.length_scale();
        }
        if let Some(value) = self.length_scale {
            synthesis.scales.length_scale = LENGTH_SCALE.validate(value)?;
        }
        if let Some(value) = self.noise_scale {
            synthesis.scales.noise_scale = NOISE_SCALE.validate(value)?;
        }
        if let Some(value) = self.noise_w {
            synthesis.scales.noise_w = NOISE_W.validate(value)?;
        }
        if let Some(value) = self.sentence_silence {
            synthesis.sentence_silence = SENTENCE_SILENCE.validate(value)?;
        }
        if let Some(speaker) = self
            .speaker
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            synthesis.speaker = voice.speaker(speaker)?;
        }
        if let Some(dialect) = self.dialect {
            synthesis.reading.dialect = dialect;
        }
        if let Some(lexicon) = &self.lexicon {
            synthesis.reading.lexicon = lexicon.clone();
        }
        Ok(synthesis)
    }
}

/// When a sentence's audio is handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// Whole sentences, each scaled so its peak is at full scale, exactly as
    /// piper-tts does: for files, where waiting costs nothing.
    #[default]
    Sentences,
    /// Window by window as the sentence is decoded, at a loudness set by
    /// its first window ([`crate::audio::StreamGain`]): for streams and
    /// playback, which start sooner.
    Windows,
}

/// Checked settings of one synthesis, ready for [`Voice::synthesize`].
#[derive(Debug, Clone, PartialEq)]
pub struct Synthesis {
    /// The model's scales.
    pub scales: Scales,
    /// Who speaks, for multi-speaker voices.
    pub speaker: SpeakerId,
    /// How the text is read: the lexicon, and the dialect of numbers.
    pub reading: Reading,
    /// Seconds of silence between sentences.
    pub sentence_silence: f32,
    /// When audio is handed out; it does not change what is said.
    pub delivery: Delivery,
}

impl Synthesis {
    /// The voice's own recommended settings, first speaker.
    pub fn for_voice(voice: &Voice) -> Self {
        Self {
            scales: voice.config().inference.into(),
            speaker: SpeakerId::default(),
            reading: Reading::default(),
            sentence_silence: DEFAULT_SENTENCE_SILENCE,
            delivery: Delivery::default(),
        }
    }

    /// A stable description of everything that shapes the audio, for cache keys.
    pub fn fingerprint(&self) -> String {
        let s = self.scales;
        format!(
            "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            s.length_scale,
            s.noise_scale,
            s.noise_w,
            self.speaker.0,
            self.reading.fingerprint(),
            self.sentence_silence
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_presets_are_the_original_services_length_scales() {
        let scales: Vec<f32> = Speed::ALL.iter().map(|s| s.length_scale()).collect();
        assert_eq!(scales, vec![1.5, 1.2, 1.0, 0.6, 0.4]);
    }

    #[test]
    fn speeds_parse_by_name_and_list_the_valid_ones() {
        assert_eq!("very_fast".parse::<Speed>(), Ok(Speed::VeryFast));
        assert_eq!("very-slow".parse::<Speed>(), Ok(Speed::VerySlow));
        let error = "warp".parse::<Speed>().unwrap_err();
        assert!(
            error.contains("very_slow, slow, normal, fast, very_fast"),
            "{error}"
        );
    }

    #[test]
    fn ranges_say_what_is_allowed() {
        assert_eq!(LENGTH_SCALE.parse("2"), Ok(2.0));
        assert_eq!(
            LENGTH_SCALE.parse("0").unwrap_err(),
            "0 is outside the range 0.1 to 10"
        );
        assert_eq!(NOISE_W.parse("x").unwrap_err(), "\"x\" is not a number");
        assert!(NOISE_SCALE.check(f32::NAN).is_err());
        assert!(LENGTH_SCALE.check(f32::INFINITY).is_err());
        let error = LENGTH_SCALE.validate(99.0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "length_scale: 99 is outside the range 0.1 to 10"
        );
    }

    #[test]
    fn a_request_takes_what_it_leaves_open_from_its_defaults() {
        let flags = SynthesisRequest {
            length_scale: Some(2.0),
            noise_w: Some(0.1),
            speaker: Some("1".into()),
            ..Default::default()
        };
        let line = SynthesisRequest {
            speed: Some(Speed::Slow),
            noise_scale: Some(0.0),
            ..Default::default()
        };
        let merged = line.or(&flags);
        assert_eq!(merged.speed, Some(Speed::Slow));
        assert_eq!(merged.length_scale, None, "the line's speed is its rate");
        assert_eq!(merged.noise_scale, Some(0.0));
        assert_eq!(merged.noise_w, Some(0.1));
        assert_eq!(merged.speaker.as_deref(), Some("1"));
        let plain = SynthesisRequest::default().or(&flags);
        assert_eq!(plain.length_scale, Some(2.0));
    }
}
