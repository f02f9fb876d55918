//! `vtts [TEXT]...`: speak text to a file, a stream or the sound card; or,
//! in batch, one file per input line.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Seek};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;
use vtts_core::audio::{AudioSink, PlaybackSink};
use vtts_core::voices::{self, Store};
use vtts_core::{
    AudioChunk, Delivery, Error, Format, Parallelism, Recorder, Synthesis, SynthesisRequest,
    Target, Voice,
};

use crate::input::{Lines, Paragraphs};
use crate::options::{Destination, Output, SpeakOptions, VoiceChoice, file_format, load_lexicon};

pub fn run(mut options: SpeakOptions) -> Result<()> {
    options.request.lexicon = Some(load_lexicon(options.lexicon.as_deref())?);
    // The process ends with this command, so the voice is never dropped:
    // freeing ONNX Runtime's session and arena page by page costs tens of
    // milliseconds, for memory the exit returns anyway.
    let voice: &Voice = Box::leak(Box::new(load_voice(
        &options.voice,
        options.quiet,
        Parallelism::default(),
    )?));
    if options.json_input {
        return json_lines(voice, &options);
    }
    let synthesis = options.request.resolve(voice)?;
    match &options.output.destination {
        Destination::Directory(dir) => file_per_line(voice, &options, synthesis, dir),
        _ => speak_all(voice, &options, synthesis),
    }
}

/// Finds (and, on first use, downloads) the voice, then loads it.
pub fn load_voice(choice: &VoiceChoice, quiet: bool, parallelism: Parallelism) -> Result<Voice> {
    let model = find_voice(choice, quiet)?;
    let voice = Voice::load_with(&model, choice.config.as_deref(), parallelism)?;
    if !quiet {
        notice_unsplit(&voice);
    }
    Ok(voice)
}

/// One line on standard error for a voice whose sentences cannot be
/// decoded in windows: it still speaks, each sentence after its whole run.
pub fn notice_unsplit(voice: &Voice) {
    if let Some(reason) = voice.unsplit() {
        eprintln!(
            "vtts: notice: voice {} runs whole, each sentence at once, not in windows: {reason}",
            voice.name()
        );
    }
}

/// The model file of the voice the user means, downloaded on first use.
pub fn find_voice(choice: &VoiceChoice, quiet: bool) -> Result<PathBuf> {
    let progress = !quiet && std::io::stderr().is_terminal();
    Ok(voices::resolve(
        choice.wanted.clone(),
        &Store::open_default(),
        choice.offline,
        progress,
        &mut |message| {
            if !quiet {
                eprintln!("vtts: {message}");
            }
        },
    )?)
}

/// Everything to one output, sentence after sentence.
fn speak_all(voice: &Voice, options: &SpeakOptions, mut synthesis: Synthesis) -> Result<()> {
    let rate = voice.sample_rate();
    let output = &options.output;
    // What plays or streams goes window by window; a file gets whole
    // sentences, normalised exactly as piper-tts normalises them.
    synthesis.delivery = match output.destination {
        Destination::Stdout | Destination::Play => Delivery::Windows,
        _ => Delivery::Sentences,
    };
    // A file or the sound card is opened before synthesis so that a bad path
    // or a missing device fails at once; stdout gets nothing until there is audio.
    let mut recorder = match &output.destination {
        Destination::Stdout => Recorder::lazy(
            move || stdout_sink(output.format, rate),
            synthesis.sentence_silence,
            rate,
        ),
        _ => Recorder::new(open_sink(output, rate)?, synthesis.sentence_silence, rate),
    }
    .cancel_on(crate::signals::flag());
    let progress = Progress::new(options.quiet);
    let mut warned = false;
    for paragraph in Paragraphs::new(options.sources.clone()) {
        let paragraph = paragraph?;
        let chunks = voice.synthesize(&paragraph, &synthesis);
        progress.more(chunks.remaining());
        recorder.record(chunks, |chunk| {
            progress.done(chunk);
            warn_missing(voice, chunk, options.quiet, &mut warned);
        })?;
    }
    progress.finish();
    recorder.finish()?;
    Ok(())
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
    synthesis: Synthesis,
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
        write_file(voice, &line.text, &synthesis, options.output.format, &path)
            .with_context(|| line.place.clone())?;
        println!("{}", path.display());
    }
    if count == 0 {
        bail!("nothing to say: the input has no lines of text");
    }
    Ok(())
}

/// One line of `--json-input`, as piper-tts reads them, with vtts's settings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine {
    text: String,
    output_file: Option<PathBuf>,
    speed: Option<String>,
    #[serde(alias = "speaker_id")]
    speaker: Option<serde_json::Value>,
    length_scale: Option<f32>,
    noise_scale: Option<f32>,
    noise_w: Option<f32>,
}

