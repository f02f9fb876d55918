//! vtts-core: Vietnamese speech from Piper voices on ONNX Runtime.
//!
//! One pipeline, used by every front end of vtts: a [`SynthesisRequest`]
//! (what the caller asked for) is resolved against a [`Voice`] into a
//! [`Synthesis`]; [`Voice::synthesize`] reads the text with [`vtts_text`]
//! and yields one [`AudioChunk`] per sentence, lazily; a [`Recorder`] writes
//! the chunks to an [`audio::AudioSink`] made by [`Format::sink`], with the
//! pauses between sentences.
//!
//! ```
//! use vtts_core::{Format, Recorder, SynthesisRequest, Target, Voice};
//!
//! # fn main() -> vtts_core::Result<()> {
//! let voice = Voice::load("../../tests/voices/vi_VN-test-tiny.onnx".as_ref(), None)?;
//! let synthesis = SynthesisRequest::default().resolve(&voice)?;
//! let mut wav = Vec::new();
//! let sink = Format::Wav.sink(Target::Stream(Box::new(&mut wav)), voice.sample_rate())?;
//! let mut recorder = Recorder::new(sink, synthesis.sentence_silence, voice.sample_rate());
//! recorder.record(voice.synthesize("Xin chào các bạn. Hôm nay trời đẹp quá!", &synthesis), |chunk| {
//!     println!("{}: {} samples", chunk.text, chunk.samples.len());
//! })?;
//! assert_eq!(recorder.finish()?.sentences, 2);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod audio;
pub mod error;
pub mod fs;
pub mod record;
pub mod request;
pub mod synth;
pub mod voice;
pub mod voices;

pub use audio::{Format, Target};
pub use error::{Error, Result};
pub use record::{Recorded, Recorder};
pub use request::{Delivery, Speed, Synthesis, SynthesisRequest};
pub use synth::{AudioChunk, Chunks};
pub use voice::{Identity, Parallelism, Scales, SpeakerId, Voice};
