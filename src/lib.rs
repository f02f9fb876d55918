//! vtts: Vietnamese text to speech with Piper voices.
//!
//! One pipeline, used by the command line and the server alike:
//! text → [`text`] (normalise, split into sentences, phonemise exactly as
//! piper-tts) → [`voice`] (phoneme ids, ONNX Runtime) → [`audio`] (16-bit
//! chunks, WAV). [`Voice::synthesize`] yields one [`AudioChunk`] per sentence,
//! lazily, so audio can be played or streamed while the rest is synthesised.
//!
//! ```
//! use vtts::{SynthesisOptions, Voice};
//!
//! # fn main() -> anyhow::Result<()> {
//! let voice = Voice::load("tests/voices/vi_VN-test-tiny.onnx".as_ref(), None)?;
//! let options = SynthesisOptions::for_voice(&voice);
//! for chunk in voice.synthesize("Xin chào các bạn. Hôm nay trời đẹp quá!", options) {
//!     let chunk = chunk?;
//!     println!("{}: {} samples at {} Hz", chunk.text, chunk.samples.len(), chunk.sample_rate);
//!     assert!(!chunk.samples.is_empty());
//! }
//! # Ok(())
//! # }
//! ```

pub mod audio;
pub mod dirs;
pub mod server;
pub mod synth;
pub mod text;
pub mod voice;
pub mod voices;

pub use synth::{AudioChunk, Chunks, SynthesisOptions};
pub use voice::{Scales, SpeakerId, Voice};