impl JsonLine {
    /// The line's settings; what it leaves out comes from the flags.
    fn request(&self, flags: &SynthesisRequest) -> Result<SynthesisRequest, Error> {
        let speed = self
            .speed
            .as_deref()
            .map(|name| name.parse().map_err(|e| Error::setting("speed", e)))
            .transpose()?;
        let speaker = self.speaker.as_ref().map(|value| match value {
            serde_json::Value::String(name) => name.clone(),
            other => other.to_string(),
        });
        let line = SynthesisRequest {
            speed,
            length_scale: self.length_scale,
            noise_scale: self.noise_scale,
            noise_w: self.noise_w,
            speaker,
            ..SynthesisRequest::default()
        };
        Ok(line.or(flags))
    }
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
            let synthesis = job.request(&options.request)?.resolve(voice)?;
            let (path, format) = match job.output_file {
                Some(path) => {
                    let format = file_format(&path, options.format)?;
                    (path, format)
                }
                None => {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                    let format = options.output.format;
                    (dir.join(file_name(count, &job.text, format)), format)
                }
            };
            write_file(voice, &job.text, &synthesis, format, &path)?;
            Ok(path)
        })();
        match result {
            Ok(path) => println!("{}", path.display()),
            Err(e) if is_interrupted(&e) => return Err(e),
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

fn is_interrupted(error: &anyhow::Error) -> bool {
    matches!(error.downcast_ref::<Error>(), Some(Error::Interrupted))
}

/// One text to one file, which appears only when it is complete.
fn write_file(
    voice: &Voice,
    text: &str,
    synthesis: &Synthesis,
    format: Format,
    path: &Path,
) -> Result<()> {
    let rate = voice.sample_rate();
    let sink = format.sink(Target::File(path.to_path_buf()), rate)?;
    let mut recorder =
        Recorder::new(sink, synthesis.sentence_silence, rate).cancel_on(crate::signals::flag());
    recorder.record(voice.synthesize(text, synthesis), |_| {})?;
    match recorder.finish() {
        Err(Error::NothingToSay) => bail!("nothing to say in {text:?}"),
        other => Ok(other.map(drop)?),
    }
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
    let extension = format.extension();
    if slug.is_empty() {
        format!("{number:04}.{extension}")
    } else {
        format!("{number:04}-{slug}.{extension}")
    }
}

/// The sink of a file or the sound card.
fn open_sink(output: &Output, rate: u32) -> Result<Box<dyn AudioSink>> {
    Ok(match &output.destination {
        Destination::File(path) => output.format.sink(Target::File(path.clone()), rate)?,
        Destination::Play => Box::new(PlaybackSink::open(rate)?),
        Destination::Stdout => stdout_sink(output.format, rate)?,
        Destination::Directory(_) => unreachable!("directories get one file per line"),
    })
}

/// Standard output: seekable when it is a regular file we are at the start
/// of (`vtts > out.wav`), so a WAV header can get its real sizes; a stream
/// otherwise.
fn stdout_sink(format: Format, rate: u32) -> vtts_core::Result<Box<dyn AudioSink>> {
    if crate::STDOUT_WAS_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(vtts_core::Error::Io {
            context: "standard output is closed: redirect it to a file or a pipe, or use -o".into(),
            source: std::io::Error::from_raw_os_error(libc::EBADF),
        });
    }
    let target = match seekable_stdout() {
        Some(file) => Target::Seekable(Box::new(BufWriter::new(file))),
        None => Target::Stream(Box::new(BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout().lock(),
        ))),
    };
    format.sink(target, rate)
}

fn seekable_stdout() -> Option<File> {
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let mut file = File::from(fd);
    let is_file = file.metadata().is_ok_and(|m| m.is_file());
    (is_file && file.stream_position().is_ok_and(|p| p == 0)).then_some(file)
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
            file_name(12, "Đường về nhà", Format::Pcm),
            "0012-duong-ve-nha.pcm"
        );
        assert_eq!(file_name(3, "!!!", Format::Wav), "0003.wav");
        assert!(file_name(4, &"dài ".repeat(40), Format::Wav).len() < 60);
    }

    #[test]
    fn a_json_line_goes_over_the_flags() {
        let flags = SynthesisRequest {
            length_scale: Some(2.0),
            noise_w: Some(0.5),
            ..SynthesisRequest::default()
        };
        let line: JsonLine =
            serde_json::from_str(r#"{"text": "x", "speed": "slow", "speaker_id": 3}"#).unwrap();
        let request = line.request(&flags).unwrap();
        assert_eq!(request.speed, Some(vtts_core::Speed::Slow));
        assert_eq!(request.length_scale, None);
        assert_eq!(request.noise_w, Some(0.5));
        assert_eq!(request.speaker.as_deref(), Some("3"));
        let bad: JsonLine = serde_json::from_str(r#"{"text": "x", "speed": "warp"}"#).unwrap();
        assert!(
            bad.request(&flags)
                .unwrap_err()
                .to_string()
                .contains("unknown speed")
        );
    }
}
