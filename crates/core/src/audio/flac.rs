//! FLAC, lossless: the `fLaC` marker, a STREAMINFO block, then frames of
//! 4,096 samples coded by the pure-Rust `flacenc` crate as they fill. A
//! stream's STREAMINFO says "length unknown"; where the output can seek
//! (a file), it gets the real length, frame sizes and MD5 at the end.

use flacenc::bitsink::MemSink;
use flacenc::component::{BitRepr, StreamInfo};
use flacenc::config;
use flacenc::error::{Verified, Verify};
use flacenc::source::{Fill, FrameBuf};
use md5::{Digest, Md5};

use super::AudioSink;
use super::output::Output;
use crate::error::{Error, IoContext, Result};

/// Samples per frame: FLAC's usual block size.
const BLOCK: usize = 4096;
/// Where STREAMINFO's 34 bytes start: after `fLaC` and the block header.
const STREAMINFO_AT: u64 = 8;

pub(crate) struct FlacSink<'w> {
    out: Output<'w>,
    config: Verified<config::Encoder>,
    info: StreamInfo,
    frame: FrameBuf,
    pending: Vec<i32>,
    frames: usize,
    total: u64,
    md5: Md5,
    frame_sizes: Option<(usize, usize)>,
}

fn failed(what: &str, error: impl std::fmt::Debug) -> Error {
    Error::Encoder(format!("FLAC {what}: {error:?}"))
}

impl<'w> FlacSink<'w> {
    pub fn new(mut out: Output<'w>, sample_rate: u32) -> Result<Self> {
        let mut info =
            StreamInfo::new(sample_rate as usize, 1, 16).map_err(|e| failed("stream", e))?;
        info.set_block_sizes(BLOCK, BLOCK)
            .map_err(|e| failed("stream", e))?;
        info.set_frame_sizes(0, 0)
            .map_err(|e| failed("stream", e))?;
        let config = config::Encoder::default()
            .into_verified()
            .map_err(|(_, e)| failed("settings", e))?;
        let mut head = b"fLaC".to_vec();
        // The last metadata block (bit 7), of type STREAMINFO (0), 34 bytes long.
        head.extend_from_slice(&[0x80, 0, 0, 34]);
        head.extend_from_slice(&streaminfo_bytes(&info)?);
        out.send(&head, "writing the FLAC header")?;
        Ok(Self {
            out,
            config,
            info,
            frame: FrameBuf::with_size(1, BLOCK).map_err(|e| failed("frame", e))?,
            pending: Vec::new(),
            frames: 0,
            total: 0,
            md5: Md5::new(),
            frame_sizes: None,
        })
    }

    /// Codes and writes `samples` as one frame.
    fn frame(&mut self, samples: &[i32]) -> Result<()> {
        self.frame
            .fill_interleaved(samples)
            .map_err(|e| failed("frame", e))?;
        let frame =
            flacenc::encode_fixed_size_frame(&self.config, &self.frame, self.frames, &self.info)
                .map_err(|e| failed("encoding", e))?;
        let mut sink = MemSink::<u8>::with_capacity(frame.count_bits());
        frame.write(&mut sink).map_err(|e| failed("encoding", e))?;
        let bytes = sink.as_slice();
        let (min, max) = self.frame_sizes.unwrap_or((usize::MAX, 0));
        self.frame_sizes = Some((min.min(bytes.len()), max.max(bytes.len())));
        self.frames += 1;
        self.out.send(bytes, "writing FLAC frames")
    }
}

fn streaminfo_bytes(info: &StreamInfo) -> Result<Vec<u8>> {
    let mut sink = MemSink::<u8>::with_capacity(info.count_bits());
    info.write(&mut sink).map_err(|e| failed("stream", e))?;
    Ok(sink.as_slice().to_vec())
}

impl AudioSink for FlacSink<'_> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        for &sample in samples {
            self.md5.update(sample.to_le_bytes());
        }
        self.total += samples.len() as u64;
        self.pending.extend(samples.iter().map(|&s| i32::from(s)));
        let whole = self.pending.len() / BLOCK * BLOCK;
        let pending = std::mem::take(&mut self.pending);
        for block in pending[..whole].chunks(BLOCK) {
            self.frame(block)?;
        }
        self.pending = pending[whole..].to_vec();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            self.frame(&last)?;
        }
        self.info.set_total_samples(self.total as usize);
        self.info
            .set_md5_digest(&self.md5.clone().finalize().into());
        if let Some((min, max)) = self.frame_sizes {
            self.info
                .set_frame_sizes(min, max)
                .map_err(|e| failed("stream", e))?;
        }
        let info = streaminfo_bytes(&self.info)?;
        self.out
            .patch(STREAMINFO_AT, &info)
            .context(|| "completing the FLAC header".to_string())?;
        self.out.finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::audio::{Format, Target};

    #[test]
    fn a_flac_file_gets_its_length_and_a_stream_says_it_is_unknown() {
        let samples: Vec<i16> = (0..10_000)
            .map(|i| ((i % 200) * 100 - 10_000) as i16)
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.flac");
        let mut sink = Format::Flac
            .sink(Target::File(path.clone()), 22050)
            .unwrap();
        sink.write(&samples).unwrap();
        sink.finish().unwrap();
        let file = std::fs::read(&path).unwrap();
        assert_eq!(&file[..4], b"fLaC");
        let total = |bytes: &[u8]| {
            let b = &bytes[8 + 13..8 + 18];
            (u64::from(b[0] & 0x0f) << 32) | u64::from(u32::from_be_bytes([b[1], b[2], b[3], b[4]]))
        };
        assert_eq!(total(&file), 10_000);
        assert!(
            file.len() < 20_000 / 2,
            "lossless, and compressed: {}",
            file.len()
        );

        let mut stream = Vec::new();
        let writer: Box<dyn std::io::Write + '_> = Box::new(&mut stream);
        let mut sink = Format::Flac.sink(Target::Stream(writer), 22050).unwrap();
        sink.write(&samples).unwrap();
        sink.finish().unwrap();
        assert_eq!(total(&stream), 0, "unknown length");
        assert_eq!(stream.len(), file.len());
    }
}
