//! WAV: the 44-byte header of 16-bit mono PCM, and its sink.
//!
//! A WAV written to a pipe or an HTTP response cannot go back and fill in its
//! sizes, so its header says "as long as the stream": both the RIFF and the
//! data size are 0xFFFFFFFF, which ffmpeg, sox, browsers and Python's `wave`
//! accept. Where the output can seek (a file, stdout redirected to one), the
//! header is written first with the unknown length, so that a reader
//! following the file sees a playable stream, and corrected at the end.

use super::AudioSink;
use super::output::Output;
use crate::error::{Error, IoContext, Result};

/// The size of the canonical PCM WAV header.
pub const HEADER_LEN: usize = 44;

/// The data size written when the length is not known in advance.
pub const UNKNOWN_LEN: u32 = u32::MAX;

/// A canonical 44-byte header for mono 16-bit PCM at `sample_rate`, holding
/// `data_len` bytes of samples, or an unknown amount when `data_len` is `None`.
pub fn header(sample_rate: u32, data_len: Option<u32>) -> [u8; HEADER_LEN] {
    const CHANNELS: u16 = 1;
    const BITS: u16 = 16;
    let block_align = CHANNELS * BITS / 8;
    let riff_len = data_len.map_or(UNKNOWN_LEN, |len| len.saturating_add(36));
    let data_len = data_len.unwrap_or(UNKNOWN_LEN);

    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&riff_len.to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&CHANNELS.to_le_bytes());
    h[24..28].copy_from_slice(&sample_rate.to_le_bytes());
    h[28..32].copy_from_slice(&(sample_rate * u32::from(block_align)).to_le_bytes());
    h[32..34].copy_from_slice(&block_align.to_le_bytes());
    h[34..36].copy_from_slice(&BITS.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_len.to_le_bytes());
    h
}

/// Little-endian bytes of 16-bit samples, as they go into a WAV or raw stream.
pub fn pcm_bytes(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// Writes a WAV: the header at once, samples as they come, exact sizes at
/// the end where the output can seek.
pub(crate) struct WavSink<'w> {
    out: Output<'w>,
    sample_rate: u32,
    data_len: u64,
}

impl<'w> WavSink<'w> {
    pub fn new(mut out: Output<'w>, sample_rate: u32) -> Result<Self> {
        out.send(&header(sample_rate, None), "writing the WAV header")?;
        Ok(Self {
            out,
            sample_rate,
            data_len: 0,
        })
    }
}

impl AudioSink for WavSink<'_> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        let bytes = pcm_bytes(samples);
        self.data_len += bytes.len() as u64;
        if self.data_len >= u64::from(UNKNOWN_LEN) - 36 {
            return Err(Error::TooLong(
                "the audio is too long for a WAV file (4 GiB); use --raw".to_string(),
            ));
        }
        self.out.send(&bytes, "writing WAV samples")
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        let sizes = header(self.sample_rate, Some(self.data_len as u32));
        self.out
            .patch(0, &sizes)
            .context(|| "completing the WAV header".to_string())?;
        self.out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{Format, Target};
    use std::path::Path;

    fn read_wav(path: &Path) -> (hound::WavSpec, Vec<i16>) {
        let reader = hound::WavReader::open(path).unwrap();
        let spec = reader.spec();
        (spec, reader.into_samples().map(Result::unwrap).collect())
    }

    #[test]
    fn a_header_with_known_length_reads_back_with_hound() {
        let samples = [1i16, -2, 3];
        let mut bytes = header(22050, Some(6)).to_vec();
        bytes.extend(pcm_bytes(&samples));
        let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).unwrap();
        let spec = reader.spec();
        assert_eq!(
            (spec.channels, spec.sample_rate, spec.bits_per_sample),
            (1, 22050, 16)
        );
        let read: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
        assert_eq!(read, samples);
    }

    #[test]
    fn a_streaming_header_says_the_length_is_unknown() {
        let h = header(16000, None);
        assert_eq!(&h[4..8], &[0xff; 4]);
        assert_eq!(&h[40..44], &[0xff; 4]);
        assert_eq!(u32::from_le_bytes(h[24..28].try_into().unwrap()), 16000);
    }

    #[test]
    fn a_wav_file_appears_complete_after_finish() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        let mut sink = Format::Wav.sink(Target::File(path.clone()), 16000).unwrap();
        sink.write(&[1, 2, 3]).unwrap();
        assert!(
            !path.exists(),
            "the destination must not exist before finish"
        );
        sink.write(&[4]).unwrap();
        sink.finish().unwrap();
        let (spec, samples) = read_wav(&path);
        assert_eq!(spec.sample_rate, 16000);
        assert_eq!(samples, vec![1, 2, 3, 4]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_unfinished_wav_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        let mut sink = Format::Wav.sink(Target::File(path), 16000).unwrap();
        sink.write(&[1, 2, 3]).unwrap();
        drop(sink);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_seekable_output_gets_exact_sizes_from_where_it_started() {
        let mut buffer = std::io::Cursor::new(b"prefix".to_vec());
        buffer.set_position(6);
        let mut sink = Format::Wav
            .sink(Target::Seekable(Box::new(&mut buffer)), 8000)
            .unwrap();
        sink.write(&[7, -7]).unwrap();
        sink.finish().unwrap();
        let bytes = buffer.into_inner();
        assert_eq!(&bytes[..6], b"prefix");
        assert_eq!(&bytes[6..6 + HEADER_LEN], &header(8000, Some(4)));
    }

    #[test]
    fn a_wav_stream_starts_with_a_header_and_passes_samples_on() {
        let mut bytes = Vec::new();
        let mut sink = Format::Wav
            .sink(Target::Stream(Box::new(&mut bytes)), 22050)
            .unwrap();
        sink.write(&[1, -1]).unwrap();
        sink.finish().unwrap();
        assert_eq!(&bytes[..HEADER_LEN], &header(22050, None));
        assert_eq!(&bytes[HEADER_LEN..], &[1, 0, 0xff, 0xff]);
    }
}
