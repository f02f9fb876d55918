//! Validated options: what the parsed command line means, checked once at the
//! edge so the rest of the program can trust it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use vtts_core::voices::Wanted;
use vtts_core::{Format, SynthesisRequest};
use vtts_text::{Dialect, Lexicon, Reading};

use crate::cli::{
    Cli, Command, InputArgs, NormalizeArgs, PhonemizeArgs, ReadingArgs, ServeArgs, ServeVoiceArgs,
    SpeakArgs, VoiceArgs, VoicesCommand,
};
use crate::input::Source;
use crate::server::ServerConfig;
use crate::server::wyoming::Address as WyomingAddress;

/// A mistake in how vtts was called; exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What vtts was asked to do.
#[derive(Debug)]
pub enum Task {
    Speak(SpeakOptions),
    Phonemize(PhonemizeOptions),
    Normalize(NormalizeOptions),
    Serve(ServeOptions),
    Voices(VoicesCommand),
    Completions(clap_complete::Shell),
    GenerateAssets(PathBuf),
}

/// Which voice to use, as the user named it; resolved (maybe downloaded) when run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceChoice {
    pub wanted: Wanted,
    pub config: Option<PathBuf>,
    pub offline: bool,
}

#[derive(Debug)]
pub struct ServeOptions {
    pub voices: ServeVoices,
    /// The server's settings; its lexicon is loaded from `lexicon` when run.
    pub server: ServerConfig,
    pub lexicon: Option<PathBuf>,
}

/// `--dialect` and `--lexicon`: how text is read. The lexicon file is read
/// when the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingChoice {
    pub dialect: Dialect,
    pub lexicon: Option<PathBuf>,
}

impl ReadingChoice {
    fn new(args: ReadingArgs) -> ReadingChoice {
        ReadingChoice {
            dialect: args.dialect,
            lexicon: args.lexicon,
        }
    }

    pub fn load(&self) -> anyhow::Result<Reading> {
        Ok(Reading {
            dialect: self.dialect,
            lexicon: load_lexicon(self.lexicon.as_deref())?,
        })
    }
}

/// The lexicon in `path`, or the empty one. A bad row is an error naming
/// the file and the line (exit status 1, like any unreadable input).
pub fn load_lexicon(path: Option<&Path>) -> anyhow::Result<Lexicon> {
    let Some(path) = path else {
        return Ok(Lexicon::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading lexicon {}", path.display()))?;
    Ok(Lexicon::parse(&text, &path.display().to_string())?)
}

/// The voices a server offers, as the user named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeVoices {
    /// Each voice asked for, in order; the first is the default. The
    /// catalog's default voice when nothing is asked for.
    pub wanted: Vec<Wanted>,
    /// The first voice's config, if not beside its model.
    pub config: Option<PathBuf>,
    /// Every installed voice too.
    pub installed: bool,
    pub offline: bool,
    pub max_loaded: usize,
}

#[derive(Debug)]
pub struct SpeakOptions {
    pub sources: Vec<Source>,
    pub voice: VoiceChoice,
    pub output: Output,
    /// Input lines are JSON objects, each naming its own output file.
    pub json_input: bool,
    /// The format `--format` (or `--raw`) asked for, over any file's extension.
    pub format: Option<Format>,
    /// The flags' settings; a JSON line's own settings go over them. Its
    /// lexicon is loaded from `lexicon` when run.
    pub request: SynthesisRequest,
    pub lexicon: Option<PathBuf>,
    pub quiet: bool,
}

#[derive(Debug)]
pub struct NormalizeOptions {
    pub sources: Vec<Source>,
    pub reading: ReadingChoice,
}

#[derive(Debug)]
pub struct PhonemizeOptions {
    pub sources: Vec<Source>,
    /// The voice whose id map to use, when no config is named.
    pub model: Option<VoiceChoice>,
    /// The config whose id map to use; Piper's standard map when neither is given.
    pub config: Option<PathBuf>,
    pub reading: ReadingChoice,
}

/// Where audio goes and in which format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub destination: Destination,
    pub format: Format,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    File(PathBuf),
    Stdout,
    /// The default sound device.
    Play,
    /// One file per input line in this folder.
    Directory(PathBuf),
}

