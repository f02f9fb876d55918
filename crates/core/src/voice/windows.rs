//! A sentence's audio made window by window: the parts of a split voice
//! that run at frame rate (`split.rs`: the flow, then the decoder) run on a
//! few frames at a time. Each part is given margins of context on each
//! side of what the next part needs, and what it makes of the margins is
//! thrown away, so that each window's samples equal the whole run's: each
//! part's margin is at least what it sees, read from its graph
//! ([`super::split::margin`]; the tests check the equality). How large the
//! windows are is the caller's [`Schedule`]: small at first when audio is
//! wanted early, else as large as memory allows, so that the margins cost
//! little.

use super::Voice;
use crate::error::{Error, Result};

/// A tensor by name: its shape and its data.
pub(super) type Named = (String, Vec<i64>, Vec<f32>);

/// Frames of the first window when audio is wanted early (256 samples
/// each on Piper voices).
pub const FIRST_WINDOW: usize = 16;
/// How much larger each next window is.
pub const GROWTH: usize = 4;
/// Frames of the largest window of the last part (the decoder's tail, which
/// makes most of the samples): with [`AHEAD`], what bounds the memory of a
/// long sentence.
/// The CLI peaked at 161 MB on a 483-id sentence of the medium voice with
/// 128 (a short sentence: 132 MB), 196 MB with 256; smaller windows cost
/// more margins (BENCHMARKS.md, Windows).
pub const MAX_WINDOW: usize = 128;
/// Frames the parts before the last run on at least: they keep what they
/// made for the windows after, so that their margins (the flow's 32
/// frames, the decoder head's 12) are paid once every this many frames.
/// They cost little memory (the CLI: 158, 161 and 167 MB at 483 ids with
/// 512, 1,024 and 2,048), and with 2,048 a 1,000-id sentence in file
/// windows took no more time than the whole graph (BENCHMARKS.md, Windows).
/// A stream runs ahead by at most [`AHEAD_OF_PLAYED`] times the frames it
/// has given out, so that no window waits for more than the audio before
/// it lasts.
pub const AHEAD: usize = 2048;
/// See [`AHEAD`]: a frame plays for 11.6 ms at 22,050 Hz, and the flow and
/// the head make one in about 0.15 ms on 2 cores, so 16 leaves a machine
/// five times slower in time. With a whole [`AHEAD`] after the first
/// window, a 1,000-id sentence's second window would come about 400 ms
/// after the first, which plays for 186 ms.
pub const AHEAD_OF_PLAYED: usize = 16;

/// How a sentence is cut into windows. Each cut runs the tail's margins
/// twice, and the flow's and the head's once every [`AHEAD`] frames
/// (BENCHMARKS.md, Windows), so audio that is wanted early pays for it
/// with a little more work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// The first audio as soon as it can be: a small first window, each
    /// next one [`GROWTH`] times as large, up to [`MAX_WINDOW`]; each is
    /// ready long before the audio before it has played.
    Early,
    /// The whole sentence as soon as it can be: windows of [`MAX_WINDOW`].
    Whole,
}

/// The raw audio of one sentence, yielded window by window.
pub struct Decoding<'v> {
    inner: Inner<'v>,
}

