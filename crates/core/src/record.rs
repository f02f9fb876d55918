//! The one place chunks of audio become output: in order, with the pause
//! between sentences, counted, stoppable, and with "nothing to say" decided
//! the same way for every front end.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::audio::{self, AudioSink};
use crate::error::{Error, Result};
use crate::synth::AudioChunk;

/// What a finished recording holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Sentences written (a long sentence cut into pieces counts once).
    pub sentences: usize,
    /// Samples written, pauses included.
    pub samples: usize,
}

type Opener<'s> = Box<dyn FnOnce() -> Result<Box<dyn AudioSink + 's>> + 's>;

/// Writes the chunks of one or more synthesis runs to one sink.
pub struct Recorder<'s> {
    sink: Option<Box<dyn AudioSink + 's>>,
    open: Option<Opener<'s>>,
    /// Samples of silence between sentences.
    silence: usize,
    cancel: Option<&'s AtomicBool>,
    /// The most samples it may write, and that many as seconds, for errors.
    limit: Option<(usize, f32)>,
    sample_rate: u32,
    recorded: Recorded,
    /// The last chunk written ended a sentence: a pause comes before the next.
    after_sentence: bool,
}

impl<'s> Recorder<'s> {
    /// Records into `sink`, with `sentence_silence` seconds between sentences.
    pub fn new(sink: Box<dyn AudioSink + 's>, sentence_silence: f32, sample_rate: u32) -> Self {
        Self::with(Some(sink), None, sentence_silence, sample_rate)
    }

    /// Records into the sink `open` makes when the first audio is ready, so
    /// that an output (standard output, an HTTP response) is not started for
    /// a text with nothing to say or a synthesis that fails at once.
    pub fn lazy(
        open: impl FnOnce() -> Result<Box<dyn AudioSink + 's>> + 's,
        sentence_silence: f32,
        sample_rate: u32,
    ) -> Self {
        Self::with(None, Some(Box::new(open)), sentence_silence, sample_rate)
    }

    fn with(
        sink: Option<Box<dyn AudioSink + 's>>,
        open: Option<Opener<'s>>,
        sentence_silence: f32,
        sample_rate: u32,
    ) -> Self {
        Self {
            sink,
            open,
            silence: audio::samples_in(sentence_silence, sample_rate),
            cancel: None,
            limit: None,
            sample_rate,
            recorded: Recorded::default(),
            after_sentence: false,
        }
    }

    /// Stops before the next sentence once `flag` is set, with
    /// [`Error::Interrupted`].
    pub fn cancel_on(mut self, flag: &'s AtomicBool) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Refuses, with [`Error::TooLong`], a chunk that would take the audio
    /// past `seconds`: checked as each sentence is made, so a short request
    /// cannot make unbounded work (a server's bound per request).
    pub fn limit_seconds(mut self, seconds: f32) -> Self {
        self.limit = Some((audio::samples_in(seconds, self.sample_rate), seconds));
        self
    }

    /// What has been written so far.
    pub fn recorded(&self) -> Recorded {
        self.recorded
    }

    /// Synthesises and writes `chunks` one by one, calling `each` after
    /// every chunk (for progress, counters and warnings).
    pub fn record(
        &mut self,
        chunks: impl IntoIterator<Item = Result<AudioChunk>>,
        mut each: impl FnMut(&AudioChunk),
    ) -> Result<()> {
        let mut chunks = chunks.into_iter();
        loop {
            if self.cancel.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
                return Err(Error::Interrupted);
            }
            let Some(chunk) = chunks.next() else {
                return Ok(());
            };
            let chunk = chunk?;
            self.write(&chunk)?;
            each(&chunk);
        }
    }

    fn write(&mut self, chunk: &AudioChunk) -> Result<()> {
        let pause = if self.after_sentence { self.silence } else { 0 };
        if let Some((max, seconds)) = self.limit
            && self.recorded.samples + pause + chunk.samples.len() + chunk.coming > max
        {
            return Err(Error::TooLong(format!(
                "the audio would be longer than the limit of {seconds} s: split the text, or speak faster"
            )));
        }
        if self.sink.is_none()
            && let Some(open) = self.open.take()
        {
            self.sink = Some(open()?);
        }
        let sink = self.sink.as_mut().expect("a sink, given or opened");
        if self.after_sentence && self.silence > 0 {
            sink.write(&vec![0; self.silence])?;
            self.recorded.samples += self.silence;
        }
        sink.write(&chunk.samples)?;
        if chunk.ends_sentence {
            sink.end_sentence()?;
        }
        self.recorded.samples += chunk.samples.len();
        self.recorded.sentences += usize::from(chunk.ends_sentence);
        self.after_sentence = chunk.ends_sentence;
        Ok(())
    }

