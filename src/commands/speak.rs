//! `vtts [TEXT]...`: speak text to a WAV file, a WAV stream, raw PCM or the
//! sound card; or, in batch, one file per input line.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Seek};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;

use crate::input::{Lines, Paragraphs};
use crate::options::{Destination, Format, Output, SpeakOptions, UsageError, VoiceChoice};
use vtts::audio::{self, AudioSink, PlaybackSink, RawSink, WavFileSink, WavStreamSink};
use vtts::synth::{self, Speed, Written};
use vtts::voice::Parallelism;
use vtts::voices::{self, Store};
use vtts::{AudioChunk, SynthesisOptions, Voice};

/// Set by Ctrl-C: synthesis stops after the current sentence, and an
/// unfinished output file is removed rather than left half written.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn run(options: SpeakOptions) -> Result<()> {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    // The process ends with this command, so the voice is never dropped:
    // freeing ONNX Runtime's session and arena page by page took 35–45 ms
    // of a 400 ms one-sentence run, for memory the exit returns anyway.
    let voice: &Voice = Box::leak(Box::new(load_voice(
        &options.voice,
        options.quiet,
        Parallelism::default(),
    )?));
    let synthesis = synthesis_options(voice, &options, None, None)?;
    match (&options.output.destination, options.json_input) {
        (_, true) => json_lines(voice, &options),
        (Destination::Directory(dir), false) => file_per_line(voice, &options, synthesis, dir),
        _ => speak_all(voice, &options, synthesis),
    }
}

/// Finds (and, on first use, downloads) the voice, then loads it.
pub fn load_voice(choice: &VoiceChoice, quiet: bool, parallelism: Parallelism) -> Result<Voice> {
    let progress = !quiet && std::io::stderr().is_terminal();
    let model = voices::resolve(
        choice.wanted.clone(),
        &Store::open_default(),
        choice.offline,
        progress,
        &mut |message| {
            if !quiet {
                eprintln!("vtts: {message}");
            }
        },
    )?;
    Voice::load_with(&model, choice.config.as_deref(), parallelism)
}

/// Everything to one output, sentence after sentence.
fn speak_all(voice: &Voice, options: &SpeakOptions, synthesis: SynthesisOptions) -> Result<()> {
    let rate = voice.sample_rate();
    // A file or the sound card is opened before synthesis so that a bad path
    // or a missing device fails at once; stdout gets nothing until there is audio.
    let mut sink: Option<Box<dyn AudioSink>> = match &options.output.destination {
        Destination::Stdout => None,
        _ => Some(open_sink(&options.output, rate)?),
    };
    let silence = audio::samples_in(options.sentence_silence, rate);
    let progress = Progress::new(options.quiet);
    let mut written = Written::default();
    let mut warned = false;
    for paragraph in Paragraphs::new(options.sources.clone()) {
        let paragraph = paragraph?;
        let chunks = voice.synthesize(&paragraph, synthesis);
        progress.more(chunks.remaining());
        let mut chunks = chunks
            .take_while(|_| !INTERRUPTED.load(Ordering::SeqCst))
            .peekable();
        if chunks.peek().is_none() {
            continue;
        }
        if sink.is_none() {
            sink = Some(open_sink(&options.output, rate)?);
        }
        let sink = sink.as_deref_mut().expect("opened above");
        synth::write_chunks(chunks, sink, silence, &mut written, |chunk| {
            progress.done(chunk);
            warn_missing(voice, chunk, options.quiet, &mut warned);
        })?;
        if INTERRUPTED.load(Ordering::SeqCst) {
            bail!("interrupted");
        }
    }
    progress.finish();
    match sink {
        Some(sink) if written.sentences > 0 => sink.finish(),
        _ => bail!("nothing to say: the input has no speakable text"),
    }
}

fn warn_missing(voice: &Voice, chunk: &AudioChunk, quiet: bool, warned: &mut bool) {
    if !chunk.missing.is_empty() && !quiet && !*warned {
        *warned = true;
        eprintln!(
            "vtts: warning: voice {} has no id for {:?}; those phonemes were left out",
            voice.name(),
            chunk.missing
        );
    }
}

/// `--output-dir`: one file per non-empty input line, named by its number
/// and first words; each written path is printed.
fn file_per_line(
    voice: &Voice,
    options: &SpeakOptions,
    synthesis: SynthesisOptions,
    dir: &Path,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut count = 0;
    for line in Lines::new(options.sources.clone()) {
        let line = line?;
        if line.text.trim().is_empty() {
            continue;
        }
        count += 1;
        let path = dir.join(file_name(count, &line.text, options.output.format));
        write_file(voice, &line.text, synthesis, options, &path)
            .with_context(|| line.place.clone())?;
        println!("{}", path.display());
    }
    if count == 0 {
        bail!("nothing to say: the input has no lines of text");
    }
    Ok(())
}

/// One line of `--json-input`, as piper-tts reads them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine {
    text: String,
    output_file: Option<PathBuf>,
    speed: Option<String>,
    speaker: Option<serde_json::Value>,
    length_scale: Option<f32>,
    noise_scale: Option<f32>,
    noise_w: Option<f32>,
}

