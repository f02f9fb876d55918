//! A sentence's audio decoded window by window: the decoder of a split voice
//! (`split.rs`) runs on a few frames of the latent at a time, with
//! [`MARGIN`] frames of context on each side that are decoded and thrown
//! away, so that each window's samples equal the whole decode's (the
//! decoder sees no further than about ten frames; the tests check the
//! equality). The first window is small, so that audio starts early;
//! each next one is twice as large, up to [`MAX_WINDOW`], so that the
//! margins cost little.

use super::Voice;
use crate::error::{Error, Result};

/// Frames of context decoded on each side of a window and dropped. The
/// decoder of a Piper voice sees 10.1 frames each way; with 12, windowed and
/// whole decoding of the medium voice differ by 1 LSB on 0.08 % of samples
/// and never by more (BENCHMARKS.md, Windows).
pub const MARGIN: usize = 12;
/// Frames of the first window (256 samples each on Piper voices).
pub const FIRST_WINDOW: usize = 8;
/// Frames of the largest window.
pub const MAX_WINDOW: usize = 256;

/// The raw audio of one sentence, yielded window by window.
pub struct Decoding<'v> {
    inner: Inner<'v>,
}

enum Inner<'v> {
    /// A voice that runs whole: all of it at once.
    Whole(Option<Vec<f32>>),
    Windows {
        voice: &'v Voice,
        name: String,
        /// [1, channels, frames], row-major.
        latent: Vec<f32>,
        channels: usize,
        frames: usize,
        /// The other tensors of the cut, fed to every window as they are.
        others: Vec<(String, Vec<i64>, Vec<f32>)>,
        next: usize,
        window: usize,
        /// Samples per frame, known after the first window.
        hop: Option<usize>,
    },
}

impl<'v> Decoding<'v> {
    pub(super) fn whole(samples: Vec<f32>) -> Self {
        Self {
            inner: Inner::Whole(Some(samples)),
        }
    }

    /// Windows over `tensors`, the encoder's outputs: the latent first.
    pub(super) fn windows(
        voice: &'v Voice,
        mut tensors: Vec<(String, Vec<i64>, Vec<f32>)>,
    ) -> Result<Self> {
        if tensors.is_empty() {
            return Err(Error::Synthesis(format!(
                "voice {} gave no latent",
                voice.name()
            )));
        }
        let (name, shape, latent) = tensors.remove(0);
        let [1, channels, frames] = shape[..] else {
            return Err(Error::Synthesis(format!(
                "voice {} gave a latent of shape {shape:?}, not [1, channels, frames]",
                voice.name()
            )));
        };
        let (channels, frames) = (channels.max(0) as usize, frames.max(0) as usize);
        Ok(Self {
            inner: Inner::Windows {
                voice,
                name,
                latent,
                channels,
                frames,
                others: tensors,
                next: 0,
                window: FIRST_WINDOW,
                hop: None,
            },
        })
    }
}

impl Decoding<'_> {
    /// Samples still to come, once a window has shown how many a frame
    /// gives (0 before, and for a voice that runs whole).
    pub fn samples_left(&self) -> usize {
        match &self.inner {
            Inner::Windows {
                next,
                frames,
                hop: Some(hop),
                ..
            } => (frames - next) * hop,
            _ => 0,
        }
    }

    /// Whether every window has been given out.
    pub fn is_done(&self) -> bool {
        match &self.inner {
            Inner::Whole(samples) => samples.is_none(),
            Inner::Windows { next, frames, .. } => next >= frames,
        }
    }
}

impl Iterator for Decoding<'_> {
    type Item = Result<Vec<f32>>;

    fn next(&mut self) -> Option<Self::Item> {
        let Inner::Windows {
            voice,
            name,
            latent,
            channels,
            frames,
            others,
            next,
            window,
            hop,
        } = &mut self.inner
        else {
            let Inner::Whole(samples) = &mut self.inner else {
                unreachable!()
            };
            return samples.take().map(Ok);
        };
        if *next >= *frames {
            return None;
        }
        let (start, end) = (*next, (*next + *window).min(*frames));
        let (low, high) = (start.saturating_sub(MARGIN), (end + MARGIN).min(*frames));
        let width = high - low;
        let mut slice = Vec::with_capacity(*channels * width);
        for channel in latent.chunks_exact(*frames) {
            slice.extend_from_slice(&channel[low..high]);
        }
        let mut tensors = vec![(
            name.as_str(),
            vec![1, *channels as i64, width as i64],
            slice,
        )];
        tensors.extend(
            others
                .iter()
                .map(|(n, s, d)| (n.as_str(), s.clone(), d.clone())),
        );
        *next = end;
        *window = (*window * 2).min(MAX_WINDOW);
        let samples = match voice.decode_window(tensors) {
            Ok(samples) => samples,
            Err(e) => return Some(Err(e)),
        };
        if samples.len() % width != 0 {
            return Some(Err(Error::Synthesis(format!(
                "voice {} decoded {width} frames into {} samples, not a whole number per frame",
                voice.name(),
                samples.len()
            ))));
        }
        let per_frame = samples.len() / width;
        *hop = Some(per_frame);
        Some(Ok(samples
            [(start - low) * per_frame..(end - low) * per_frame]
            .to_vec()))
    }
}
