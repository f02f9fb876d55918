//! The command line as clap parses it. Every flag is defined here once, in
//! small groups that the commands flatten where they need them; the same
//! definitions give `--help`, the shell completions in `completions/` and the
//! man pages in `man/` (`vtts generate-assets`). Ranges and defaults are the
//! library's and the server's named constants. Checking what the values mean
//! together is `options.rs`'s job.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use vtts_core::request::{
    DEFAULT_SENTENCE_SILENCE, LENGTH_SCALE, NOISE_SCALE, NOISE_W, Range, SENTENCE_SILENCE,
};
use vtts_core::{Format, Speed};
use vtts_text::Dialect;

use crate::server::defaults;

const EXAMPLES: &str = "\
Examples:
  vtts \"Xin chào các bạn.\"                    speak on the sound card
  echo \"Xin chào các bạn.\" | vtts > hello.wav
  vtts \"Hôm nay trời đẹp quá!\" -o today.wav
  vtts -f chapter.txt --speed slow -o chapter.wav
  vtts --voice vi_VN-vivos-x_low -s 12 \"Xin chào\" -o hello.wav
  vtts --raw -f chapter.txt | aplay -r 22050 -f S16_LE -c 1
  vtts -f chapter.txt -o chapter.mp3             the extension picks the format
  vtts --format opus -f chapter.txt > chapter.opus
  vtts -f lines.txt --output-dir out/            one WAV per line
  vtts phonemize \"Xin chào\"
  vtts serve --port 8888

Without -m or --voice, vtts uses vi_VN-vais1000-medium and downloads it on first use.

Exit status: 0 success, 1 runtime error, 2 usage error, 130 or 143 stopped by SIGINT or SIGTERM.";

#[derive(Debug, Parser)]
#[command(
    name = "vtts",
    version,
    about = "Speak Vietnamese text with Piper voices",
    long_about = "Speak Vietnamese text with Piper voices.\n\n\
        Reads TEXT, files or standard input and writes WAV (16-bit mono at the \
        voice's sample rate), raw PCM, MP3, Ogg Opus or FLAC to a file, to standard \
        output or to the sound card, sentence by sentence as it is synthesised.",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub speak: SpeakArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the phonemes and ids of each sentence as JSON lines, without synthesising;
    /// a sentence too long for one model run also lists the ids of each run
    Phonemize(PhonemizeArgs),
    /// Print text as vtts reads it: numbers, dates, units, abbreviations in words
    Normalize(NormalizeArgs),
    /// Run the HTTP service: /tts, /tts/stream, /v1/audio/speech, a web page
    Serve(Box<ServeArgs>),
    /// List, download, install and remove voices
    #[command(subcommand)]
    Voices(VoicesCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write completions/ and man/ from these definitions (for maintainers)
    #[command(hide = true)]
    GenerateAssets {
        /// The repository root, where completions/ and man/ go
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum VoicesCommand {
    /// Show the known voices and which are installed
    List,
    /// Download voices from the catalog (VTTS_VOICES_URL sets a mirror)
    Download {
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        #[command(flatten)]
        quiet: QuietArgs,
    },
    /// Install a voice from its files (NAME.onnx and NAME.onnx.json)
    Install {
        #[arg(value_name = "PATH.onnx")]
        model: PathBuf,
        /// Its config (default: PATH.onnx.json)
        #[arg(short = 'c', long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Remove an installed voice
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Print the folder voices are installed in (VTTS_DATA_DIR sets it)
    Path,
}

/// Where the text comes from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Text to speak; several words are joined by spaces
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    /// Read text from a file ('-' for standard input); repeatable, read in order after TEXT
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
}

/// A voice's files.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Voice model: a Piper .onnx file or the name of an installed voice
    #[arg(
        short = 'm',
        long = "model",
        value_name = "PATH|NAME",
        env = "VTTS_MODEL"
    )]
    pub model: Option<PathBuf>,

    /// Voice config (default: the model path + .json)
    #[arg(short = 'c', long = "config", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// Which voice.
#[derive(Debug, Args)]
pub struct VoiceArgs {
    #[command(flatten)]
    pub files: ModelArgs,

    /// Voice by name (see `vtts voices list`); downloaded on first use
    #[arg(
        long,
        value_name = "NAME",
        env = "VTTS_VOICE",
        conflicts_with = "model"
    )]
    pub voice: Option<String>,

    /// Never download: use installed voices only
    #[arg(long, env = "VTTS_OFFLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub offline: bool,
}

