//! Sample-rate conversion for the outputs that need another rate than the
//! voice's: Opus takes 8, 12, 16, 24 or 48 kHz, OpenAI's `pcm` is 24 kHz,
//! and a sound card may play only its own rate.
//!
//! A windowed-sinc (Blackman) filter evaluated at exact rational positions:
//! output sample `n` lies at input position `n · from / to`, whose
//! fractional part is one of `to / gcd(from, to)` phases, each with its own
//! precomputed taps. The cut-off sits just below the lower of the two
//! Nyquist frequencies, so upsampling adds no images and downsampling no
//! aliases. It streams: chunks of any size go in, and what they determine
//! comes out, [`TAPS_PER_SIDE`] input samples behind; [`Resampler::finish`]
//! gives the rest, so the output is exactly `ceil(len · to / from)` samples.

/// Input samples on each side of an output sample that the filter reads.
pub const TAPS_PER_SIDE: usize = 16;

/// The most phases kept; rates whose ratio needs more share the nearest.
const MAX_PHASES: u64 = 4096;

/// Converts a stream of samples from one rate to another.
pub struct Resampler {
    from: u64,
    to: u64,
    /// Taps of each phase, `2 · TAPS_PER_SIDE` each.
    table: Vec<f32>,
    phases: u64,
    /// Input samples still needed, starting at absolute index `base`.
    window: Vec<f32>,
    base: u64,
    /// Input samples received.
    received: u64,
    /// Output samples produced.
    produced: u64,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl Resampler {
    /// A converter from `from` Hz to `to` Hz (both above zero).
    pub fn new(from: u32, to: u32) -> Self {
        let g = gcd(u64::from(from), u64::from(to)).max(1);
        let (from, to) = (u64::from(from) / g, u64::from(to) / g);
        let phases = to.clamp(1, MAX_PHASES);
        // Cut-off in cycles per input sample, a little under the lower Nyquist.
        let cutoff = 0.5 * (to as f64 / from as f64).min(1.0) * 0.94;
        let width = 2 * TAPS_PER_SIDE;
        let mut table = Vec::with_capacity(phases as usize * width);
        for phase in 0..phases {
            let fraction = phase as f64 / phases as f64;
            let taps: Vec<f64> = (0..width)
                .map(|j| {
                    // Distance from the output position to input tap j.
                    let d = fraction + (TAPS_PER_SIDE - 1) as f64 - j as f64;
                    2.0 * cutoff * sinc(2.0 * cutoff * d) * blackman(d / TAPS_PER_SIDE as f64)
                })
                .collect();
            // Unity gain at 0 Hz for every phase, so a constant stays constant.
            let sum: f64 = taps.iter().sum();
            table.extend(taps.iter().map(|t| (t / sum) as f32));
        }
        Self {
            from,
            to,
            table,
            phases,
            // The samples before the first one count as silence.
            window: vec![0.0; TAPS_PER_SIDE - 1],
            base: 0,
            received: 0,
            produced: 0,
        }
    }

    /// Whether the rates are equal, so samples pass unchanged.
    pub fn is_identity(&self) -> bool {
        self.from == self.to
    }

    /// Takes `input` and appends the output samples it completes to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) {
        if self.is_identity() {
            out.extend_from_slice(input);
            return;
        }
        self.window.extend_from_slice(input);
        self.received += input.len() as u64;
        self.drain(out, self.received);
    }

    /// Appends the samples that the end of the input determines.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        if self.is_identity() {
            return;
        }
        let end = self.received;
        self.window.extend(std::iter::repeat_n(0.0, TAPS_PER_SIDE));
        self.drain(out, end + TAPS_PER_SIDE as u64);
    }

    /// Output samples whose taps all lie below input index `available`,
    /// stopping at the end of the input once it is known.
    fn drain(&mut self, out: &mut Vec<f32>, available: u64) {
        let width = 2 * TAPS_PER_SIDE;
        let wanted = self.received * self.to;
        loop {
            let position = self.produced * self.from;
            // The end of the stream: ceil(received · to / from) samples in all.
            if available > self.received && position >= wanted {
                break;
            }
            let index = position / self.to;
            // Taps run from index - (TAPS_PER_SIDE - 1) to index + TAPS_PER_SIDE.
            if index + TAPS_PER_SIDE as u64 >= available {
                break;
            }
            let phase = (position % self.to) * self.phases / self.to;
            let taps = &self.table[phase as usize * width..][..width];
            // window[0] is absolute input index base - (TAPS_PER_SIDE - 1).
            let start = (index - self.base) as usize;
            let samples = &self.window[start..start + width];
            out.push(samples.iter().zip(taps).map(|(x, t)| x * t).sum());
            self.produced += 1;
        }
        // Keep only what later outputs can still read.
        let next = self.produced * self.from / self.to;
        let drop = next.saturating_sub(self.base) as usize;
        if drop > 0 {
            self.window.drain(..drop.min(self.window.len()));
            self.base += drop as u64;
        }
    }
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-12 {
        1.0
    } else {
        let p = std::f64::consts::PI * x;
        p.sin() / p
    }
}

