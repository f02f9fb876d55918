//! The synthesis pipeline every front end shares: text in, one audio chunk per
//! sentence out, produced lazily so the first sentence can play (or stream, or
//! be written) while the next is being synthesised.

use vtts_text::{self as text, Sentence};

use crate::audio;
use crate::error::Result;
use crate::request::Synthesis;
use crate::voice::Voice;

/// The most phonemes one model run gets at normal speed (length scale 1);
/// at other speeds the limit scales so that a run's audio stays as long,
/// about 7 seconds.
///
/// A model run holds the activations of all its audio at once, so peak
/// memory follows the longest run, not the length of the text. A longer
/// sentence is cut into pieces at clause or word breaks ([`text::pieces`]),
/// spoken one after the other without a pause. BENCHMARKS.md (Memory) has
/// the measurements behind the number.
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
    /// Samples per second.
    pub sample_rate: u32,
}

impl AudioChunk {
    /// Length of the audio.
    pub fn duration(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.samples.len() as f64 / f64::from(self.sample_rate))
    }
}

impl Voice {
    /// Speaks `text`: yields one [`AudioChunk`] per sentence (or piece of a
    /// long sentence), synthesising each only when it is asked for.
    pub fn synthesize(&self, text: &str, synthesis: &Synthesis) -> Chunks<'_> {
        Chunks {
            voice: self,
            synthesis: synthesis.clone(),
            sentences: text::sentences(text, &synthesis.reading).into_iter(),
            sentence: None,
        }
    }

    /// Runs the model on one piece of a sentence.
    fn synthesize_piece(
        &self,
        text: &str,
        phonemes: &str,
        ends_sentence: bool,
        synthesis: &Synthesis,
    ) -> Result<AudioChunk> {
        let ids = self.config().phoneme_id_map.sentence_ids(phonemes.chars());
        let raw = self.infer(&ids.ids, synthesis.scales, synthesis.speaker)?;
        Ok(AudioChunk {
            text: text.to_string(),
            ends_sentence,
            phonemes: phonemes.to_string(),
            ids: ids.ids,
            missing: ids.missing,
            samples: audio::to_pcm16(&raw),
            sample_rate: self.sample_rate(),
        })
    }
}

/// The lazy stream of sentence audio returned by [`Voice::synthesize`].
pub struct Chunks<'v> {
    voice: &'v Voice,
    synthesis: Synthesis,
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
                    &self.synthesis,
                ));
            }
            let scale = self.synthesis.scales.length_scale;
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
