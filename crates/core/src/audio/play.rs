//! Playing audio on the default output device (cpal), sentence by sentence:
//! the first sentence sounds while later ones are still being synthesised.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{SampleFormat, SampleRate, StreamConfig};

use super::AudioSink;
use super::resample::{self, Resampler};
use crate::error::{Error, Result};

/// Samples waiting for the device, shared with its callback.
#[derive(Default)]
struct Queue {
    samples: VecDeque<f32>,
    /// Samples handed to the device so far.
    played: u64,
    /// How far ahead of the speaker the callback runs, last seen.
    latency: Duration,
    failed: Option<String>,
}

/// A sink that plays what it receives.
pub struct PlaybackSink {
    shared: Arc<(Mutex<Queue>, Condvar)>,
    stream: cpal::Stream,
    pushed: u64,
    resampler: Resampler,
    /// The device's rate.
    rate: u32,
}

/// At most this much audio waits in memory: synthesis pauses when it runs ahead.
const MAX_QUEUED_SECONDS: u32 = 30;

impl PlaybackSink {
    /// Opens the default output device for mono audio at `sample_rate`.
    pub fn open(sample_rate: u32) -> Result<Self> {
        let no_device = || {
            Error::Device(
                "no sound output device found: write a file instead with -o out.wav (or pipe the WAV to a player)"
                    .to_string(),
            )
        };
        let host = cpal::default_host();
        let device = host.default_output_device().ok_or_else(no_device)?;
        let (config, format) = choose_config(&device, sample_rate).map_err(|e| {
            Error::Device(format!(
                "{e}: the sound device cannot play audio; write a file instead with -o out.wav"
            ))
        })?;
        let shared: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let channels = usize::from(config.channels);
        let stream = match format {
            SampleFormat::I16 => build::<i16>(&device, &config, channels, &shared),
            SampleFormat::F32 => build::<f32>(&device, &config, channels, &shared),
            other => return Err(Error::Device(format!("the sound device wants {other} samples, which vtts cannot produce; write a file instead with -o out.wav"))),
        }
        .map_err(|e| Error::Device(format!("cannot open the sound device ({e}); write a file instead with -o out.wav")))?;
        stream.play().map_err(|e| {
            Error::Device(format!(
                "cannot start the sound device ({e}); write a file instead with -o out.wav"
            ))
        })?;
        Ok(Self {
            shared,
            stream,
            pushed: 0,
            resampler: Resampler::new(sample_rate, config.sample_rate),
            rate: config.sample_rate,
        })
    }
}

/// Prefers the voice's own rate in 16-bit or float; otherwise the device's
/// default, with the audio resampled to it.
fn choose_config(device: &cpal::Device, rate: u32) -> Result<(StreamConfig, SampleFormat), String> {
    let usable = |f: SampleFormat| matches!(f, SampleFormat::I16 | SampleFormat::F32);
    let exact = device
        .supported_output_configs()
        .map_err(|e| format!("asking the sound device what it can play: {e}"))?
        .filter(|c| usable(c.sample_format()))
        .filter_map(|c| c.try_with_sample_rate(rate as SampleRate))
        .min_by_key(|c| (c.channels(), c.sample_format() != SampleFormat::I16));
    let chosen = match exact {
        Some(config) => config,
        None => device
            .default_output_config()
            .map_err(|e| format!("asking the sound device for its settings: {e}"))?,
    };
    Ok((chosen.config(), chosen.sample_format()))
}

fn build<T: cpal::SizedSample + cpal::FromSample<f32>>(
    device: &cpal::Device,
    config: &StreamConfig,
    channels: usize,
    shared: &Arc<(Mutex<Queue>, Condvar)>,
) -> Result<cpal::Stream, cpal::Error> {
    let data = shared.clone();
    let errors = shared.clone();
    device.build_output_stream::<T, _, _>(
        *config,
        move |out: &mut [T], info: &cpal::OutputCallbackInfo| {
            let (lock, wake) = &*data;
            let mut queue = lock.lock().unwrap_or_else(|p| p.into_inner());
            let timestamp = info.timestamp();
            queue.latency = timestamp.playback.duration_since(timestamp.callback);
            for frame in out.chunks_mut(channels) {
                let sample = match queue.samples.pop_front() {
                    Some(s) => {
                        queue.played += 1;
                        s
                    }
                    None => 0.0,
                };
                frame.fill(T::from_sample(sample));
            }
            wake.notify_all();
        },
        move |error| {
            let (lock, wake) = &*errors;
            lock.lock().unwrap_or_else(|p| p.into_inner()).failed = Some(error.to_string());
            wake.notify_all();
        },
        None,
    )
}

impl PlaybackSink {
    /// Queues samples at the device's rate, waiting while too many are queued.
    fn queue(&mut self, samples: Vec<f32>) -> Result<()> {
        let (lock, wake) = &*self.shared;
        let limit = (self.rate * MAX_QUEUED_SECONDS) as usize;
        let mut queue = lock.lock().unwrap_or_else(|p| p.into_inner());
        while queue.samples.len() > limit && queue.failed.is_none() {
            queue = wake.wait(queue).unwrap_or_else(|p| p.into_inner());
        }
        if let Some(error) = &queue.failed {
            return Err(Error::Device(format!("the sound device failed: {error}")));
        }
        self.pushed += samples.len() as u64;
        queue.samples.extend(samples);
        Ok(())
    }
}

impl AudioSink for PlaybackSink {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        let input: Vec<f32> = resample::to_f32(samples).collect();
        let mut resampled = Vec::with_capacity(input.len());
        self.resampler.push(&input, &mut resampled);
        self.queue(resampled)
    }

    /// Waits until the device has played everything, then stops it at once
    /// (a device without a clock would otherwise go on taking silence).
    fn finish(mut self: Box<Self>) -> Result<()> {
        let mut rest = Vec::new();
        self.resampler.finish(&mut rest);
        self.queue(rest)?;
        let (lock, wake) = &*self.shared;
        let mut queue = lock.lock().unwrap_or_else(|p| p.into_inner());
        while queue.played < self.pushed && queue.failed.is_none() {
            queue = wake
                .wait_timeout(queue, Duration::from_millis(200))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        let latency = queue.latency.min(Duration::from_secs(1));
        drop(queue);
        // What the callback handed over is still in the device's buffer.
        std::thread::sleep(latency);
        drop(self.stream);
        Ok(())
    }
}