/// How text is read.
#[derive(Debug, Args)]
pub struct ReadingArgs {
    /// How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)
    #[arg(long, value_name = "DIALECT", default_value = "north", value_parser = dialect(), env = "VTTS_DIALECT")]
    pub dialect: Dialect,

    /// Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]
    #[arg(long, value_name = "FILE", env = "VTTS_LEXICON", value_hint = clap::ValueHint::FilePath)]
    pub lexicon: Option<PathBuf>,
}

/// The pause between sentences.
#[derive(Debug, Args)]
pub struct SilenceArgs {
    /// Seconds of silence between sentences [0–60]
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_SENTENCE_SILENCE, value_parser = in_range(SENTENCE_SILENCE))]
    pub sentence_silence: f32,
}

/// Progress and notices.
#[derive(Debug, Args)]
pub struct QuietArgs {
    /// Print nothing but errors (no progress bar)
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// How the voice speaks; every one defaults to the voice's own config.
#[derive(Debug, Args)]
pub struct SynthesisArgs {
    /// Speaking rate preset
    #[arg(long, value_name = "PRESET", value_parser = speed())]
    pub speed: Option<Speed>,

    /// Phoneme duration scale (overrides --speed): above 1 slower, below 1 faster [0.1–10]
    #[arg(long, value_name = "F", value_parser = in_range(LENGTH_SCALE))]
    pub length_scale: Option<f32>,

    /// Voice variation (default: the voice's config; 0 = deterministic) [0–2]
    #[arg(long, value_name = "F", value_parser = in_range(NOISE_SCALE))]
    pub noise_scale: Option<f32>,

    /// Rhythm variation (default: the voice's config; 0 = deterministic) [0–2]
    #[arg(long, value_name = "F", value_parser = in_range(NOISE_W))]
    pub noise_w: Option<f32>,

    /// Speaker of a multi-speaker voice, by number or name
    #[arg(short = 's', long, value_name = "ID|NAME")]
    pub speaker: Option<String>,
}

#[derive(Debug, Args)]
pub struct SpeakArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub voice: VoiceArgs,

    /// Write a file ('-' for standard output), in the format its extension names (.wav, .pcm, .mp3, .opus, .ogg, .flac); without it, audio goes to standard output, or to the sound card when that is a terminal
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// The audio format, whatever the file is called [default: from -o's extension, else wav]
    #[arg(long, value_name = "FORMAT", value_parser = format())]
    pub format: Option<Format>,

    /// Write raw 16-bit little-endian mono PCM (the same as --format pcm)
    #[arg(long, conflicts_with = "format")]
    pub raw: bool,

    /// Play on the default sound device, sentence by sentence as it is synthesised
    #[arg(long, conflicts_with_all = ["output", "raw", "format", "output_dir"])]
    pub play: bool,

    /// Write one file per input line into DIR (named 0001-first-words.wav, ...; --format picks another format)
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,

    /// Read JSON lines {"text", "output_file", "speed", "speaker", ...} and write one file per line
    #[arg(long, conflicts_with_all = ["output", "play"])]
    pub json_input: bool,

    #[command(flatten)]
    pub synthesis: SynthesisArgs,

    #[command(flatten)]
    pub reading: ReadingArgs,

    #[command(flatten)]
    pub silence: SilenceArgs,

    #[command(flatten)]
    pub quiet: QuietArgs,
}

#[derive(Debug, Args)]
pub struct PhonemizeArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The voice whose ids to print (default: Piper's standard espeak map)
    #[command(flatten)]
    pub voice: ModelArgs,

    #[command(flatten)]
    pub reading: ReadingArgs,
}

#[derive(Debug, Args)]
pub struct NormalizeArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub reading: ReadingArgs,
}

/// The voices a server offers.
#[derive(Debug, Args)]
pub struct ServeVoiceArgs {
    /// Voice model: a Piper .onnx file or the name of an installed voice; repeatable, the first is the default
    #[arg(
        short = 'm',
        long = "model",
        value_name = "PATH|NAME",
        env = "VTTS_MODEL"
    )]
    pub models: Vec<PathBuf>,

    /// Config of the first voice model (default: the model path + .json)
    #[arg(short = 'c', long = "config", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Voice by name (see `vtts voices list`), downloaded on first use; repeatable
    #[arg(long = "voice", value_name = "NAME", env = "VTTS_VOICE")]
    pub names: Vec<String>,

    /// `installed`: offer every installed voice too
    #[arg(long = "voices", value_name = "WHICH", value_parser = ["installed"])]
    pub installed: Option<String>,

    /// Never download: use installed voices only
    #[arg(long, env = "VTTS_OFFLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub offline: bool,

    /// Voices kept loaded at once; the least recently used is unloaded
    #[arg(long, value_name = "N", default_value_t = defaults::MAX_LOADED_VOICES, value_parser = clap::value_parser!(u16).range(1..).map(usize::from))]
    pub max_loaded_voices: usize,
}

