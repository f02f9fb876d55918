//! The formats audio is written in, and the one factory of their sinks.

use std::path::Path;

use super::AudioSink;
use super::flac::FlacSink;
use super::mp3::Mp3Sink;
use super::opus::OpusSink;
use super::output::{Output, Target};
use super::raw::RawSink;
use super::resample::{self, Resampler};
use super::wav::WavSink;
use crate::error::Result;

/// An encoding of mono audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// RIFF WAV, 16-bit PCM: exact sizes where the output can seek, "as long
    /// as the stream" where it cannot.
    Wav,
    /// Raw 16-bit little-endian samples, no header.
    Pcm,
    /// MPEG-1/2 Layer III, constant bit rate (LAME).
    Mp3,
    /// Opus in an Ogg stream (RFC 7845).
    Opus,
    /// FLAC, lossless.
    Flac,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 5] = [
        Format::Wav,
        Format::Pcm,
        Format::Mp3,
        Format::Opus,
        Format::Flac,
    ];

    /// The name requests and flags use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Wav => "wav",
            Format::Pcm => "pcm",
            Format::Mp3 => "mp3",
            Format::Opus => "opus",
            Format::Flac => "flac",
        }
    }

    /// The file name extension of this format.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The names, comma-separated, for messages.
    pub fn names() -> String {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        names.join(", ")
    }

    /// The format a file name's extension asks for: `None` without an
    /// extension, `Some(Err)` with one vtts does not write.
    pub fn from_path(path: &Path) -> Option<Result<Format, String>> {
        let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
        Some(match extension.as_str() {
            "raw" => Ok(Format::Pcm),
            "ogg" | "oga" => Ok(Format::Opus),
            other => Format::ALL
                .into_iter()
                .find(|f| f.extension() == other)
                .ok_or_else(|| {
                    format!(
                        "vtts cannot write .{other} files: use .wav, .pcm (or .raw), .mp3, .opus (or .ogg) or .flac, or choose with --format"
                    )
                }),
        })
    }

    /// The HTTP `Content-Type` of audio at `sample_rate` in this format.
    pub fn content_type(self, sample_rate: u32) -> String {
        match self {
            Format::Wav => "audio/wav".to_string(),
            Format::Pcm => format!("audio/pcm; rate={sample_rate}; channels=1"),
            Format::Mp3 => "audio/mpeg".to_string(),
            Format::Opus => "audio/ogg; codecs=opus".to_string(),
            Format::Flac => "audio/flac".to_string(),
        }
    }

    /// The rate this format is written at for audio at `sample_rate`: the
    /// same, except where the codec cannot take it (Opus codes 8, 12, 16, 24
    /// and 48 kHz only, so a 22,050 Hz voice becomes 24 kHz).
    pub fn output_rate(self, sample_rate: u32) -> u32 {
        match self {
            Format::Opus if ![8000, 12000, 16000, 24000, 48000].contains(&sample_rate) => {
                if sample_rate <= 24000 {
                    24000
                } else {
                    48000
                }
            }
            _ => sample_rate,
        }
    }

    /// A sink writing this format to `target`, for audio at `sample_rate`,
    /// at the rate [`Format::output_rate`] gives. A file target is created
    /// now, so a bad path fails before any synthesis.
    pub fn sink<'w>(self, target: Target<'w>, sample_rate: u32) -> Result<Box<dyn AudioSink + 'w>> {
        self.sink_at(target, sample_rate, self.output_rate(sample_rate))
    }

    /// A sink for audio at `sample_rate` that writes it at `output_rate`,
    /// resampled on the way when the two differ.
    pub fn sink_at<'w>(
        self,
        target: Target<'w>,
        sample_rate: u32,
        output_rate: u32,
    ) -> Result<Box<dyn AudioSink + 'w>> {
        let out = Output::open(target)?;
        let encoder: Box<dyn AudioSink + 'w> = match self {
            Format::Wav => Box::new(WavSink::new(out, output_rate)?),
            Format::Pcm => Box::new(RawSink::new(out)),
            Format::Mp3 => Box::new(Mp3Sink::new(out, output_rate)?),
            Format::Opus => Box::new(OpusSink::new(out, output_rate)?),
            Format::Flac => Box::new(FlacSink::new(out, output_rate)?),
        };
        Ok(if sample_rate == output_rate {
            encoder
        } else {
            Box::new(Resampled {
                inner: encoder,
                resampler: Resampler::new(sample_rate, output_rate),
                buffer: Vec::new(),
            })
        })
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        match wanted.as_str() {
            "raw" => Ok(Format::Pcm),
            "ogg" => Ok(Format::Opus),
            _ => Format::ALL
                .into_iter()
                .find(|f| f.name() == wanted)
                .ok_or_else(|| format!("unknown format {s:?}: use one of {}", Format::names())),
        }
    }
}