impl Task {
    /// Checks the command line; `stdout_is_terminal` decides where audio goes by default.
    pub fn from_cli(cli: Cli, stdout_is_terminal: bool) -> Result<Self, UsageError> {
        match cli.command {
            Some(Command::Phonemize(args)) => Ok(Task::Phonemize(phonemize_options(args))),
            Some(Command::Normalize(args)) => Ok(Task::Normalize(normalize_options(args))),
            Some(Command::Serve(args)) => serve_options(*args).map(Task::Serve),
            Some(Command::Voices(command)) => Ok(Task::Voices(command)),
            Some(Command::Completions { shell }) => Ok(Task::Completions(shell)),
            Some(Command::GenerateAssets { dir }) => Ok(Task::GenerateAssets(dir)),
            None => speak_options(cli.speak, stdout_is_terminal).map(Task::Speak),
        }
    }
}

fn sources(input: InputArgs) -> Vec<Source> {
    let mut sources = Vec::new();
    if !input.text.is_empty() {
        sources.push(Source::Text(input.text.join(" ")));
    }
    sources.extend(input.files.into_iter().map(|path| {
        if path.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(path)
        }
    }));
    if sources.is_empty() {
        sources.push(Source::Stdin);
    }
    sources
}

fn phonemize_options(args: PhonemizeArgs) -> PhonemizeOptions {
    // Only what is installed or on disk: phonemes never wait for a download.
    let model = args.voice.model.map(|model| VoiceChoice {
        wanted: Wanted::Path(model),
        config: None,
        offline: true,
    });
    PhonemizeOptions {
        sources: sources(args.input),
        model,
        config: args.voice.config,
        reading: ReadingChoice::new(args.reading),
    }
}

fn normalize_options(args: NormalizeArgs) -> NormalizeOptions {
    NormalizeOptions {
        sources: sources(args.input),
        reading: ReadingChoice::new(args.reading),
    }
}

fn voice_choice(args: VoiceArgs) -> VoiceChoice {
    let wanted = match (args.files.model, args.voice) {
        (Some(model), _) => Wanted::Path(model),
        (None, Some(name)) => Wanted::Name(name),
        (None, None) => Wanted::Default,
    };
    VoiceChoice {
        wanted,
        config: args.files.config,
        offline: args.offline,
    }
}

fn serve_voices(args: ServeVoiceArgs) -> ServeVoices {
    let installed = args.installed.is_some();
    let mut wanted: Vec<Wanted> = args.models.into_iter().map(Wanted::Path).collect();
    wanted.extend(args.names.into_iter().map(Wanted::Name));
    if wanted.is_empty() && !installed {
        wanted.push(Wanted::Default);
    }
    ServeVoices {
        wanted,
        config: args.config,
        installed,
        offline: args.offline,
        max_loaded: args.max_loaded_voices,
    }
}