/// The Wyoming protocol, for Home Assistant.
#[derive(Debug, Args)]
pub struct WyomingArgs {
    /// Also serve the Wyoming protocol (Home Assistant) at tcp://HOST:PORT or unix://PATH; repeatable
    #[arg(long = "wyoming", value_name = "URI", env = "VTTS_WYOMING", value_parser = clap::value_parser!(crate::server::wyoming::Address))]
    pub addresses: Vec<crate::server::wyoming::Address>,

    /// Serve no HTTP, only the Wyoming protocol
    #[arg(long, requires = "addresses")]
    pub no_http: bool,

    /// Samples in each Wyoming audio-chunk
    #[arg(long, value_name = "N", default_value_t = defaults::SAMPLES_PER_CHUNK, value_parser = clap::value_parser!(u32).range(1..=1_048_576).map(|n| n as usize))]
    pub samples_per_chunk: usize,

    /// Advertise the Wyoming service on the local network (mDNS, _wyoming._tcp) under NAME [default NAME: vtts]
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "vtts", requires = "addresses")]
    pub zeroconf: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub voices: ServeVoiceArgs,

    #[command(flatten)]
    pub wyoming: WyomingArgs,

    /// Address to listen on
    #[arg(long, default_value = defaults::HOST)]
    pub host: String,

    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = defaults::PORT)]
    pub port: u16,

    /// Where /tts saves WAV files [default: $XDG_CACHE_HOME/vtts/audio]
    #[arg(long, value_name = "DIR", env = "VTTS_AUDIO_DIR")]
    pub audio_dir: Option<PathBuf>,

    /// Requests synthesising at once [default: number of cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: Option<u16>,

    /// Synthesis requests that may wait for a worker; more get 503
    #[arg(long, value_name = "N", default_value_t = defaults::QUEUE)]
    pub queue: usize,

    /// Longest text accepted, in characters
    #[arg(long, value_name = "N", default_value_t = defaults::MAX_CHARS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_chars: u32,

    /// Bound of the audio directory in MiB (at least 1); least recently used files go first
    #[arg(long, value_name = "N", default_value_t = defaults::CACHE_MAX_MB, value_parser = clap::value_parser!(u64).range(defaults::CACHE_MIN_MB..))]
    pub cache_max_mb: u64,

    /// Seconds of audio one request may make; a request that would make more gets 413
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::MAX_AUDIO_SECONDS, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub max_audio_seconds: u32,

    /// Base URL of audio links behind a proxy (default: from the request's Host header)
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,

    /// Access-Control-Allow-Origin of every response; empty to send none
    #[arg(long, value_name = "ORIGIN", default_value = defaults::CORS_ORIGIN, value_parser = header_value)]
    pub cors_origin: String,

    #[command(flatten)]
    pub silence: SilenceArgs,

    #[command(flatten)]
    pub reading: ReadingArgs,

    /// Seconds a connection may stall a read or a write, and a request body may take
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::IO_TIMEOUT_SECONDS, value_parser = clap::value_parser!(u64).range(1..=defaults::MAX_TIMEOUT_SECONDS))]
    pub io_timeout: u64,

    /// HTTP connections open at once; more get 503
    #[arg(long, value_name = "N", default_value_t = defaults::MAX_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..=65_536).map(|n| n as usize))]
    pub max_connections: usize,

    /// Seconds an HTTP connection may wait for its next request to begin
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::IDLE_TIMEOUT_SECONDS, value_parser = clap::value_parser!(u64).range(1..=defaults::MAX_TIMEOUT_SECONDS))]
    pub idle_timeout: u64,

    /// Seconds a stop (SIGINT, SIGTERM) waits for requests in flight
    #[arg(long, value_name = "SECONDS", default_value_t = defaults::SHUTDOWN_TIMEOUT_SECONDS, value_parser = clap::value_parser!(u64).range(0..=defaults::MAX_TIMEOUT_SECONDS))]
    pub shutdown_timeout: u64,

    /// A key the synthesis endpoints require, as `Authorization: Bearer KEY` [default: none, any request is served]
    #[arg(long, value_name = "KEY", env = "VTTS_API_KEY", hide_env_values = true, value_parser = header_value)]
    pub api_key: Option<String>,
}

