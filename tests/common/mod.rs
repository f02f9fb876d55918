//! A small harness for driving the real `vtts` binary and the reference piper-tts.
#![allow(dead_code)] // each test file uses a different part of it

pub mod files;
pub mod http;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const TINY: &str = "tests/voices/vi_VN-test-tiny.onnx";
pub const TINY_MULTI: &str = "tests/voices/vi_VN-test-tiny_multi.onnx";
/// The tiny voice's architecture with other weights: the same size, another voice.
pub const TINY_SEED3: &str = "tests/voices/vi_VN-test-tiny-seed3.onnx";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn voice(path: &str) -> PathBuf {
    root().join(path)
}

/// The vtts binary with a clean environment: none of the caller's VTTS_*
/// settings, offline, and an empty data folder, so no test downloads a voice
/// or sees one installed by hand.
pub fn vtts() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vtts"));
    isolate(&mut command);
    command.current_dir(root());
    command
}

pub fn isolate(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("VTTS_") {
            command.env_remove(name);
        }
    }
    command.env("VTTS_OFFLINE", "1").env(
        "VTTS_DATA_DIR",
        std::env::temp_dir().join("vtts-tests-no-voices"),
    );
}

/// Runs `command` with `stdin` as its input and returns its output.
pub fn run(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vtts starts");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("vtts runs");
    writer.join().unwrap();
    output
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts success and returns stdout.
pub fn ok(output: Output) -> Vec<u8> {
    assert!(
        output.status.success(),
        "vtts failed ({}): {}",
        output.status,
        stderr(&output)
    );
    output.stdout
}

/// Asserts failure with `code` and a message containing `needle`, and no panic.
pub fn fails(output: &Output, code: i32, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in stderr: {err}");
    assert!(!err.contains("panicked"), "vtts panicked: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line of error expected: {err}"
    );
}

/// A parsed 16-bit mono WAV: sample rate and samples.
pub fn read_wav(bytes: &[u8]) -> (u32, Vec<i16>) {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).expect("a valid WAV");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.bits_per_sample),
        (1, 16),
        "mono 16-bit"
    );
    assert_eq!(spec.sample_format, hound::SampleFormat::Int);
    let samples = reader.into_samples().map(|s| s.unwrap()).collect();
    (spec.sample_rate, samples)
}

/// Samples of a raw 16-bit little-endian stream.
pub fn raw_samples(bytes: &[u8]) -> Vec<i16> {
    assert_eq!(bytes.len() % 2, 0, "whole samples");
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The Python of the reference environment made by tools/setup-test-env.sh.
pub fn reference_python() -> PathBuf {
    let python = std::env::var_os("VTTS_REFERENCE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/bin/python"));
    assert!(
        python.exists(),
        "the piper-tts reference environment is missing: run tools/setup-test-env.sh (or set VTTS_REFERENCE_PYTHON)"
    );
    python
}

/// Runs a reference script under tools/reference with `stdin`, returning stdout.
pub fn reference(script: &str, args: &[&str], stdin: &[u8]) -> String {
    let mut command = Command::new(reference_python());
    command
        .arg(root().join("tools/reference").join(script))
        .args(args);
    let output = run(&mut command, stdin);
    assert!(
        output.status.success(),
        "{script} failed: {}",
        stderr(&output)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// The tools tests run, and the package `tools/setup-test-env.sh` installs each from.
const TOOLS: &[(&str, &str)] = &[
    ("cc", "Debian's gcc"),
    ("curl", "Debian's curl"),
    ("ffmpeg", "Debian's ffmpeg"),
    ("ffprobe", "Debian's ffmpeg"),
    ("node", "Debian's nodejs"),
    ("python3", "Debian's python3"),
    ("script", "Debian's bsdutils"),
];

/// A command for an installed tool. A missing one fails the test with the
/// setup step that installs it, never skips it.
pub fn tool(program: &str) -> Command {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()));
    let package = TOOLS
        .iter()
        .find(|(name, _)| *name == program)
        .map_or("its package", |(_, package)| package);
    assert!(
        found,
        "{program} is missing: run tools/setup-test-env.sh, which installs {package}"
    );
    Command::new(program)
}

/// A copy of a test voice's files in `dir`, as `NAME.onnx` and
/// `NAME.onnx.json`, with the config changed by `edit`.
pub fn voice_copy(
    dir: &Path,
    name: &str,
    model: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> PathBuf {
    let source = voice(model);
    let copy = dir.join(format!("{name}.onnx"));
    std::fs::copy(&source, &copy).unwrap();
    let config_text = std::fs::read_to_string(format!("{}.json", source.display())).unwrap();
    let mut config: serde_json::Value = serde_json::from_str(&config_text).unwrap();
    edit(&mut config);
    std::fs::write(format!("{}.json", copy.display()), config.to_string()).unwrap();
    copy
}

/// What ffprobe reads of an audio file: codec, sample rate, channels, and
/// the samples ffmpeg decodes, as 16-bit mono at the stream's rate.
#[derive(Debug)]
pub struct Decoded {
    pub codec: String,
    pub rate: u32,
    pub channels: u32,
    pub samples: Vec<i16>,
}

impl Decoded {
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.rate)
    }
}

/// Decodes `path` with ffmpeg (a real decoder, not vtts's own code).
pub fn decode(path: &Path) -> Decoded {
    let probe = tool("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
        .args(["stream=codec_name,sample_rate,channels", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        probe.status.success(),
        "ffprobe {}: {}",
        path.display(),
        stderr(&probe)
    );
    let line = String::from_utf8(probe.stdout).unwrap();
    let fields: Vec<&str> = line.trim().split(',').collect();
    assert_eq!(fields.len(), 3, "ffprobe said {line:?}");
    let rate: u32 = fields[1].parse().unwrap();
    let pcm = tool("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "s16le", "-ac", "1", "-ar", &rate.to_string(), "-"])
        .output()
        .unwrap();
    assert!(
        pcm.status.success(),
        "ffmpeg {}: {}",
        path.display(),
        stderr(&pcm)
    );
    assert!(
        pcm.stderr.is_empty(),
        "ffmpeg complained about {}: {}",
        path.display(),
        stderr(&pcm)
    );
    Decoded {
        codec: fields[0].to_string(),
        rate,
        channels: fields[2].parse().unwrap(),
        samples: raw_samples(&pcm.stdout),
    }
}

/// Whether `a` and `b` are the same speech, each sentence at its own
/// loudness: a stream is scaled by each sentence's first window, a file by
/// the sentence's peak (`vtts_core::audio::StreamGain`). Same length,
/// silent in the same places, and in shape the same (correlation over 0.99).
pub fn same_speech(a: &[i16], b: &[i16]) -> bool {
    if a.len() != b.len()
        || a.iter()
            .zip(b)
            .any(|(&x, &y)| (x == 0) != (y == 0) && x.abs().max(y.abs()) > 64)
    {
        return false;
    }
    let dot = |x: &[i16], y: &[i16]| -> f64 {
        x.iter()
            .zip(y)
            .map(|(&p, &q)| f64::from(p) * f64::from(q))
            .sum()
    };
    let (ab, aa, bb) = (dot(a, b), dot(a, a), dot(b, b));
    aa > 0.0 && bb > 0.0 && ab / (aa * bb).sqrt() > 0.99
}