fn serve_options(args: ServeArgs) -> Result<ServeOptions, UsageError> {
    let tcp = |a: &WyomingAddress| matches!(a, WyomingAddress::Tcp(_));
    if args.wyoming.zeroconf.is_some() && !args.wyoming.addresses.iter().any(tcp) {
        return Err(UsageError(
            "--zeroconf needs a TCP address to announce: add --wyoming tcp://0.0.0.0:10200".into(),
        ));
    }
    let workers = args.workers.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let defaults = ServerConfig::default();
    Ok(ServeOptions {
        voices: serve_voices(args.voices),
        server: ServerConfig {
            host: args.host,
            port: args.port,
            audio_dir: args.audio_dir.unwrap_or(defaults.audio_dir),
            workers,
            queue: args.queue,
            max_chars: args.max_chars as usize,
            cache_max_bytes: args.cache_max_mb.saturating_mul(1024 * 1024),
            max_audio_seconds: args.max_audio_seconds as f32,
            public_url: args.public_url,
            cors_origin: Some(args.cors_origin).filter(|o| !o.is_empty()),
            sentence_silence: args.silence.sentence_silence,
            reading: args.reading.dialect.into(),
            io_timeout: Duration::from_secs(args.io_timeout),
            shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
            max_connections: args.max_connections,
            wyoming_connections: defaults.wyoming_connections,
            idle_timeout: Duration::from_secs(args.idle_timeout),
            api_key: args.api_key.filter(|key| !key.is_empty()),
            http: !args.wyoming.no_http,
            wyoming: args.wyoming.addresses,
            samples_per_chunk: args.wyoming.samples_per_chunk,
            zeroconf: args.wyoming.zeroconf,
        },
        lexicon: args.reading.lexicon,
    })
}

fn speak_options(args: SpeakArgs, stdout_is_terminal: bool) -> Result<SpeakOptions, UsageError> {
    let explicit = args.format.or(args.raw.then_some(Format::Pcm));
    let destination = match (args.output, args.output_dir) {
        (_, Some(dir)) => Destination::Directory(dir),
        _ if args.play => Destination::Play,
        (Some(path), None) if path.as_os_str() == "-" => Destination::Stdout,
        (Some(path), None) => Destination::File(path),
        (None, None) if args.json_input => Destination::Directory(PathBuf::from(".")),
        (None, None) if stdout_is_terminal && explicit.is_none() => Destination::Play,
        (None, None) if stdout_is_terminal => {
            return Err(UsageError(format!(
                "standard output is a terminal, not a place for {} audio: \
                 redirect it (vtts --raw ... | aplay ...) or choose a file with -o",
                match explicit {
                    Some(Format::Pcm) | None => "raw",
                    Some(format) => format.name(),
                }
            )));
        }
        (None, None) => Destination::Stdout,
    };
    let format = match (&destination, explicit) {
        (_, Some(format)) => format,
        (Destination::File(path), None) => file_format(path, None)?,
        _ => Format::Wav,
    };
    let synthesis = args.synthesis;
    Ok(SpeakOptions {
        sources: sources(args.input),
        voice: voice_choice(args.voice),
        output: Output {
            destination,
            format,
        },
        json_input: args.json_input,
        format: explicit,
        request: SynthesisRequest {
            speed: synthesis.speed,
            length_scale: synthesis.length_scale,
            noise_scale: synthesis.noise_scale,
            noise_w: synthesis.noise_w,
            speaker: synthesis.speaker,
            dialect: Some(args.reading.dialect),
            lexicon: None,
            sentence_silence: Some(args.silence.sentence_silence),
        },
        lexicon: args.reading.lexicon,
        quiet: args.quiet.quiet,
    })
}

