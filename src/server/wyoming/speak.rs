//! Synthesis for a Wyoming connection: a [`Task`] on the server's synthesis
//! pool that records a job into `audio-start`, `audio-chunk`... and
//! `audio-stop` events, through the same recorder as every other front end.

use std::sync::mpsc;

use serde_json::{Value, json};
use vtts_core::audio::AudioSink;
use vtts_core::{Error, Recorder};

use super::Events;
use crate::server::Context;
use crate::server::http::ApiError;
use crate::server::params::Job;
use crate::server::pool::Task;
use crate::server::routes::{count_sentences, synthesis_failed};

/// How a job's audio is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// One `audio-start` … `audio-stop` for the whole text, as `synthesize`
    /// outside a stream: Home Assistant reads up to the first `audio-stop`.
    Whole,
    /// One triple per sentence, as in a `synthesize-start` stream.
    PerSentence,
}

/// A job to speak on a connection; `done` hears whether it said anything.
pub struct Speak {
    pub job: Job,
    pub out: Events,
    pub framing: Framing,
    pub samples_per_chunk: usize,
    /// Audio of the same stream went before: the pause between sentences
    /// comes first, as it would inside one text.
    pub after_audio: bool,
    pub done: mpsc::Sender<Result<bool, ApiError>>,
}

impl Task for Speak {
    fn run(self: Box<Self>, ctx: &Context) {
        let result = speak(ctx, &self);
        let _ = self.done.send(result);
    }

    fn refuse(self: Box<Self>, _ctx: &Context) {
        let busy = ApiError::new(503, "the server is busy: try again shortly").code("busy");
        let _ = self.done.send(Err(busy));
    }
}

fn speak(ctx: &Context, task: &Speak) -> Result<bool, ApiError> {
    let job = &task.job;
    let rate = job.voice.sample_rate();
    let silence = job.synthesis.sentence_silence;
    let lead = match task.after_audio {
        true => vtts_core::audio::samples_in(silence, rate),
        false => 0,
    };
    let open = || -> vtts_core::Result<Box<dyn AudioSink>> {
        Ok(Box::new(AudioEvents {
            out: task.out.clone(),
            format: json!({"rate": rate, "width": 2, "channels": 1}),
            samples_per_chunk: task.samples_per_chunk.max(1),
            pending: vec![0; lead],
            started: false,
            per_sentence: task.framing == Framing::PerSentence,
        }))
    };
    let mut recorder =
        Recorder::lazy(open, silence, rate).limit_seconds(ctx.config.max_audio_seconds);
    let result = recorder
        .record(
            job.voice.synthesize(
                &job.text,
                &vtts_core::Synthesis {
                    delivery: vtts_core::Delivery::Windows,
                    ..job.synthesis.clone()
                },
            ),
            count_sentences(ctx),
        )
        .and_then(|()| recorder.finish());
    match result {
        Ok(_) => Ok(true),
        // A sentence of a stream with nothing to say is simply silent.
        Err(Error::NothingToSay) if task.framing == Framing::PerSentence => Ok(false),
        Err(e) => Err(synthesis_failed(&e)),
    }
}

/// Audio as Wyoming events: chunks of `samples_per_chunk` samples (the last
/// of a sentence shorter, so that nothing waits for the next sentence).
struct AudioEvents {
    out: Events,
    /// `rate`, `width` and `channels`, as every audio event carries them.
    format: Value,
    samples_per_chunk: usize,
    pending: Vec<i16>,
    started: bool,
    per_sentence: bool,
}

impl AudioEvents {
    fn send(&self, kind: &str, data: &Value, samples: &[i16]) -> vtts_core::Result<()> {
        let payload: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        self.out
            .send(kind, data, &payload)
            .map_err(|source| Error::Io {
                context: "sending audio to the Wyoming client".to_string(),
                source,
            })
    }

    fn flush(&mut self) -> vtts_core::Result<()> {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.send("audio-chunk", &self.format, &pending)?;
        }
        Ok(())
    }

    fn stop(&mut self) -> vtts_core::Result<()> {
        self.flush()?;
        if self.started {
            self.started = false;
            self.send("audio-stop", &json!({}), &[])?;
        }
        Ok(())
    }
}

impl AudioSink for AudioEvents {
    fn write(&mut self, samples: &[i16]) -> vtts_core::Result<()> {
        if !self.started {
            self.started = true;
            self.send("audio-start", &self.format, &[])?;
        }
        self.pending.extend_from_slice(samples);
        let whole = self.pending.len() / self.samples_per_chunk * self.samples_per_chunk;
        for chunk in self.pending[..whole].chunks(self.samples_per_chunk) {
            self.send("audio-chunk", &self.format, chunk)?;
        }
        self.pending.drain(..whole);
        Ok(())
    }

    fn end_sentence(&mut self) -> vtts_core::Result<()> {
        match self.per_sentence {
            true => self.stop(),
            false => self.flush(),
        }
    }

    fn finish(mut self: Box<Self>) -> vtts_core::Result<()> {
        self.stop()
    }
}
