//! What every front end writes for the corpus, byte for byte, against what
//! it wrote before the workspace split (d539cc2), recorded by
//! `tools/frontends/record.sh` in `tests/data/frontends.sha256`: the CLI to a
//! file, a WAV stream and raw PCM, a multi-speaker voice at another speed and
//! dialect, `--output-dir`, `--json-input`, `/tts`'s saved files and
//! `/tts/stream` by GET and POST. Noise is off, so the audio depends only on
//! the text, the voice and the settings.
//!
//! A change meant to alter the audio re-records the file with
//! `tools/frontends/record.sh target/debug/vtts /tmp/out && cp /tmp/out.sha256 tests/data/frontends.sha256`
//! and says why in its commit.

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
    let expected = std::fs::read_to_string(root().join("tests/data/frontends.sha256")).unwrap();
    let differ: Vec<&str> = expected
        .lines()
        .filter(|line| !recorded.lines().any(|l| l == *line))
        .collect();
    assert_eq!(recorded.lines().count(), expected.lines().count());
    assert!(
        differ.is_empty(),
        "{} of {} outputs changed, e.g. {:?}",
        differ.len(),
        expected.lines().count(),
        &differ[..differ.len().min(5)]
    );
}