    /// Completes the output; [`Error::NothingToSay`] when no sentence was
    /// written (the sink, if one was given, is then dropped unfinished, so a
    /// file never appears).
    pub fn finish(self) -> Result<Recorded> {
        match self.sink {
            Some(sink) if self.recorded.sentences > 0 => {
                sink.finish()?;
                Ok(self.recorded)
            }
            _ => Err(Error::NothingToSay),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A sink that keeps what it gets, and whether it was finished.
    #[derive(Default, Clone)]
    struct Kept(Rc<RefCell<(Vec<i16>, bool)>>);

    impl AudioSink for Kept {
        fn write(&mut self, samples: &[i16]) -> Result<()> {
            self.0.borrow_mut().0.extend_from_slice(samples);
            Ok(())
        }
        fn finish(self: Box<Self>) -> Result<()> {
            self.0.borrow_mut().1 = true;
            Ok(())
        }
    }

    fn chunk(samples: &[i16], ends_sentence: bool) -> Result<AudioChunk> {
        Ok(AudioChunk {
            text: String::new(),
            ends_sentence,
            phonemes: String::new(),
            ids: Vec::new(),
            missing: Vec::new(),
            samples: samples.to_vec(),
            coming: 0,
            sample_rate: 10,
        })
    }

    #[test]
    fn pauses_go_between_sentences_not_between_pieces() {
        let kept = Kept::default();
        let mut recorder = Recorder::new(Box::new(kept.clone()), 0.2, 10);
        let chunks = [chunk(&[1], false), chunk(&[2], true), chunk(&[3], true)];
        recorder.record(chunks, |_| {}).unwrap();
        recorder.record([chunk(&[4], true)], |_| {}).unwrap();
        let recorded = recorder.finish().unwrap();
        assert_eq!(kept.0.borrow().0, vec![1, 2, 0, 0, 3, 0, 0, 4]);
        assert!(kept.0.borrow().1, "finished");
        assert_eq!(
            recorded,
            Recorded {
                sentences: 3,
                samples: 8
            }
        );
    }

    #[test]
    fn nothing_to_say_never_opens_or_finishes_the_sink() {
        let opened = std::cell::Cell::new(false);
        let mut recorder = Recorder::lazy(
            || {
                opened.set(true);
                Ok(Box::new(Kept::default()))
            },
            0.0,
            10,
        );
        recorder.record(std::iter::empty(), |_| {}).unwrap();
        assert!(matches!(recorder.finish(), Err(Error::NothingToSay)));
        assert!(!opened.get());

        let kept = Kept::default();
        let recorder = Recorder::new(Box::new(kept.clone()), 0.0, 10);
        assert!(matches!(recorder.finish(), Err(Error::NothingToSay)));
        assert!(!kept.0.borrow().1, "not finished");
    }

    #[test]
    fn a_set_flag_stops_before_the_next_sentence() {
        let stop = AtomicBool::new(false);
        let kept = Kept::default();
        let mut recorder = Recorder::new(Box::new(kept.clone()), 0.0, 10).cancel_on(&stop);
        let pulled = std::cell::Cell::new(0);
        let chunks = (0..5).map(|i| {
            pulled.set(pulled.get() + 1);
            chunk(&[i], true)
        });
        let result = recorder.record(chunks, |_| stop.store(true, Ordering::SeqCst));
        assert!(matches!(result, Err(Error::Interrupted)));
        assert_eq!(pulled.get(), 1, "no sentence is synthesised after the stop");
        assert_eq!(kept.0.borrow().0, vec![0]);
    }

    #[test]
    fn a_limit_stops_before_the_chunk_that_would_pass_it() {
        let kept = Kept::default();
        // 10 samples a second, a pause of 1 sample, at most 1 s.
        let mut recorder = Recorder::new(Box::new(kept.clone()), 0.1, 10).limit_seconds(1.0);
        let pulled = std::cell::Cell::new(0);
        let chunks = (0..5).map(|_| {
            pulled.set(pulled.get() + 1);
            chunk(&[1, 2, 3, 4], true)
        });
        let result = recorder.record(chunks, |_| {});
        assert!(
            matches!(&result, Err(Error::TooLong(m)) if m.contains("1 s")),
            "{result:?}"
        );
        // 4 + 1 + 4 = 9 fit; a third chunk would make 14.
        assert_eq!(kept.0.borrow().0.len(), 9);
        assert_eq!(pulled.get(), 3, "nothing is synthesised after the limit");
    }
}