/// The format of a file: `explicit` if given, else what its extension
/// names, else WAV; an extension vtts does not write is a usage error.
pub fn file_format(path: &std::path::Path, explicit: Option<Format>) -> Result<Format, UsageError> {
    match (explicit, Format::from_path(path)) {
        (Some(format), _) => Ok(format),
        (None, Some(found)) => found.map_err(UsageError),
        (None, None) => Ok(Format::Wav),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use vtts_core::Speed;

    fn speak(args: &[&str], terminal: bool) -> Result<SpeakOptions, UsageError> {
        let cli = Cli::try_parse_from(std::iter::once("vtts").chain(args.iter().copied())).unwrap();
        match Task::from_cli(cli, terminal)? {
            Task::Speak(options) => Ok(options),
            _ => panic!("expected speak"),
        }
    }

    #[test]
    fn text_arguments_are_joined_and_come_before_files() {
        let options = speak(
            &["-m", "v.onnx", "xin", "chào", "-f", "a.txt", "-f", "-"],
            false,
        )
        .unwrap();
        assert_eq!(
            options.sources,
            vec![
                Source::Text("xin chào".into()),
                Source::File("a.txt".into()),
                Source::Stdin
            ]
        );
    }

    #[test]
    fn without_text_or_files_stdin_is_read() {
        assert_eq!(
            speak(&["-m", "v.onnx"], false).unwrap().sources,
            vec![Source::Stdin]
        );
    }

    #[test]
    fn a_terminal_means_playing_on_the_sound_card() {
        let options = speak(&["-m", "v.onnx", "xin chào"], true).unwrap();
        assert_eq!(options.output.destination, Destination::Play);
        let error = speak(&["-m", "v.onnx", "--raw", "xin chào"], true).unwrap_err();
        assert!(error.0.contains("not a place for raw audio"), "{error}");
    }

    #[test]
    fn output_dir_and_json_input_write_files() {
        let options = speak(&["--output-dir", "out", "x"], false).unwrap();
        assert_eq!(
            options.output.destination,
            Destination::Directory("out".into())
        );
        let options = speak(&["--json-input"], true).unwrap();
        assert!(options.json_input);
        assert_eq!(
            options.output.destination,
            Destination::Directory(".".into())
        );
    }

    #[test]
    fn the_extension_picks_the_format_unless_format_says() {
        let format = |args: &[&str]| speak(args, false).map(|o| o.output.format);
        assert_eq!(format(&["-o", "a.mp3", "x"]).unwrap(), Format::Mp3);
        assert_eq!(format(&["-o", "a.ogg", "x"]).unwrap(), Format::Opus);
        assert_eq!(format(&["-o", "a", "x"]).unwrap(), Format::Wav);
        assert_eq!(
            format(&["-o", "a.mp3", "--format", "flac", "x"]).unwrap(),
            Format::Flac
        );
        assert_eq!(format(&["--raw", "x"]).unwrap(), Format::Pcm);
        let error = format(&["-o", "a.txt", "x"]).unwrap_err();
        assert!(
            error.0.contains(".mp3") && error.0.contains("--format"),
            "{error}"
        );
        assert!(format(&["-o", "a.txt", "--format", "wav", "x"]).is_ok());
        let terminal = speak(&["--format", "mp3", "x"], true).unwrap_err();
        assert!(
            terminal.0.contains("not a place for mp3 audio"),
            "{terminal}"
        );
    }

    #[test]
    fn dash_means_stdout_even_on_a_terminal() {
        let options = speak(&["-m", "v.onnx", "-o", "-", "x"], true).unwrap();
        assert_eq!(options.output.destination, Destination::Stdout);
    }

    #[test]
    fn the_flags_become_one_request() {
        let options = speak(
            &[
                "-m",
                "v",
                "--speed",
                "fast",
                "--length-scale",
                "2",
                "-s",
                "3",
                "x",
            ],
            false,
        )
        .unwrap();
        assert_eq!(options.request.speed, Some(Speed::Fast));
        assert_eq!(options.request.length_scale, Some(2.0));
        assert_eq!(options.request.speaker.as_deref(), Some("3"));
        assert_eq!(options.request.noise_scale, None, "the voice's own");
        assert_eq!(options.request.sentence_silence, Some(0.2));
    }

    #[test]
    fn a_voice_is_a_path_a_name_or_the_default() {
        assert_eq!(
            speak(&["-m", "v.onnx", "x"], false).unwrap().voice.wanted,
            Wanted::Path("v.onnx".into())
        );
        assert_eq!(
            speak(&["--voice", "vi_VN-vivos-x_low", "x"], false)
                .unwrap()
                .voice
                .wanted,
            Wanted::Name("vi_VN-vivos-x_low".into())
        );
        assert_eq!(speak(&["x"], false).unwrap().voice.wanted, Wanted::Default);
    }
}
