//! Ogg Opus (RFC 7845): speech coded by the pure-Rust `opus-pure` encoder
//! (as fast as libopus here, within 15 %, and no cmake: BENCHMARKS.md)
//! in 20 ms packets, muxed into Ogg pages here so that a page can close
//! when a sentence ends. Opus codes 8, 12, 16, 24 or 48 kHz only; the sink
//! factory resamples other rates first (`Format::output_rate`).

use opus_pure::{Application, MAX_PACKET_BYTES, OpusEncoder};

use super::AudioSink;
use super::ogg::OggStream;
use super::output::Output;
use crate::error::{Error, Result};

/// How much work the encoder does, 0–10. Synthesis runs 40 times faster
/// than real time on a medium voice, so even a fast encoder is a noticeable
/// share of the work: 3 costs about half of the default 9 and still codes
/// speech at 32 kbit/s cleanly (BENCHMARKS.md, Formats).
const COMPLEXITY: i32 = 3;

/// Opus timestamps count 48 kHz samples, whatever rate was coded.
const GRANULE_RATE: u64 = 48_000;

pub(crate) struct OpusSink<'w> {
    out: Output<'w>,
    encoder: OpusEncoder,
    /// Samples per 20 ms packet.
    frame: usize,
    /// Samples waiting for a whole packet.
    pending: Vec<i16>,
    ogg: OggStream,
    packet: Vec<u8>,
    pages: Vec<u8>,
    /// 48 kHz samples per input sample.
    scale: u64,
    pre_skip: u64,
    /// Input samples received, and packets written.
    received: u64,
    packets: u64,
}

fn failed(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Encoder(format!("Opus {what}: {error}"))
}

/// The bit rate for speech at `sample_rate`.
fn bitrate(sample_rate: u32) -> i32 {
    if sample_rate <= 16000 { 24_000 } else { 32_000 }
}

impl<'w> OpusSink<'w> {
    pub fn new(out: Output<'w>, sample_rate: u32) -> Result<Self> {
        let mut encoder = OpusEncoder::new(sample_rate as i32, 1, Application::Voip)
            .map_err(|e| failed(&format!("encoder at {sample_rate} Hz"), e))?;
        encoder.bitrate_bps = bitrate(sample_rate);
        encoder.complexity = COMPLEXITY;
        let scale = GRANULE_RATE / u64::from(sample_rate);
        let pre_skip = encoder.lookahead() as u64 * scale;
        let serial = std::process::id()
            ^ std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |t| t.subsec_nanos());
        let mut sink = Self {
            out,
            encoder,
            frame: sample_rate as usize / 50,
            pending: Vec::new(),
            ogg: OggStream::new(serial),
            packet: vec![0; MAX_PACKET_BYTES],
            pages: Vec::new(),
            scale,
            pre_skip,
            received: 0,
            packets: 0,
        };
        sink.headers(sample_rate)?;
        Ok(sink)
    }

    /// The identification and comment headers, a page each.
    fn headers(&mut self, sample_rate: u32) -> Result<()> {
        let mut head = b"OpusHead".to_vec();
        head.push(1); // version
        head.push(1); // channels
        head.extend_from_slice(&(self.pre_skip as u16).to_le_bytes());
        head.extend_from_slice(&sample_rate.to_le_bytes());
        head.extend_from_slice(&0i16.to_le_bytes()); // output gain
        head.push(0); // mapping family: mono or stereo, no table
        self.ogg.packet(&head, 0, &mut self.pages);
        self.ogg.page(false, &mut self.pages);
        let vendor = concat!("vtts ", env!("CARGO_PKG_VERSION"));
        let mut tags = b"OpusTags".to_vec();
        tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
        tags.extend_from_slice(vendor.as_bytes());
        tags.extend_from_slice(&0u32.to_le_bytes()); // no comments
        self.ogg.packet(&tags, 0, &mut self.pages);
        self.ogg.page(false, &mut self.pages);
        self.send()
    }

    /// Codes every whole packet waiting.
    fn encode_pending(&mut self) -> Result<()> {
        let mut start = 0;
        while self.pending.len() - start >= self.frame {
            let frame = &self.pending[start..start + self.frame];
            let n = self
                .encoder
                .encode_s16(frame, self.frame, &mut self.packet)
                .map_err(|e| failed("encoding", e))?;
            self.packets += 1;
            let granule = (self.packets * self.frame as u64 * self.scale) as i64;
            self.ogg.packet(&self.packet[..n], granule, &mut self.pages);
            start += self.frame;
        }
        self.pending.drain(..start);
        Ok(())
    }

    fn send(&mut self) -> Result<()> {
        if self.pages.is_empty() {
            return Ok(());
        }
        let sent = self.out.send(&self.pages, "writing Ogg Opus pages");
        self.pages.clear();
        sent
    }
}