/// A sink fed at another rate than its own.
struct Resampled<'w> {
    inner: Box<dyn AudioSink + 'w>,
    resampler: Resampler,
    buffer: Vec<f32>,
}

impl Resampled<'_> {
    fn pass_on(&mut self) -> Result<()> {
        let samples = resample::to_i16(&self.buffer);
        self.buffer.clear();
        self.inner.write(&samples)
    }
}

impl AudioSink for Resampled<'_> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        let input: Vec<f32> = resample::to_f32(samples).collect();
        self.resampler.push(&input, &mut self.buffer);
        self.pass_on()
    }

    fn end_sentence(&mut self) -> Result<()> {
        self.inner.end_sentence()
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.resampler.finish(&mut self.buffer);
        self.pass_on()?;
        self.inner.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_and_found_by_extension() {
        assert_eq!("WAV".parse::<Format>(), Ok(Format::Wav));
        assert_eq!("raw".parse::<Format>(), Ok(Format::Pcm));
        assert_eq!("ogg".parse::<Format>(), Ok(Format::Opus));
        assert!(
            "aac"
                .parse::<Format>()
                .unwrap_err()
                .contains("wav, pcm, mp3, opus, flac")
        );
        let found = |p: &str| Format::from_path(Path::new(p));
        assert_eq!(found("a/b.Wav"), Some(Ok(Format::Wav)));
        assert_eq!(found("b.pcm"), Some(Ok(Format::Pcm)));
        assert_eq!(found("b.mp3"), Some(Ok(Format::Mp3)));
        assert_eq!(found("b.ogg"), Some(Ok(Format::Opus)));
        assert_eq!(found("b.flac"), Some(Ok(Format::Flac)));
        assert!(found("b.txt").unwrap().unwrap_err().contains(".mp3"));
        assert_eq!(found("b"), None);
    }

    #[test]
    fn opus_gets_a_rate_it_can_code() {
        assert_eq!(Format::Opus.output_rate(22050), 24000);
        assert_eq!(Format::Opus.output_rate(16000), 16000);
        assert_eq!(Format::Opus.output_rate(44100), 48000);
        assert_eq!(Format::Mp3.output_rate(22050), 22050);
    }

    #[test]
    fn raw_output_is_little_endian_samples_only() {
        let mut bytes = Vec::new();
        let mut sink = Format::Pcm
            .sink(Target::Stream(Box::new(&mut bytes)), 16000)
            .unwrap();
        sink.write(&[0x0102, -2]).unwrap();
        sink.finish().unwrap();
        assert_eq!(bytes, vec![2, 1, 0xfe, 0xff]);
    }

    #[test]
    fn a_sink_at_another_rate_resamples_to_the_exact_length() {
        let mut bytes = Vec::new();
        let mut sink = Format::Pcm
            .sink_at(Target::Stream(Box::new(&mut bytes)), 22050, 24000)
            .unwrap();
        sink.write(&vec![1000; 22050]).unwrap();
        sink.finish().unwrap();
        assert_eq!(bytes.len(), 24000 * 2);
        let middle = i16::from_le_bytes([bytes[24000], bytes[24001]]);
        assert!((middle - 1000).abs() <= 1, "{middle}");
    }
}