/// The Blackman window on -1..1.
fn blackman(x: f64) -> f64 {
    if x.abs() >= 1.0 {
        return 0.0;
    }
    let t = std::f64::consts::PI * (x + 1.0);
    0.42 - 0.5 * t.cos() + 0.08 * (2.0 * t).cos()
}

/// 16-bit samples as floats in -1..1.
pub fn to_f32(samples: &[i16]) -> impl Iterator<Item = f32> + '_ {
    samples.iter().map(|&s| f32::from(s) / 32768.0)
}

/// Floats in -1..1 back to 16-bit samples, rounded and clamped.
pub fn to_i16(samples: &[f32]) -> Vec<i16> {
    samples
        .iter()
        .map(|&x| (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resample(from: u32, to: u32, input: &[f32], chunk: usize) -> Vec<f32> {
        let mut r = Resampler::new(from, to);
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            r.push(piece, &mut out);
        }
        r.finish(&mut out);
        out
    }

    fn sine(rate: u32, hz: f64, seconds: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| {
                (0.5 * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(rate)).sin()) as f32
            })
            .collect()
    }

    #[test]
    fn the_length_is_exactly_the_ratio_rounded_up() {
        for (from, to, n) in [
            (22050, 24000, 22050),
            (22050, 24000, 1),
            (16000, 24000, 333),
            (24000, 16000, 1001),
            (22050, 48000, 7),
        ] {
            let out = resample(from, to, &vec![0.1; n], 97);
            let expected = (n as u64 * u64::from(to)).div_ceil(u64::from(from));
            assert_eq!(out.len() as u64, expected, "{from} -> {to}, {n}");
        }
    }

    #[test]
    fn chunking_does_not_change_the_output() {
        let input = sine(22050, 440.0, 0.3);
        let whole = resample(22050, 24000, &input, input.len());
        for chunk in [1, 7, 576, 4000] {
            assert_eq!(
                resample(22050, 24000, &input, chunk),
                whole,
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn a_tone_keeps_its_frequency_and_level() {
        for (from, to) in [
            (22050, 24000),
            (16000, 24000),
            (24000, 16000),
            (22050, 48000),
        ] {
            let hz = 1000.0;
            let out = resample(from, to, &sine(from, hz, 1.0), 512);
            let reference = sine(to, hz, 1.0);
            // Away from the edges, where the filter sees only part of the tone.
            let middle = (to / 10) as usize..(to as usize * 9 / 10);
            let error = middle
                .clone()
                .map(|i| (out[i] - reference[i]).abs())
                .fold(0.0f32, f32::max);
            assert!(error < 0.005, "{from} -> {to}: off by {error}");
        }
    }

    #[test]
    fn what_lies_above_the_new_nyquist_is_removed() {
        // 10 kHz is above 8 kHz, the Nyquist frequency of 16 kHz.
        let out = resample(24000, 16000, &sine(24000, 10_000.0, 0.5), 1000);
        let peak = out[1000..7000].iter().fold(0.0f32, |p, x| p.max(x.abs()));
        assert!(peak < 0.01, "{peak}");
    }

    #[test]
    fn equal_rates_pass_samples_unchanged() {
        let input = sine(22050, 300.0, 0.01);
        assert_eq!(resample(22050, 22050, &input, 13), input);
    }

    #[test]
    fn samples_convert_to_and_from_floats() {
        let samples = [0i16, 1, -1, 32767, -32768];
        let floats: Vec<f32> = to_f32(&samples).collect();
        assert_eq!(to_i16(&floats), samples);
    }
}