impl AudioSink for OpusSink<'_> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        self.received += samples.len() as u64;
        self.pending.extend_from_slice(samples);
        self.encode_pending()?;
        self.send()
    }

    fn end_sentence(&mut self) -> Result<()> {
        self.ogg.page(false, &mut self.pages);
        self.send()
    }

    /// Codes the last, partial packet padded with silence, and ends the
    /// stream with a granule that trims the padding off (RFC 7845 §4.4).
    fn finish(mut self: Box<Self>) -> Result<()> {
        // The encoder's lookahead is still inside it: push it out as well.
        let tail =
            self.frame - self.pending.len() % self.frame + (self.pre_skip / self.scale) as usize;
        let padded = self.pending.len() + tail;
        self.pending
            .resize(padded.div_ceil(self.frame) * self.frame, 0);
        self.encode_pending()?;
        let end = (self.pre_skip + self.received * self.scale) as i64;
        let last = (self.packets * self.frame as u64 * self.scale) as i64;
        self.ogg.finish_at(end.min(last), &mut self.pages);
        self.send()?;
        self.out.finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::audio::{Format, Target};

    /// (header type, granule, payload length) of each Ogg page.
    fn pages(bytes: &[u8]) -> Vec<(u8, i64, usize)> {
        let mut at = 0;
        let mut pages = Vec::new();
        while at < bytes.len() {
            assert_eq!(&bytes[at..at + 4], b"OggS");
            let segments = usize::from(bytes[at + 26]);
            let payload: usize = bytes[at + 27..at + 27 + segments]
                .iter()
                .map(|&l| usize::from(l))
                .sum();
            let granule = i64::from_le_bytes(bytes[at + 6..at + 14].try_into().unwrap());
            pages.push((bytes[at + 5], granule, payload));
            at += 27 + segments + payload;
        }
        pages
    }

    #[test]
    fn ogg_opus_has_its_headers_a_page_per_sentence_and_a_trimmed_end() {
        let mut bytes = Vec::new();
        {
            let writer: Box<dyn std::io::Write + '_> = Box::new(&mut bytes);
            let mut sink = Format::Opus.sink(Target::Stream(writer), 22050).unwrap();
            for _ in 0..2 {
                sink.write(&vec![3000i16; 22050]).unwrap();
                sink.end_sentence().unwrap();
            }
            sink.finish().unwrap();
        }
        assert_eq!(&bytes[28..36], b"OpusHead");
        let pages = pages(&bytes);
        assert_eq!(pages[0].0, 2, "the first page begins the stream");
        assert!(
            pages.len() >= 5,
            "head, tags, two sentences, end: {pages:?}"
        );
        let (flags, granule, _) = *pages.last().unwrap();
        assert_eq!(flags & 4, 4, "the last page ends the stream");
        let pre_skip = i64::from(u16::from_le_bytes([bytes[38], bytes[39]]));
        // Two seconds of audio at 48 kHz after the pre-skip, within a sample
        // of resampling 44,100 samples at 22,050 Hz to 48,000 at 24 kHz.
        assert!(
            (granule - pre_skip - 96_000).abs() <= 2,
            "{granule} {pre_skip}"
        );
    }
}
