//! The formats audio is written in, and the one factory of their sinks.

use std::path::Path;

use super::AudioSink;
use super::output::{Output, Target};
use super::raw::RawSink;
use super::wav::WavSink;
use crate::error::Result;

/// An encoding of 16-bit mono audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// RIFF WAV, 16-bit PCM: exact sizes where the output can seek, "as long
    /// as the stream" where it cannot.
    Wav,
    /// Raw 16-bit little-endian samples, no header.
    Pcm,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 2] = [Format::Wav, Format::Pcm];

    /// The name requests and flags use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Wav => "wav",
            Format::Pcm => "pcm",
        }
    }

    /// The file name extension of this format.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The format a file name's extension asks for, if vtts writes it.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "raw" => Some(Format::Pcm),
            other => Format::ALL.into_iter().find(|f| f.extension() == other),
        }
    }

    /// The HTTP `Content-Type` of audio at `sample_rate` in this format.
    pub fn content_type(self, sample_rate: u32) -> String {
        match self {
            Format::Wav => "audio/wav".to_string(),
            Format::Pcm => format!("audio/L16; rate={sample_rate}; channels=1"),
        }
    }

    /// A sink writing this format to `target` at `sample_rate`. A file
    /// target is created now, so a bad path fails before any synthesis.
    pub fn sink<'w>(self, target: Target<'w>, sample_rate: u32) -> Result<Box<dyn AudioSink + 'w>> {
        let out = Output::open(target)?;
        Ok(match self {
            Format::Wav => Box::new(WavSink::new(out, sample_rate)?),
            Format::Pcm => Box::new(RawSink::new(out)),
        })
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        match wanted.as_str() {
            "raw" => Ok(Format::Pcm),
            _ => Format::ALL
                .into_iter()
                .find(|f| f.name() == wanted)
                .ok_or_else(|| {
                    let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                    format!("unknown format {s:?}: use one of {}", names.join(", "))
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_and_found_by_extension() {
        assert_eq!("WAV".parse::<Format>(), Ok(Format::Wav));
        assert_eq!("raw".parse::<Format>(), Ok(Format::Pcm));
        assert!("ogg".parse::<Format>().unwrap_err().contains("wav, pcm"));
        assert_eq!(Format::from_path(Path::new("a/b.Wav")), Some(Format::Wav));
        assert_eq!(Format::from_path(Path::new("b.pcm")), Some(Format::Pcm));
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
        assert_eq!(Format::from_path(Path::new("b")), None);
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
}
