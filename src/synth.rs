//! The synthesis pipeline every front end shares: text in, one audio chunk per
//! sentence out, produced lazily so the first sentence can play (or stream, or
//! be written) while the next is being synthesised.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::audio::{self, AudioSink};
use crate::text::{self, Dialect, Sentence};
use crate::voice::{Scales, SpeakerId, Voice};

/// Seconds of silence between sentences unless asked otherwise, as piper-tts.
pub const DEFAULT_SENTENCE_SILENCE: f32 = 0.2;

/// The speaking rates of the original vtts service, as Piper length scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Speed {
    #[value(name = "very_slow", alias = "very-slow")]
    VerySlow,
    Slow,
    #[default]
    Normal,
    Fast,
    #[value(name = "very_fast", alias = "very-fast")]
    VeryFast,
}

impl Speed {
    pub const ALL: [Speed; 5] = [
        Speed::VerySlow,
        Speed::Slow,
        Speed::Normal,
        Speed::Fast,
        Speed::VeryFast,
    ];

    pub fn length_scale(self) -> f32 {
        match self {
            Speed::VerySlow => 1.5,
            Speed::Slow => 1.2,
            Speed::Normal => 1.0,
            Speed::Fast => 0.6,
            Speed::VeryFast => 0.4,
        }
    }

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

/// How to speak: the model's scales and, for multi-speaker voices, who speaks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthesisOptions {
    pub scales: Scales,
    pub speaker: SpeakerId,
    /// How numbers and other written forms are read.
    pub dialect: Dialect,
}

impl SynthesisOptions {
    /// The voice's own recommended settings, first speaker.
    pub fn for_voice(voice: &Voice) -> Self {
        Self {
            scales: voice.config().inference.into(),
            speaker: SpeakerId::default(),
            dialect: Dialect::default(),
        }
    }
}

/// The most phonemes one model run gets at normal speed (length scale 1);
/// at other speeds the limit scales so that a run's audio stays as long,
/// about 7 seconds.
///
/// A model run holds the activations of all its audio at once, so peak
/// memory follows the longest run, not the length of the text: on a medium
/// voice 240 MB for an 88-phoneme sentence, 455 MB for a 241-phoneme one.
/// A longer sentence is cut into pieces at clause or word breaks
/// ([`text::pieces`]), spoken one after the other without a pause. 120 keeps
/// a long text within 100 MB of a one-sentence run and left 87 % of the
/// sentences of the benchmark's mixed text whole (BENCHMARKS.md, Memory).
pub const MAX_PHONEMES_PER_RUN: f32 = 120.0;

/// A sentence's phonemes cut into the pieces the model runs on one by one at
/// `length_scale` (one piece when the sentence fits in a run).
pub fn runs(phonemes: &str, length_scale: f32) -> Vec<&str> {
    let max = if length_scale > 0.0 {
        MAX_PHONEMES_PER_RUN / length_scale
    } else {
        MAX_PHONEMES_PER_RUN
    };
    text::pieces(phonemes, max.clamp(16.0, 1e6) as usize)
}

/// The audio of one sentence, or of one piece of a sentence too long for a
/// single model run ([`MAX_PHONEMES_PER_RUN`]).
#[derive(Debug, Clone)]
pub struct AudioChunk {
    /// The sentence as written.
    pub text: String,
    /// False for a piece that the rest of its sentence follows: no pause
    /// goes after it.
    pub ends_sentence: bool,
    /// Its phonemes, one codepoint each.
    pub phonemes: String,
    /// The ids the model read.
    pub ids: Vec<i64>,
    /// Phonemes left out because the voice has no id for them.
    pub missing: Vec<char>,
    /// 16-bit mono samples at `sample_rate`, peak-normalised.
    pub samples: Vec<i16>,
    pub sample_rate: u32,
    /// Time spent in the model for this sentence.
    pub inference_time: Duration,
}

impl AudioChunk {
    /// Length of the audio.
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.samples.len() as f64 / f64::from(self.sample_rate))
    }
}

impl Voice {
    /// Speaks `text`: yields one [`AudioChunk`] per sentence (or piece of a
    /// long sentence), synthesising each only when it is asked for.
    pub fn synthesize(&self, text: &str, options: SynthesisOptions) -> Chunks<'_> {
        Chunks {
            voice: self,
            options,
            sentences: text::sentences(text, options.dialect).into_iter(),
            sentence: None,
        }
    }

    /// Runs the model on one piece of a sentence.
    fn synthesize_piece(
        &self,
        text: &str,
        phonemes: &str,
        ends_sentence: bool,
        options: SynthesisOptions,
    ) -> Result<AudioChunk> {
        let ids = self.config().phoneme_id_map.sentence_ids(phonemes.chars());
        let started = Instant::now();
        let raw = self.infer(&ids.ids, options.scales, options.speaker)?;
        Ok(AudioChunk {
            text: text.to_string(),
            ends_sentence,
            phonemes: phonemes.to_string(),
            ids: ids.ids,
            missing: ids.missing,
            samples: audio::to_pcm16(&raw),
            sample_rate: self.sample_rate(),
            inference_time: started.elapsed(),
        })
    }
}

/// The lazy stream of sentence audio returned by [`Voice::synthesize`].
pub struct Chunks<'v> {
    voice: &'v Voice,
    options: SynthesisOptions,
    sentences: std::vec::IntoIter<Sentence>,
    /// The sentence being spoken and its pieces still to run.
    sentence: Option<(String, std::vec::IntoIter<String>)>,
}

impl Chunks<'_> {
    /// Sentences not yet started (some may turn out to have nothing to say).
    pub fn remaining(&self) -> usize {
        self.sentences.len()
    }
}

impl Iterator for Chunks<'_> {
    type Item = Result<AudioChunk>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((text, pieces)) = &mut self.sentence
                && let Some(phonemes) = pieces.next()
            {
                let ends_sentence = pieces.len() == 0;
                return Some(self.voice.synthesize_piece(
                    text,
                    &phonemes,
                    ends_sentence,
                    self.options,
                ));
            }
            let scale = self.options.scales.length_scale;
            let sentence = text::phonemize_sentence(&self.sentences.next()?);
            self.sentence = sentence.map(|sentence| {
                let pieces: Vec<String> = runs(&sentence.phonemes, scale)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                (sentence.text, pieces.into_iter())
            });
        }
    }
}

/// What was written by [`write_chunks`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Written {
    pub sentences: usize,
    pub samples: usize,
}

/// Writes chunks to a sink in order, with `silence` samples between sentences
/// (not between the pieces of one), calling `each` after every chunk (for
/// progress and warnings).
pub fn write_chunks(
    chunks: impl IntoIterator<Item = Result<AudioChunk>>,
    sink: &mut dyn AudioSink,
    silence: usize,
    written: &mut Written,
    mut each: impl FnMut(&AudioChunk),
) -> Result<()> {
    let gap = vec![0i16; silence];
    let mut after_sentence = written.sentences > 0;
    for chunk in chunks {
        let chunk = chunk?;
        if after_sentence && silence > 0 {
            sink.write(&gap)?;
            written.samples += silence;
        }
        sink.write(&chunk.samples)?;
        after_sentence = chunk.ends_sentence;
        written.sentences += usize::from(chunk.ends_sentence);
        written.samples += chunk.samples.len();
        each(&chunk);
    }
    Ok(())
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
}
