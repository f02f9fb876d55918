//! The command line as clap parses it. Every flag is defined here once; the
//! same definitions give `--help` (and, later, completions and man pages).
//! Checking what the values mean together is `options.rs`'s job.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  echo \"Xin chào các bạn.\" | vtts -m vi_VN-vais1000-medium.onnx > hello.wav
  vtts -m voice.onnx \"Hôm nay trời đẹp quá!\" -o today.wav
  vtts -m voice.onnx -f chapter.txt --speed slow -o chapter.wav
  vtts -m voice.onnx --raw -f chapter.txt | aplay -r 22050 -f S16_LE -c 1
  vtts phonemize \"Xin chào\"

Exit status: 0 success, 1 runtime error, 2 usage error.";

#[derive(Debug, Parser)]
#[command(
    name = "vtts",
    version,
    about = "Speak Vietnamese text with Piper voices",
    long_about = "Speak Vietnamese text with Piper voices.\n\n\
        Reads TEXT, files or standard input and writes a WAV file (16-bit mono at the \
        voice's sample rate), a WAV stream or raw PCM, sentence by sentence as it is \
        synthesised.",
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
    /// Print the phonemes and ids of each sentence as JSON lines, without synthesising
    Phonemize(PhonemizeArgs),
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

#[derive(Debug, Args)]
pub struct VoiceArgs {
    /// Voice model (.onnx) of a Vietnamese Piper voice
    #[arg(short = 'm', long = "model", value_name = "PATH", env = "VTTS_MODEL")]
    pub model: Option<PathBuf>,

    /// Voice config (default: the model path + .json)
    #[arg(short = 'c', long = "config", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SpeakArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub voice: VoiceArgs,

    /// Write a WAV file ('-' for standard output); without it, WAV goes to standard output when that is not a terminal
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Write raw 16-bit little-endian mono PCM instead of WAV
    #[arg(long)]
    pub raw: bool,

    /// Speaking rate preset
    #[arg(long, value_enum, value_name = "PRESET")]
    pub speed: Option<Speed>,

    /// Phoneme duration scale (overrides --speed): above 1 slower, below 1 faster [0.1–10]
    #[arg(long, value_name = "F", value_parser = in_range(0.1, 10.0))]
    pub length_scale: Option<f32>,

    /// Voice variation (default: the voice's config; 0 = deterministic) [0–2]
    #[arg(long, value_name = "F", value_parser = in_range(0.0, 2.0))]
    pub noise_scale: Option<f32>,

    /// Rhythm variation (default: the voice's config; 0 = deterministic) [0–2]
    #[arg(long, value_name = "F", value_parser = in_range(0.0, 2.0))]
    pub noise_w: Option<f32>,

    /// Speaker of a multi-speaker voice, by number or name
    #[arg(short = 's', long, value_name = "ID|NAME")]
    pub speaker: Option<String>,

    /// Seconds of silence between sentences [0–60]
    #[arg(long, value_name = "SECONDS", default_value_t = 0.2, value_parser = in_range(0.0, 60.0))]
    pub sentence_silence: f32,

    /// Print nothing but errors
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct PhonemizeArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Take ids from this voice's config instead of Piper's standard espeak map
    #[arg(short = 'm', long = "model", value_name = "PATH")]
    pub model: Option<PathBuf>,

    /// Voice config (default: the model path + .json)
    #[arg(short = 'c', long = "config", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// The speaking rates of the original vtts service, as Piper length scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Speed {
    #[value(name = "very_slow", alias = "very-slow")]
    VerySlow,
    Slow,
    Normal,
    Fast,
    #[value(name = "very_fast", alias = "very-fast")]
    VeryFast,
}

impl Speed {
    pub fn length_scale(self) -> f32 {
        match self {
            Speed::VerySlow => 1.5,
            Speed::Slow => 1.2,
            Speed::Normal => 1.0,
            Speed::Fast => 0.6,
            Speed::VeryFast => 0.4,
        }
    }
}

/// A parser for a float within `min..=max`, with a message that says the range.
fn in_range(min: f32, max: f32) -> impl Fn(&str) -> Result<f32, String> + Clone {
    move |s| match s.parse::<f32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        Ok(_) => Err(format!("{s} is outside the range {min} to {max}")),
        Err(_) => Err(format!("{s:?} is not a number")),
    }
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
    fn speed_presets_are_the_original_services_length_scales() {
        let scales: Vec<f32> = Speed::value_variants()
            .iter()
            .map(|s| s.length_scale())
            .collect();
        assert_eq!(scales, vec![1.5, 1.2, 1.0, 0.6, 0.4]);
    }

    #[test]
    fn out_of_range_values_are_usage_errors() {
        let error = Cli::try_parse_from(["vtts", "--length-scale", "0", "x"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("outside the range"), "{error}");
    }

    #[test]
    fn presets_are_written_with_underscores() {
        let cli = Cli::try_parse_from(["vtts", "--speed", "very_slow", "x"]).unwrap();
        assert_eq!(cli.speak.speed, Some(Speed::VerySlow));
    }
}