/// `--json-input`: one object per line; a bad line is reported and the rest
/// still run, and the exit status says whether all of them did.
fn json_lines(voice: &Voice, options: &SpeakOptions) -> Result<()> {
    let Destination::Directory(dir) = &options.output.destination else {
        unreachable!("json input always writes files")
    };
    let (mut count, mut failed) = (0, 0);
    for line in Lines::new(options.sources.clone()) {
        let line = line?;
        if line.text.trim().is_empty() {
            continue;
        }
        count += 1;
        let result = (|| -> Result<PathBuf> {
            let job: JsonLine =
                serde_json::from_str(&line.text).context("not a JSON object with a \"text\"")?;
            let speaker = job
                .speaker
                .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string));
            let speed = job
                .speed
                .as_deref()
                .map(str::parse::<Speed>)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let mut synthesis = synthesis_options(voice, options, speed, speaker.as_deref())?;
            if let Some(v) = job.length_scale {
                synthesis.scales.length_scale = v;
            }
            if let Some(v) = job.noise_scale {
                synthesis.scales.noise_scale = v;
            }
            if let Some(v) = job.noise_w {
                synthesis.scales.noise_w = v;
            }
            let path = match job.output_file {
                Some(path) => path,
                None => {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                    dir.join(file_name(count, &job.text, options.output.format))
                }
            };
            write_file(voice, &job.text, synthesis, options, &path)?;
            Ok(path)
        })();
        match result {
            Ok(path) => println!("{}", path.display()),
            Err(e) => {
                failed += 1;
                eprintln!("vtts: error: {}: {e:#}", line.place);
            }
        }
    }
    match (count, failed) {
        (0, _) => bail!("nothing to say: the input has no JSON lines"),
        (_, 0) => Ok(()),
        _ => bail!("{failed} of {count} lines failed"),
    }
}

fn write_file(
    voice: &Voice,
    text: &str,
    synthesis: SynthesisOptions,
    options: &SpeakOptions,
    path: &Path,
) -> Result<()> {
    let output = Output {
        destination: Destination::File(path.to_path_buf()),
        format: options.output.format,
    };
    let mut sink = open_sink(&output, voice.sample_rate())?;
    let mut written = Written::default();
    let silence = audio::samples_in(options.sentence_silence, voice.sample_rate());
    let chunks = voice
        .synthesize(text, synthesis)
        .take_while(|_| !INTERRUPTED.load(Ordering::SeqCst));
    synth::write_chunks(chunks, sink.as_mut(), silence, &mut written, |_| {})?;
    if INTERRUPTED.load(Ordering::SeqCst) {
        bail!("interrupted");
    }
    if written.sentences == 0 {
        bail!("nothing to say in {text:?}");
    }
    sink.finish()
}

/// `0001-xin-chao-cac-ban.wav`: the line number, then the first words without diacritics.
fn file_name(number: usize, text: &str, format: Format) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut slug = String::new();
    for c in text.nfd().filter(|c| c.is_ascii() || c.is_alphanumeric()) {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '-',
        };
        if c != '-' || !slug.ends_with('-') {
            slug.push(c);
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_matches('-');
    let extension = match format {
        Format::Wav => "wav",
        Format::Raw => "pcm",
    };
    if slug.is_empty() {
        format!("{number:04}.{extension}")
    } else {
        format!("{number:04}-{slug}.{extension}")
    }
}

fn synthesis_options(
    voice: &Voice,
    options: &SpeakOptions,
    speed: Option<Speed>,
    speaker: Option<&str>,
) -> Result<SynthesisOptions> {
    let mut synthesis = SynthesisOptions::for_voice(voice);
    synthesis.dialect = options.dialect;
    if let Some(length_scale) = speed.map(Speed::length_scale).or(options.length_scale) {
        synthesis.scales.length_scale = length_scale;
    }
    if let Some(noise_scale) = options.noise_scale {
        synthesis.scales.noise_scale = noise_scale;
    }
    if let Some(noise_w) = options.noise_w {
        synthesis.scales.noise_w = noise_w;
    }
    if let Some(speaker) = speaker.or(options.speaker.as_deref()) {
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
        (Destination::Play, _) => Box::new(PlaybackSink::open(rate)?),
        (Destination::Stdout, Format::Raw) => Box::new(RawSink::new(stdout())),
        (Destination::Stdout, Format::Wav) => match seekable_stdout()? {
            Some(file) => Box::new(WavFileSink::new(BufWriter::new(file), rate)?),
            None => Box::new(WavStreamSink::new(stdout(), rate)?),
        },
        (Destination::Directory(_), _) => unreachable!("directories get one file per line"),
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

/// The progress bar on a terminal's stderr: sentences done of those seen so
/// far, seconds of audio, and the real-time factor.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    audio: std::cell::Cell<f64>,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} sentence {pos}/{len} [{bar:25}] {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Self {
            bar,
            started: Instant::now(),
            audio: std::cell::Cell::new(0.0),
        }
    }

    fn more(&self, sentences: usize) {
        self.bar.inc_length(sentences as u64);
    }

    fn done(&self, chunk: &AudioChunk) {
        self.audio
            .set(self.audio.get() + chunk.duration().as_secs_f64());
        let elapsed = self.started.elapsed().as_secs_f64();
        let audio = self.audio.get();
        self.bar.set_message(format!(
            "{audio:.1} s of audio, real-time factor {:.3}",
            if audio > 0.0 { elapsed / audio } else { 0.0 }
        ));
        self.bar.inc(u64::from(chunk.ends_sentence));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_number_and_the_first_words_without_diacritics() {
        assert_eq!(
            file_name(1, "Xin chào các bạn!\n", Format::Wav),
            "0001-xin-chao-cac-ban.wav"
        );
        assert_eq!(
            file_name(12, "Đường về nhà", Format::Raw),
            "0012-duong-ve-nha.pcm"
        );
        assert_eq!(file_name(3, "!!!", Format::Wav), "0003.wav");
        assert!(file_name(4, &"dài ".repeat(40), Format::Wav).len() < 60);
    }
}
