//! MP3: mono, constant bit rate, by LAME (the `mp3lame-encoder` crate, which
//! builds LAME 3.100 from its bundled sources).
//!
//! Each sentence goes out as soon as it is encoded: at its end the frames
//! in progress are flushed "without a gap" (`lame_encode_flush_nogap`), so
//! the MP3 of a stream is the MP3 of its sentences one after the other,
//! playable as it arrives. No tag frame is written, so two files joined
//! together are still one valid stream of frames.

use mp3lame_encoder::{Bitrate, Builder, Encoder, FlushGap, FlushNoGap, Mode, MonoPcm, Quality};

use super::AudioSink;
use super::output::Output;
use crate::error::{Error, Result};

pub(crate) struct Mp3Sink<'w> {
    out: Output<'w>,
    encoder: Encoder,
    buffer: Vec<u8>,
}

/// LAME's speed against care, 0 (best) to 9: 7 encodes twice as fast as the
/// default 5, which matters beside synthesis that runs 40 times faster than
/// real time (BENCHMARKS.md, Formats); at a fixed bit rate the difference
/// in quality is small for speech.
const QUALITY: Quality = Quality::Ok;

/// The bit rate for speech at `sample_rate`: about 6 kB a second at the
/// usual 22,050 Hz of Piper voices.
fn bitrate(sample_rate: u32) -> Bitrate {
    match sample_rate {
        0..=16000 => Bitrate::Kbps32,
        16001..=24000 => Bitrate::Kbps48,
        _ => Bitrate::Kbps64,
    }
}

fn failed(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Encoder(format!("MP3 {what}: {error}"))
}

impl<'w> Mp3Sink<'w> {
    pub fn new(out: Output<'w>, sample_rate: u32) -> Result<Self> {
        let builder = Builder::new().ok_or_else(|| failed("encoder", "LAME did not start"))?;
        let encoder = builder
            .with_num_channels(1)
            .and_then(|b| b.with_sample_rate(sample_rate))
            .and_then(|b| b.with_brate(bitrate(sample_rate)))
            .and_then(|b| b.with_mode(Mode::Mono))
            .and_then(|b| b.with_quality(QUALITY))
            .and_then(|b| b.with_to_write_vbr_tag(false))
            .and_then(Builder::build)
            .map_err(|e| failed(&format!("encoder at {sample_rate} Hz"), e))?;
        Ok(Self {
            out,
            encoder,
            buffer: Vec::new(),
        })
    }

    fn send(&mut self) -> Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let sent = self.out.send(&self.buffer, "writing MP3 frames");
        self.buffer.clear();
        sent
    }
}

impl AudioSink for Mp3Sink<'_> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        self.buffer
            .reserve(mp3lame_encoder::max_required_buffer_size(samples.len()));
        self.encoder
            .encode_to_vec(MonoPcm(samples), &mut self.buffer)
            .map_err(|e| failed("encoding", e))?;
        self.send()
    }

    fn end_sentence(&mut self) -> Result<()> {
        self.buffer.reserve(7200);
        self.encoder
            .flush_to_vec::<FlushNoGap>(&mut self.buffer)
            .map_err(|e| failed("flushing", e))?;
        self.send()
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.buffer.reserve(7200);
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.buffer)
            .map_err(|e| failed("flushing", e))?;
        self.send()?;
        self.out.finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::audio::{Format, Target};

    fn tone(n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| ((i as f32 * 0.07).sin() * 8000.0) as i16)
            .collect()
    }

    fn encode(sentences: &[Vec<i16>]) -> (Vec<u8>, Vec<usize>) {
        let mut bytes = Vec::new();
        let mut after = Vec::new();
        {
            let writer: Box<dyn std::io::Write + '_> = Box::new(&mut bytes);
            let mut sink = Format::Mp3.sink(Target::Stream(writer), 22050).unwrap();
            for sentence in sentences {
                sink.write(sentence).unwrap();
                sink.end_sentence().unwrap();
            }
            sink.finish().unwrap();
        }
        after.push(bytes.len());
        (bytes, after)
    }

    /// The byte offsets of MPEG-2 Layer III frames, following their lengths.
    fn frames(bytes: &[u8]) -> Vec<usize> {
        let mut at = 0;
        let mut starts = Vec::new();
        while at + 4 <= bytes.len() {
            assert_eq!(bytes[at], 0xff, "a frame starts at {at}");
            assert_eq!(bytes[at + 1] & 0xfe, 0xf2, "MPEG-2 Layer III at {at}");
            let bitrate = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
                [usize::from(bytes[at + 2] >> 4)];
            let rate = [22050, 24000, 16000][usize::from((bytes[at + 2] >> 2) & 3)];
            let padding = usize::from((bytes[at + 2] >> 1) & 1);
            starts.push(at);
            at += 72_000 * bitrate / rate + padding;
        }
        assert_eq!(at, bytes.len(), "whole frames only");
        starts
    }

    #[test]
    fn mp3_is_whole_frames_and_two_files_join_into_one_stream() {
        let (one, _) = encode(&[tone(22050), tone(11025)]);
        let frames_one = frames(&one);
        assert!(frames_one.len() > 40, "{}", frames_one.len());
        let mut joined = one.clone();
        joined.extend_from_slice(&one);
        assert_eq!(frames(&joined).len(), 2 * frames_one.len());
    }

    #[test]
    fn a_sentence_goes_out_when_it_ends() {
        let mut bytes = Vec::new();
        let writer: Box<dyn std::io::Write + '_> = Box::new(&mut bytes);
        let mut sink = Format::Mp3.sink(Target::Stream(writer), 22050).unwrap();
        sink.write(&tone(22050)).unwrap();
        sink.end_sentence().unwrap();
        drop(sink);
        // 1 s at 48 kbit/s is 6 kB; all but the last frame or two are out.
        assert!(
            bytes.len() > 5500,
            "{} bytes after one sentence",
            bytes.len()
        );
    }
}
