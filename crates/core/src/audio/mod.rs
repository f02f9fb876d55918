//! Audio as vtts hands it out: 16-bit mono PCM chunks, the [`Format`]s they
//! are encoded in, and the [`AudioSink`]s they go to. A sink for a format
//! comes from one factory, [`Format::sink`]; a new format is one new file
//! beside `wav.rs`, `raw.rs`, `mp3.rs`, `opus.rs` and `flac.rs`.

mod flac;
mod format;
mod mp3;
mod ogg;
mod opus;
mod output;
pub mod play;
mod raw;
pub mod resample;
pub mod wav;

pub use format::Format;
pub use output::{Target, WriteSeek};
pub use play::PlaybackSink;

use crate::error::Result;

/// Receives audio one chunk at a time, as it is synthesised.
pub trait AudioSink {
    /// Appends samples. Streaming sinks pass them on before returning, as
    /// far as their format allows.
    fn write(&mut self, samples: &[i16]) -> Result<()>;
    /// Marks the end of a sentence: a format that holds audio back (in an
    /// MP3 frame, an Ogg page) passes on what it can without a gap.
    fn end_sentence(&mut self) -> Result<()> {
        Ok(())
    }
    /// Completes the output (WAV sizes, renaming a file into place).
    fn finish(self: Box<Self>) -> Result<()>;
}

/// Converts a sentence of model output to 16-bit PCM as piper-tts does: scale
/// so the loudest sample is at full scale (silence stays silence), then
/// truncate `x * 32767` toward zero.
pub fn to_pcm16(samples: &[f32]) -> Vec<i16> {
    let peak = samples
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0f32, |peak, x| peak.max(x.abs()));
    if peak < 1e-8 {
        return vec![0; samples.len()];
    }
    samples
        .iter()
        .map(|&x| {
            let x = if x.is_finite() { x / peak } else { 0.0 };
            // `as` truncates toward zero and saturates, like numpy's astype after clip.
            (x.clamp(-1.0, 1.0) * 32767.0) as i16
        })
        .collect()
}

/// Loudness for audio that leaves before its sentence has ended, where the
/// sentence's peak, which piper-tts scales to full scale, is not known yet.
///
/// The scale is set by the first window with sound: its peak goes to
/// [`StreamGain::HEADROOM`] of full scale, which leaves room for a louder
/// part later (on Piper voices the first windows hold 70 to 96 % of the
/// sentence's peak). A later window that would clip lowers the scale from
/// itself on (its peak to full scale), and the scale never rises again
/// within the sentence. So nothing clips, and a sentence is at most
/// 1/HEADROOM quieter than piper-tts makes it (BENCHMARKS.md, Loudness).
#[derive(Debug, Default, Clone)]
pub struct StreamGain {
    scale: Option<f32>,
}

impl StreamGain {
    /// Where the first window's peak goes, as a share of full scale.
    pub const HEADROOM: f32 = 0.8;
    /// A first window quieter than this (raw model output, whose full scale
    /// is 1) is scaled as if its peak were this: at most 18 dB of gain.
    pub const QUIETEST_FIRST_PEAK: f32 = 0.1;

    /// One window of raw model output as 16-bit PCM.
    pub fn apply(&mut self, samples: &[f32]) -> Vec<i16> {
        let peak = samples
            .iter()
            .filter(|x| x.is_finite())
            .fold(0.0f32, |peak, x| peak.max(x.abs()));
        let scale = match self.scale {
            Some(scale) if peak * scale > 1.0 => 1.0 / peak,
            Some(scale) => scale,
            None if peak < 1e-8 => return vec![0; samples.len()],
            // A near-silent lead-in is not raised to the level of speech.
            None => Self::HEADROOM / peak.max(Self::QUIETEST_FIRST_PEAK),
        };
        self.scale = Some(scale);
        samples
            .iter()
            .map(|&x| {
                let x = if x.is_finite() { x * scale } else { 0.0 };
                (x.clamp(-1.0, 1.0) * 32767.0) as i16
            })
            .collect()
    }
}

/// The number of samples in `seconds` of audio at `sample_rate`, whole samples only.
pub fn samples_in(seconds: f32, sample_rate: u32) -> usize {
    (f64::from(seconds) * f64::from(sample_rate)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_becomes_full_scale() {
        assert_eq!(to_pcm16(&[0.25, -0.5, 0.125]), vec![16383, -32767, 8191]);
    }

    #[test]
    fn silence_stays_silence() {
        assert_eq!(to_pcm16(&[0.0, 1e-9, -1e-9]), vec![0, 0, 0]);
    }

    #[test]
    fn values_truncate_toward_zero() {
        // 0.3 * 32767 = 9830.1 and -0.3 * 32767 = -9830.1
        assert_eq!(to_pcm16(&[1.0, 0.3, -0.3]), vec![32767, 9830, -9830]);
    }

    #[test]
    fn non_finite_samples_do_not_spread() {
        assert_eq!(to_pcm16(&[f32::NAN, 0.5, f32::INFINITY]), vec![0, 32767, 0]);
    }

    #[test]
    fn a_stream_is_scaled_by_its_first_window_and_never_clips() {
        let mut gain = StreamGain::default();
        assert_eq!(
            gain.apply(&[0.0, 1e-9]),
            vec![0, 0],
            "silence sets no scale"
        );
        // The first window's peak goes to 0.8 of full scale.
        assert_eq!(gain.apply(&[0.5, -0.25]), vec![26213, -13106]);
        // A louder window lowers the scale: its peak is full scale...
        assert_eq!(gain.apply(&[1.0, 0.5]), vec![32767, 16383]);
        // ...and so is every later window's at that scale.
        assert_eq!(gain.apply(&[0.5]), vec![16383]);
        assert_eq!(gain.apply(&[f32::NAN, 0.25]), vec![0, 8191]);
        // A quiet lead-in gets at most 8 times (0.8 / 0.1).
        let mut gain = StreamGain::default();
        assert_eq!(gain.apply(&[0.005]), vec![1310]);
        assert_eq!(gain.apply(&[0.1]), vec![26213]);
    }

    #[test]
    fn silence_length_is_whole_samples() {
        assert_eq!(samples_in(0.2, 22050), 4410);
        assert_eq!(samples_in(0.0, 16000), 0);
    }
}