enum Inner<'v> {
    /// A voice that runs whole: all of it at once.
    Whole(Option<Vec<f32>>),
    Windows {
        voice: &'v Voice,
        /// What the sentence part gave, the frame-rate tensor first.
        tensors: Vec<Named>,
        frames: usize,
        margins: Vec<usize>,
        held: Vec<Option<Held>>,
        next: usize,
        schedule: Schedule,
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

    /// Windows over `tensors`, the sentence part's outputs: the frame-rate
    /// one ([1, channels, frames]) first.
    pub(super) fn windows(
        voice: &'v Voice,
        tensors: Vec<Named>,
        schedule: Schedule,
    ) -> Result<Self> {
        let frames = match tensors.first().map(|t| &t.1[..]) {
            Some(&[1, _, frames]) => frames.max(0) as usize,
            shape => {
                return Err(Error::Synthesis(format!(
                    "voice {} gave frames of shape {shape:?}, not [1, channels, frames]",
                    voice.name()
                )));
            }
        };
        let margins = voice.margins();
        Ok(Self {
            inner: Inner::Windows {
                voice,
                tensors,
                frames,
                held: margins.iter().map(|_| None).collect(),
                margins,
                next: 0,
                schedule,
                window: match schedule {
                    Schedule::Early => FIRST_WINDOW,
                    Schedule::Whole => MAX_WINDOW,
                },
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
            tensors,
            frames,
            margins,
            held,
            next,
            schedule,
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
        let mut run = Run {
            voice,
            tensors,
            frames: *frames,
            margins,
            held,
            // A stream's first window makes only what it needs (its time is
            // the wait for the first audio); the next ones no more than can be
            // made while the audio before them plays.
            ahead: match schedule {
                Schedule::Early => (start * AHEAD_OF_PLAYED).min(AHEAD),
                Schedule::Whole => AHEAD,
            },
        };
        let made = run.outputs(margins.len() - 1, start, end);
        *next = end;
        *window = (*window * GROWTH).min(MAX_WINDOW);
        let (mut outputs, per_frame) = match made {
            Ok(made) => made,
            Err(e) => return Some(Err(e)),
        };
        *hop = Some(per_frame);
        match outputs.is_empty() {
            true => Some(Err(Error::Synthesis(format!(
                "voice {} gave no audio",
                voice.name()
            )))),
            false => Some(Ok(outputs.swap_remove(0).2)),
        }
    }
}

/// What a stage before the last made for frames `low..high`, kept for the
/// windows after: such a stage runs ahead of the last ([`AHEAD`]).
struct Held {
    low: usize,
    high: usize,
    outputs: Vec<Named>,
}

/// A sentence's windows in progress: the sentence part's tensors and what
/// the stages hold.
struct Run<'a> {
    voice: &'a Voice,
    tensors: &'a [Named],
    frames: usize,
    margins: &'a [usize],
    held: &'a mut [Option<Held>],
    /// Frames a stage before the last runs on at least.
    ahead: usize,
}

impl Run<'_> {
    /// The outputs of stage `k` for frames `low..high`, and what a frame
    /// gives on their last axis (1 for the latent, the hop for the audio).
    /// The stage runs on what it needs plus its margin on each side.
    fn outputs(&mut self, k: usize, low: usize, high: usize) -> Result<(Vec<Named>, usize)> {
        let keeps = k + 1 < self.margins.len();
        if let Some(held) = self.held[k]
            .as_ref()
            .filter(|h| h.low <= low && high <= h.high)
        {
            let width = held.high - held.low;
            return crop_all(
                self.voice,
                &held.outputs,
                width,
                low - held.low,
                high - held.low,
            );
        }
        let span = match keeps {
            // A short rest would pay the stage's margins for little: it is
            // made now.
            true => match (low + self.ahead).max(high) {
                span if span + self.ahead / 2 >= self.frames => self.frames,
                span => span,
            },
            false => high,
        };
        let margin = self.margins[k];
        let (from, to) = (low.saturating_sub(margin), (span + margin).min(self.frames));
        let mut previous = match k {
            0 => Vec::new(),
            _ => self.outputs(k - 1, from, to)?.0,
        };
        let mut inputs = Vec::new();
        for name in self.voice.stage_inputs(k) {
            // What the stage before made is moved, not copied: it is read once.
            if let Some(at) = previous.iter().position(|t| &t.0 == name) {
                let (_, shape, data) = previous.swap_remove(at);
                inputs.push((name.as_str(), shape, data));
                continue;
            }
            let (_, shape, data) = self.tensors.iter().find(|t| &t.0 == name).ok_or_else(|| {
                Error::Synthesis(format!("voice {} gave no {name:?}", self.voice.name()))
            })?;
            let mut shape = shape.clone();
            let data = frames_of(&shape, data, self.frames, from, to);
            if shape.len() == 3 && shape[2] == self.frames as i64 {
                shape[2] = (to - from) as i64;
            }
            inputs.push((name.as_str(), shape, data));
        }
        let made = self.voice.run_stage(k, inputs)?;
        let (outputs, per_frame) = crop_all(self.voice, &made, to - from, low - from, span - from)?;
        if !keeps {
            return Ok((outputs, per_frame));
        }
        let wanted = crop_all(self.voice, &outputs, span - low, 0, high - low)?;
        self.held[k] = Some(Held {
            low,
            high: span,
            outputs,
        });
        Ok(wanted)
    }
}

/// Frames `from..to` of each of `tensors`, made from `width` frames.
fn crop_all(
    voice: &Voice,
    tensors: &[Named],
    width: usize,
    from: usize,
    to: usize,
) -> Result<(Vec<Named>, usize)> {
    let mut per_frame = 0;
    let mut out = Vec::with_capacity(tensors.len());
    for (name, shape, data) in tensors {
        let (shape, data, per) = crop(voice, shape, data, width, from, to)?;
        per_frame = per;
        out.push((name.clone(), shape, data));
    }
    Ok((out, per_frame))
}

/// Frames `low..high` of a tensor of `frames` frames ([1, channels,
/// frames]); a tensor of another shape (the speaker's, [1, c, 1]) whole.
fn frames_of(shape: &[i64], data: &[f32], frames: usize, low: usize, high: usize) -> Vec<f32> {
    if shape.len() != 3 || shape[2] != frames as i64 || frames == 0 {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(data.len() / frames * (high - low));
    for row in data.chunks_exact(frames) {
        out.extend_from_slice(&row[low..high]);
    }
    out
}

/// Frames `from..to` of a stage's output made from `width` frames, whatever
/// it gives per frame on its last axis (1 for the latent, the hop for the
/// audio); also returns that number.
fn crop(
    voice: &Voice,
    shape: &[i64],
    data: &[f32],
    width: usize,
    from: usize,
    to: usize,
) -> Result<(Vec<i64>, Vec<f32>, usize)> {
    let last = shape.last().map_or(0, |&l| l.max(0) as usize);
    if width == 0 || last == 0 || !last.is_multiple_of(width) || !data.len().is_multiple_of(last) {
        return Err(Error::Synthesis(format!(
            "voice {} made {width} frames into a tensor of shape {shape:?}, not a whole number per frame",
            voice.name()
        )));
    }
    let per_frame = last / width;
    let mut shape = shape.to_vec();
    let mut out = Vec::with_capacity(data.len() / width * (to - from));
    for row in data.chunks_exact(last) {
        out.extend_from_slice(&row[from * per_frame..to * per_frame]);
    }
    if let Some(l) = shape.last_mut() {
        *l = ((to - from) * per_frame) as i64;
    }
    Ok((shape, out, per_frame))
}
