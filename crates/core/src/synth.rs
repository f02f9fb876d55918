//! The synthesis pipeline every front end shares: text in, one audio chunk per
//! sentence out, produced lazily so the first sentence can play (or stream, or
//! be written) while the next is being synthesised.

use vtts_text::{self as text, Sentence};

use crate::audio::{self, StreamGain};
use crate::error::Result;
use crate::request::{Delivery, Synthesis};
use crate::voice::{Decoding, Schedule, Voice};

/// The most phonemes one run of a voice that runs whole gets at normal
/// speed (length scale 1); at other speeds the limit scales so that a run's
/// audio stays as long, about 7 seconds.
///
/// A whole run holds the activations of all its audio at once, so peak
/// memory follows the longest run, not the length of the text. A longer
/// sentence is cut into pieces at clause or word breaks ([`text::pieces`]),
/// spoken one after the other without a pause. BENCHMARKS.md (Memory) has
/// the measurements behind the number.
pub const MAX_PHONEMES_PER_RUN: f32 = 120.0;

/// The same for a voice decoded in windows, whose decoder's tail holds one
/// window at a time and its flow and head at most 1.5 × `AHEAD` frames
/// (`voice/windows.rs`): only the encoder's activations grow with the sentence. About
/// 1,000 ids and 30 s of speech; the longest sentence of the benchmark's
/// 50 KB of mixed text has 241 phonemes. It bounds the memory and the time
/// of a sentence written without any full stop.
pub const MAX_PHONEMES_PER_WINDOWED_RUN: f32 = 500.0;

/// A sentence's phonemes cut into the pieces the model runs on one by one at
/// `length_scale` (one piece when the sentence fits in a run), for a voice
/// `windowed` or run whole.
pub fn runs(phonemes: &str, length_scale: f32, windowed: bool) -> Vec<&str> {
    let limit = match windowed {
        true => MAX_PHONEMES_PER_WINDOWED_RUN,
        false => MAX_PHONEMES_PER_RUN,
    };
    let max = if length_scale > 0.0 {
        limit / length_scale
    } else {
        limit
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
    /// Samples of the same sentence still to come in later chunks, when
    /// it is handed out window by window ([`crate::Delivery::Windows`]):
    /// a limit on the length of the audio can refuse a sentence before
    /// its first window goes out.
    pub coming: usize,
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
    /// Speaks `text`: yields the audio of each sentence lazily, synthesising
    /// only when asked. With [`Delivery::Sentences`] that is one
    /// [`AudioChunk`] per sentence (or piece of a long sentence of a voice
    /// that runs whole); with [`Delivery::Windows`] one per decoded window.
    pub fn synthesize(&self, text: &str, synthesis: &Synthesis) -> Chunks<'_> {
        Chunks {
            voice: self,
            synthesis: synthesis.clone(),
            sentences: text::sentences(text, &synthesis.reading).into_iter(),
            sentence: None,
        }
    }
}

/// The lazy stream of sentence audio returned by [`Voice::synthesize`].
pub struct Chunks<'v> {
    voice: &'v Voice,
    synthesis: Synthesis,
    sentences: std::vec::IntoIter<Sentence>,
    /// The sentence being spoken.
    sentence: Option<Speaking<'v>>,
}

/// A sentence being spoken: its pieces still to run (one for a windowed
/// voice) and the one being decoded.
struct Speaking<'v> {
    text: String,
    pieces: std::vec::IntoIter<String>,
    piece: Option<Piece<'v>>,
}

struct Piece<'v> {
    phonemes: String,
    ids: Vec<i64>,
    missing: Vec<char>,
    decoding: Decoding<'v>,
    gain: StreamGain,
}

impl Chunks<'_> {
    /// Sentences not yet started (some may turn out to have nothing to say).
    pub fn remaining(&self) -> usize {
        self.sentences.len()
    }
}

impl<'v> Iterator for Chunks<'v> {
    type Item = Result<AudioChunk>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(speaking) = &mut self.sentence {
                if let Some(piece) = &mut speaking.piece {
                    let raw = match self.synthesis.delivery {
                        Delivery::Sentences => piece
                            .decoding
                            .by_ref()
                            .collect::<Result<Vec<_>>>()
                            .map(|w| w.concat()),
                        Delivery::Windows => match piece.decoding.next() {
                            Some(window) => window,
                            None => Ok(Vec::new()),
                        },
                    };
                    let raw = match raw {
                        Ok(raw) => raw,
                        Err(e) => {
                            self.sentence = None;
                            return Some(Err(e));
                        }
                    };
                    // A voice that runs whole has its sentence at once.
                    let samples = match self.synthesis.delivery {
                        Delivery::Windows if self.voice.is_windowed() => piece.gain.apply(&raw),
                        _ => audio::to_pcm16(&raw),
                    };
                    let piece_done = piece.decoding.is_done();
                    let chunk = AudioChunk {
                        text: speaking.text.clone(),
                        ends_sentence: piece_done && speaking.pieces.len() == 0,
                        phonemes: std::mem::take(&mut piece.phonemes),
                        ids: std::mem::take(&mut piece.ids),
                        missing: std::mem::take(&mut piece.missing),
                        samples,
                        coming: piece.decoding.samples_left(),
                        sample_rate: self.voice.sample_rate(),
                    };
                    if piece_done {
                        speaking.piece = None;
                    }
                    return Some(Ok(chunk));
                }
                if let Some(phonemes) = speaking.pieces.next() {
                    let ids = self
                        .voice
                        .config()
                        .phoneme_id_map
                        .sentence_ids(phonemes.chars());
                    let scales = self.synthesis.scales;
                    let schedule = match self.synthesis.delivery {
                        Delivery::Windows => Schedule::Early,
                        Delivery::Sentences => Schedule::Whole,
                    };
                    let speaker = self.synthesis.speaker;
                    match self.voice.decode(&ids.ids, scales, speaker, schedule) {
                        Ok(decoding) => {
                            speaking.piece = Some(Piece {
                                phonemes,
                                ids: ids.ids,
                                missing: ids.missing,
                                decoding,
                                gain: StreamGain::default(),
                            });
                        }
                        Err(e) => {
                            self.sentence = None;
                            return Some(Err(e));
                        }
                    }
                    continue;
                }
            }
            let sentence = text::phonemize_sentence(&self.sentences.next()?);
            self.sentence = sentence.map(|sentence| {
                let scale = self.synthesis.scales.length_scale;
                let pieces: Vec<String> = runs(&sentence.phonemes, scale, self.voice.is_windowed())
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                Speaking {
                    text: sentence.text,
                    pieces: pieces.into_iter(),
                    piece: None,
                }
            });
        }
    }
}
