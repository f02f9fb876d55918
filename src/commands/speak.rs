//! `vtts [TEXT]...`: speak text into a WAV file, a WAV stream or raw PCM.

use std::fs::File;
use std::io::{BufWriter, Seek};
use std::os::fd::AsFd;

use anyhow::{Context, Result, bail};

use crate::input::Paragraphs;
use crate::options::{Destination, Format, Output, SpeakOptions, UsageError};
use vtts::audio::{self, AudioSink, RawSink, WavFileSink, WavStreamSink};
use vtts::synth::{self, Written};
use vtts::{SynthesisOptions, Voice};

pub fn run(options: SpeakOptions) -> Result<()> {
    let voice = Voice::load(&options.model, options.config.as_deref())?;
    let synthesis = synthesis_options(&voice, &options)?;
    let rate = voice.sample_rate();
    // A file is created (under a temporary name) before synthesis so that an
    // unwritable path fails at once; stdout gets nothing until there is audio.
    let mut sink: Option<Box<dyn AudioSink>> = match &options.output.destination {
        Destination::File(_) => Some(open_sink(&options.output, rate)?),
        Destination::Stdout => None,
    };
    let silence = audio::samples_in(options.sentence_silence, rate);
    let mut written = Written::default();
    let mut warned = false;
    for paragraph in Paragraphs::new(options.sources) {
        let paragraph = paragraph?;
        let mut chunks = voice.synthesize(&paragraph, synthesis).peekable();
        if chunks.peek().is_none() {
            continue;
        }
        if sink.is_none() {
            sink = Some(open_sink(&options.output, rate)?);
        }
        let sink = sink.as_deref_mut().expect("opened above");
        synth::write_chunks(chunks, sink, silence, &mut written, |chunk| {
            if !chunk.missing.is_empty() && !options.quiet && !warned {
                warned = true;
                eprintln!(
                    "vtts: warning: voice {} has no id for {:?}; those phonemes were left out",
                    voice.name(),
                    chunk.missing
                );
            }
        })?;
    }
    match sink {
        Some(sink) if written.sentences > 0 => sink.finish(),
        _ => bail!("nothing to say: the input has no speakable text"),
    }
}

fn synthesis_options(voice: &Voice, options: &SpeakOptions) -> Result<SynthesisOptions> {
    let mut synthesis = SynthesisOptions::for_voice(voice);
    if let Some(length_scale) = options.length_scale {
        synthesis.scales.length_scale = length_scale;
    }
    if let Some(noise_scale) = options.noise_scale {
        synthesis.scales.noise_scale = noise_scale;
    }
    if let Some(noise_w) = options.noise_w {
        synthesis.scales.noise_w = noise_w;
    }
    if let Some(speaker) = &options.speaker {
        synthesis.speaker = voice
            .speaker(speaker)
            .map_err(|e| UsageError(format!("{e:#}")))?;
    }
    Ok(synthesis)
}

fn open_sink(output: &Output, rate: u32) -> Result<Box<dyn AudioSink>> {
    Ok(match (&output.destination, output.format) {
        (Destination::File(path), Format::Wav) => Box::new(WavFileSink::create(path, rate)?),
        (Destination::File(path), Format::Raw) => Box::new(RawSink::create(path)?),
        (Destination::Stdout, Format::Raw) => Box::new(RawSink::new(stdout())),
        (Destination::Stdout, Format::Wav) => match seekable_stdout()? {
            Some(file) => Box::new(WavFileSink::new(BufWriter::new(file), rate)?),
            None => Box::new(WavStreamSink::new(stdout(), rate)?),
        },
    })
}

fn stdout() -> BufWriter<std::io::StdoutLock<'static>> {
    BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}

/// Stdout as a file when it is a regular file we are at the start of
/// (`vtts > out.wav`), so the WAV header can get its real sizes.
fn seekable_stdout() -> Result<Option<File>> {
    let fd = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .context("duplicating standard output")?;
    let mut file = File::from(fd);
    let is_file = file.metadata().is_ok_and(|m| m.is_file());
    Ok((is_file && file.stream_position().is_ok_and(|p| p == 0)).then_some(file))
}
