//! Headerless 16-bit little-endian mono PCM, passed on chunk by chunk.

use super::AudioSink;
use super::output::Output;
use super::wav::pcm_bytes;
use crate::error::Result;

pub(crate) struct RawSink<'w> {
    out: Output<'w>,
}

impl<'w> RawSink<'w> {
    pub fn new(out: Output<'w>) -> Self {
        Self { out }
    }
}

impl AudioSink for RawSink<'_> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        self.out.send(&pcm_bytes(samples), "writing PCM samples")
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.out.finish()
    }
}
