//! Playing on the sound card. There is no sound card here, so ALSA's file
//! plugin stands in for one: it writes what the device was given to a WAV,
//! which the tests compare with what vtts synthesised.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::*;

const TEXT: &str = "Xin chào. Hôm nay trời đẹp.";
const EXACT: [&str; 4] = ["--noise-scale", "0", "--noise-w", "0"];

/// An ALSA configuration whose default device is `pcm`; returns the config
/// home to point XDG_CONFIG_HOME at.
fn alsa_config(dir: &Path, pcm: &str) -> PathBuf {
    let home = dir.join("config");
    fs::create_dir_all(home.join("alsa")).unwrap();
    fs::write(
        home.join("alsa/asoundrc"),
        format!("pcm.!default {{ {pcm} }}\n"),
    )
    .unwrap();
    home
}

fn capture_device(dir: &Path) -> (PathBuf, PathBuf) {
    let captured = dir.join("captured.wav");
    let pcm = format!(
        "type file slave.pcm \"null\" file \"{}\" format \"wav\"",
        captured.display()
    );
    (alsa_config(dir, &pcm), captured)
}

/// The samples that are not silence: the device is fed silence while it
/// waits for the next sentence, and that silence is not vtts's audio.
fn sound(samples: &[i16]) -> Vec<i16> {
    samples.iter().copied().filter(|&s| s != 0).collect()
}

fn expected() -> Vec<i16> {
    raw_samples(&ok(run(
        vtts()
            .arg("-m")
            .arg(voice(TINY))
            .args(EXACT)
            .args(["--raw", TEXT]),
        b"",
    )))
}

#[test]
fn play_sends_the_synthesised_samples_to_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let (config, captured) = capture_device(dir.path());
    let output = run(
        vtts()
            .env("XDG_CONFIG_HOME", &config)
            .arg("-m")
            .arg(voice(TINY))
            .args(EXACT)
            .args(["--play", TEXT]),
        b"",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "nothing on stdout when playing");
    let (rate, samples) = read_wav(&fs::read(&captured).unwrap());
    assert_eq!(rate, 22050);
    let expected = sound(&expected());
    assert!(!expected.is_empty());
    assert_eq!(sound(&samples), expected);
}

#[test]
fn a_terminal_on_stdout_means_play() {
    let dir = tempfile::tempdir().unwrap();
    let (config, captured) = capture_device(dir.path());
    let mut command = vtts();
    let line = format!(
        "{} -m {} --noise-scale 0 --noise-w 0 '{TEXT}'",
        env!("CARGO_BIN_EXE_vtts"),
        voice(TINY).display()
    );
    // `script` runs vtts with a terminal as its stdout.
    let status = tool("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .envs(
            command
                .env("XDG_CONFIG_HOME", &config)
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .stdout(Stdio::null())
        .status()
        .expect("script(1) from util-linux");
    assert!(status.success());
    let (_, samples) = read_wav(&fs::read(&captured).unwrap());
    assert_eq!(sound(&samples), sound(&expected()));
}

#[test]
fn no_usable_device_suggests_writing_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = alsa_config(dir.path(), "type hw card 42");
    let output = run(
        vtts()
            .env("XDG_CONFIG_HOME", &config)
            .arg("-m")
            .arg(voice(TINY))
            .args(["--play", TEXT]),
        b"",
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("write a file instead with -o out.wav"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
