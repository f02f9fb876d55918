//! Validated options: what the parsed command line means, checked once at the
//! edge so the rest of the program can trust it.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{
    Cli, Command, InputArgs, NormalizeArgs, PhonemizeArgs, ServeArgs, SpeakArgs, VoiceArgs,
    VoicesCommand,
};
use crate::input::Source;
use vtts::server::ServerConfig;
use vtts::text::Dialect;
use vtts::voices::Wanted;

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
    pub voice: VoiceChoice,
    pub server: ServerConfig,
}

#[derive(Debug)]
pub struct SpeakOptions {
    pub sources: Vec<Source>,
    pub voice: VoiceChoice,
    pub output: Output,
    /// Input lines are JSON objects, each naming its own output file.
    pub json_input: bool,
    pub length_scale: Option<f32>,
    pub noise_scale: Option<f32>,
    pub noise_w: Option<f32>,
    pub speaker: Option<String>,
    pub dialect: Dialect,
    pub sentence_silence: f32,
    pub quiet: bool,
}

#[derive(Debug)]
pub struct NormalizeOptions {
    pub sources: Vec<Source>,
    pub dialect: Dialect,
}

#[derive(Debug)]
pub struct PhonemizeOptions {
    pub sources: Vec<Source>,
    /// The voice config whose id map to use; Piper's standard map when absent.
    pub config: Option<PathBuf>,
    pub dialect: Dialect,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Wav,
    Raw,
}

impl Task {
    /// Checks the command line; `stdout_is_terminal` decides where audio goes by default.
    pub fn from_cli(cli: Cli, stdout_is_terminal: bool) -> Result<Self, UsageError> {
        match cli.command {
            Some(Command::Phonemize(args)) => Ok(Task::Phonemize(phonemize_options(args))),
            Some(Command::Normalize(args)) => Ok(Task::Normalize(normalize_options(args))),
            Some(Command::Serve(args)) => Ok(Task::Serve(serve_options(args))),
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

fn config_path(model: Option<PathBuf>, config: Option<PathBuf>) -> Option<PathBuf> {
    config.or_else(|| model.map(|model| vtts::voice::config::default_path(&model)))
}

fn phonemize_options(args: PhonemizeArgs) -> PhonemizeOptions {
    PhonemizeOptions {
        sources: sources(args.input),
        config: config_path(args.model, args.config),
        dialect: args.dialect,
    }
}

fn normalize_options(args: NormalizeArgs) -> NormalizeOptions {
    NormalizeOptions {
        sources: sources(args.input),
        dialect: args.dialect,
    }
}

fn voice_choice(args: VoiceArgs) -> VoiceChoice {
    let wanted = match (args.model, args.voice) {
        (Some(model), _) => Wanted::Path(model),
        (None, Some(name)) => Wanted::Name(name),
        (None, None) => Wanted::Default,
    };
    VoiceChoice {
        wanted,
        config: args.config,
        offline: args.offline,
    }
}

fn serve_options(args: ServeArgs) -> ServeOptions {
    let workers = args.workers.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let audio_dir = args.audio_dir.unwrap_or_else(default_audio_dir);
    ServeOptions {
        voice: voice_choice(args.voice),
        server: ServerConfig {
            host: args.host,
            port: args.port,
            audio_dir,
            workers,
            queue: args.queue,
            max_chars: args.max_chars as usize,
            cache_max_bytes: args.cache_max_mb.saturating_mul(1024 * 1024),
            public_url: args.public_url,
            cors_origin: Some(args.cors_origin).filter(|o| !o.is_empty()),
            sentence_silence: args.sentence_silence,
            dialect: args.dialect,
            io_timeout: Duration::from_secs(args.io_timeout),
            shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
        },
    }
}

/// `$XDG_CACHE_HOME/vtts/audio`, or `~/.cache/vtts/audio`, or `./audio`.
fn default_audio_dir() -> PathBuf {
    vtts::dirs::cache_dir().map_or_else(|| PathBuf::from("audio"), |cache| cache.join("audio"))
}

fn speak_options(args: SpeakArgs, stdout_is_terminal: bool) -> Result<SpeakOptions, UsageError> {
    let format = if args.raw { Format::Raw } else { Format::Wav };
    let destination = match (args.output, args.output_dir) {
        (_, Some(dir)) => Destination::Directory(dir),
        _ if args.play => Destination::Play,
        (Some(path), None) if path.as_os_str() == "-" => Destination::Stdout,
        (Some(path), None) => Destination::File(path),
        (None, None) if args.json_input => Destination::Directory(PathBuf::from(".")),
        (None, None) if stdout_is_terminal && !args.raw => Destination::Play,
        (None, None) if stdout_is_terminal => {
            return Err(UsageError(
                "standard output is a terminal, not a place for raw audio: \
                 redirect it (vtts --raw ... | aplay ...) or choose a file with -o"
                    .to_string(),
            ));
        }
        (None, None) => Destination::Stdout,
    };
    let length_scale = args
        .length_scale
        .or_else(|| args.speed.map(|speed| speed.length_scale()));
    Ok(SpeakOptions {
        sources: sources(args.input),
        voice: voice_choice(args.voice),
        output: Output {
            destination,
            format,
        },
        json_input: args.json_input,
        length_scale,
        noise_scale: args.noise_scale,
        noise_w: args.noise_w,
        speaker: args.speaker,
        dialect: args.dialect,
        sentence_silence: args.sentence_silence,
        quiet: args.quiet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

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
    fn dash_means_stdout_even_on_a_terminal() {
        let options = speak(&["-m", "v.onnx", "-o", "-", "x"], true).unwrap();
        assert_eq!(options.output.destination, Destination::Stdout);
    }

    #[test]
    fn length_scale_overrides_the_speed_preset() {
        let options = speak(
            &["-m", "v", "--speed", "fast", "--length-scale", "2", "x"],
            false,
        )
        .unwrap();
        assert_eq!(options.length_scale, Some(2.0));
        let options = speak(&["-m", "v", "--speed", "fast", "x"], false).unwrap();
        assert_eq!(options.length_scale, Some(0.6));
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
