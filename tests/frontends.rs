//! What every front end writes for the corpus, byte for byte, against what
//! it wrote before the workspace split (d539cc2), recorded by
//! `tools/frontends/record.sh` in `tests/data/frontends.sha256`: the CLI to a
//! file, a WAV stream and raw PCM, a multi-speaker voice at another speed and
//! dialect, `--output-dir`, `--json-input`, `/tts`'s saved files and
//! `/tts/stream` by GET and POST. Noise is off, so the audio depends only on
//! the text, the voice and the settings.
//!
//! ONNX Runtime's kernels differ by the CPU's vector instructions, and so
//! do the last bits of the audio: `frontends.sha256` is what machines with
//! AVX-512 write, `frontends-avx2.sha256` what machines with only AVX2 write.
//! The second was recorded by a build (19c030a) whose outputs matched the
//! first on an AVX-512 machine. Windowed decoding (issue 14) changed the
//! streams and the files with sentences over 120 phonemes, and the first
//! file was re-recorded then; the second waits for an AVX2 machine to
//! re-record it.
//!
//! A change meant to alter the audio re-records the file of the machine's
//! kind with
//! `tools/frontends/record.sh target/debug/vtts /tmp/out && cp /tmp/out.sha256 tests/data/frontends.sha256`
//! (or `frontends-avx2.sha256`), and says why in its commit.

use crate::common::{root, tool};

#[test]
fn every_front_end_writes_the_bytes_it_wrote_before() {
    let _ = (tool("curl"), tool("python3"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new(root().join("tools/frontends/record.sh"))
        .arg(env!("CARGO_BIN_EXE_vtts"))
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "tools/frontends/record.sh failed");
    let recorded = std::fs::read_to_string(dir.path().join("out.sha256")).unwrap();
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let kind = match cpu.split_whitespace().any(|flag| flag == "avx512f") {
        true => "tests/data/frontends.sha256",
        false => "tests/data/frontends-avx2.sha256",
    };
    let expected = std::fs::read_to_string(root().join(kind)).unwrap();
    let differ: Vec<&str> = expected
        .lines()
        .filter(|line| !recorded.lines().any(|l| l == *line))
        .collect();
    assert_eq!(recorded.lines().count(), expected.lines().count());
    assert!(
        differ.is_empty(),
        "{} of {} outputs changed against {kind}, e.g. {:?}",
        differ.len(),
        expected.lines().count(),
        &differ[..differ.len().min(5)]
    );
}