/// A value that can go into an HTTP header as it is: visible ASCII and spaces.
fn header_value(s: &str) -> Result<String, String> {
    if s.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} cannot be an HTTP header value: use visible ASCII characters"
        ))
    }
}

/// A parser for a number within one of the library's ranges, with its message.
fn in_range(range: Range) -> impl Fn(&str) -> Result<f32, String> + Clone {
    move |s| range.parse(s)
}

/// The audio formats by name, listed in `--help`.
fn format() -> impl TypedValueParser<Value = Format> {
    let names = Format::ALL.map(|format| {
        let value = PossibleValue::new(format.name());
        match format {
            Format::Pcm => value.alias("raw"),
            Format::Opus => value.alias("ogg"),
            _ => value,
        }
    });
    PossibleValuesParser::new(names).map(|name| name.parse().expect("a listed format"))
}

/// The speed presets by name, listed in `--help`.
fn speed() -> impl TypedValueParser<Value = Speed> {
    let names = Speed::ALL.map(|speed| {
        let value = PossibleValue::new(speed.name());
        match speed {
            Speed::VerySlow => value.alias("very-slow"),
            Speed::VeryFast => value.alias("very-fast"),
            _ => value,
        }
    });
    PossibleValuesParser::new(names).map(|name| name.parse().expect("a listed preset"))
}

/// The dialects by name, with what each says, listed in `--help`.
fn dialect() -> impl TypedValueParser<Value = Dialect> {
    let names =
        Dialect::ALL.map(|dialect| PossibleValue::new(dialect.name()).help(dialect.description()));
    PossibleValuesParser::new(names).map(|name| name.parse().expect("a listed dialect"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn out_of_range_values_are_usage_errors() {
        let error = Cli::try_parse_from(["vtts", "--length-scale", "0", "x"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("outside the range"), "{error}");
    }

    #[test]
    fn a_cors_origin_cannot_inject_headers() {
        let error =
            Cli::try_parse_from(["vtts", "serve", "--cors-origin", "a\r\nX-Evil: 1"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            Cli::try_parse_from(["vtts", "serve", "--cors-origin", "https://app.example"]).is_ok()
        );
    }

    #[test]
    fn timeouts_that_would_overflow_a_deadline_are_refused() {
        for flag in ["--io-timeout", "--shutdown-timeout"] {
            let huge = ["vtts", "serve", flag, "18446744073709551615"];
            assert_eq!(
                Cli::try_parse_from(huge).unwrap_err().exit_code(),
                2,
                "{flag}"
            );
            assert!(
                Cli::try_parse_from(["vtts", "serve", flag, "86400"]).is_ok(),
                "{flag}"
            );
        }
    }

    #[test]
    fn presets_are_written_with_underscores() {
        let cli = Cli::try_parse_from(["vtts", "--speed", "very_slow", "x"]).unwrap();
        assert_eq!(cli.speak.synthesis.speed, Some(Speed::VerySlow));
        assert!(Cli::try_parse_from(["vtts", "--speed", "warp", "x"]).is_err());
    }

    /// The README's option tables come from these definitions: every flag
    /// of the commands it documents in a table has a row.
    #[test]
    fn the_readme_documents_every_flag() {
        let readme = include_str!("../README.md");
        let section = |title: &str| {
            let start = readme.find(&format!("\n## {title}\n")).expect(title);
            let rest = &readme[start + 1..];
            &rest[..rest[3..].find("\n## ").map_or(rest.len(), |end| end + 3)]
        };
        let command = Cli::command();
        let serve = command.find_subcommand("serve").expect("serve");
        let mut missing = Vec::new();
        for (name, cmd, text) in [
            ("vtts", &command, section("Use")),
            ("vtts serve", serve, section("HTTP service")),
        ] {
            for arg in cmd.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                let row = [format!("`--{long}"), format!(", --{long}")];
                if !matches!(long, "help" | "version") && !row.iter().any(|r| text.contains(r)) {
                    missing.push(format!("{name} --{long}"));
                }
            }
        }
        assert!(missing.is_empty(), "README.md has no row for {missing:?}");
    }

    #[test]
    fn dialects_are_parsed_by_name() {
        let cli = Cli::try_parse_from(["vtts", "--dialect", "south", "x"]).unwrap();
        assert_eq!(cli.speak.reading.dialect, Dialect::South);
    }
}
