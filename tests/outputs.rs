//! What `-o PATH` does to what is at PATH (issue 16, finding 1): a regular
//! file or nothing is written under a temporary name and renamed into place;
//! a device, a FIFO or a descriptor is written straight into; a symbolic link
//! is followed; a file the user may not write is refused. Device nodes are
//! made with mknod in a temporary folder, never in the system's /dev.

use crate::common;

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

const TEXT: &[u8] = b"Xin ch\xc3\xa0o c\xc3\xa1c b\xe1\xba\xa1n.";

fn speak_to(path: &Path) -> std::process::Output {
    run(vtts().args(["-q", "-m", TINY, "-o"]).arg(path), TEXT)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A character device made with mknod(2) in `dir`, or None (with the reason
/// on stderr) where this process may not make one.
fn device(dir: &Path, name: &str, major: u32, minor: u32) -> Option<std::path::PathBuf> {
    let path = dir.join(name);
    let status = Command::new("mknod")
        .arg(&path)
        .args(["c", &major.to_string(), &minor.to_string()])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    if !status.success() {
        eprintln!(
            "skipped: mknod needs root (CAP_MKNOD); this test runs as uid {}",
            unsafe { libc::geteuid() }
        );
        return None;
    }
    Some(path)
}

#[test]
fn a_device_is_written_into_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let Some(null) = device(dir.path(), "null", 1, 3) else {
        return;
    };
    let output = speak_to(&null);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        fs::metadata(&null).unwrap().file_type().is_char_device(),
        "-o replaced a device"
    );

    let full = device(dir.path(), "full", 1, 7).unwrap();
    let output = speak_to(&full);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("No space left on device"),
        "{}",
        stderr(&output)
    );
    assert!(fs::metadata(&full).unwrap().file_type().is_char_device());
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "nothing else is left in the folder: {names:?}"
    );
}

#[test]
fn a_fifo_gets_the_audio() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("audio.wav");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    let output = speak_to(&fifo);
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = reader.join().unwrap();
    assert!(
        fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO is still a FIFO"
    );
    let copy = dir.path().join("copy.wav");
    fs::write(&copy, &bytes).unwrap();
    assert!(
        decode(&copy).seconds() > 0.5,
        "the reader got {} bytes",
        bytes.len()
    );
}

#[test]
fn descriptors_named_as_paths_are_written_into() {
    // /dev/stdout on a pipe.
    let output = run(vtts().args(["-q", "-m", TINY, "-o", "/dev/stdout"]), TEXT);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.starts_with(b"RIFF") && output.stdout.len() > 20_000);

    // bash's >(cmd), a /dev/fd/N.
    let dir = tempfile::tempdir().unwrap();
    let counted = dir.path().join("count");
    let script = format!(
        "{} -q -m {} -o >(wc -c > {}) ; status=$?; wait; exit $status",
        env!("CARGO_BIN_EXE_vtts"),
        voice(TINY).display(),
        counted.display()
    );
    let mut bash = Command::new("bash");
    isolate(&mut bash);
    let output = run(bash.args(["-c", &script]), TEXT);
    assert!(output.status.success(), "{}", stderr(&output));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let count = loop {
        let count = fs::read_to_string(&counted).unwrap_or_default();
        if !count.trim().is_empty() || std::time::Instant::now() > deadline {
            break count;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(
        count.trim().parse::<u64>().unwrap() > 20_000,
        "wc counted {count:?}"
    );

    // A closed standard output is an error, not silence.
    let mut closed = Command::new("bash");
    isolate(&mut closed);
    let script = format!(
        "{} -q -m {} --format wav >&-",
        env!("CARGO_BIN_EXE_vtts"),
        voice(TINY).display()
    );
    let output = run(closed.args(["-c", &script]), TEXT);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("standard output is closed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_link_is_followed_and_its_target_replaced_in_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("target.wav");
    fs::write(&target, b"old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.wav");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = speak_to(&link);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays"
    );
    assert!(
        decode(&target).seconds() > 0.5,
        "the target holds the audio"
    );
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the replacement keeps the permissions");
    for folder in [dir.path(), elsewhere.path()] {
        let left: Vec<_> = fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    }
}

#[test]
fn a_file_the_user_may_not_write_is_refused() {
    if !is_root() {
        eprintln!("skipped: needs root to run vtts as another user (setpriv)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let theirs = dir.path().join("theirs.wav");
    fs::write(&theirs, b"not yours").unwrap();
    fs::set_permissions(&theirs, fs::Permissions::from_mode(0o644)).unwrap();
    let mut command = Command::new("setpriv");
    isolate(&mut command);
    command
        .args(["--reuid", "10001", "--regid", "10001", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_vtts"))
        .args(["-q", "-m"])
        .arg(voice(TINY))
        .arg("-o")
        .arg(&theirs)
        .env("HOME", "/nonexistent");
    let output = run(&mut command, TEXT);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Permission denied"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read(&theirs).unwrap(), b"not yours");
}
