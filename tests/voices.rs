//! `vtts voices` and voices by name, against a local file server standing in
//! for the voice host: download, progress, checksums, resume, offline.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::files::{Behaviour, FileServer};
use common::*;
use md5::{Digest, Md5};

const NAME: &str = "vi_VN-test-tiny";

/// A data folder, a catalog whose one (default) voice is the tiny test
/// voice, and a server holding its files.
struct Setup {
    dir: tempfile::TempDir,
    server: FileServer,
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Setup {
    fn new(behaviour: Behaviour) -> Setup {
        Self::with_model_md5(behaviour, None)
    }

    fn with_model_md5(behaviour: Behaviour, model_md5: Option<&str>) -> Setup {
        let model = fs::read(voice(TINY)).unwrap();
        let config = fs::read(voice(&format!("{TINY}.json"))).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let catalog = serde_json::json!({
            "base_url": "unused",
            "default": NAME,
            "voices": [{
                "name": NAME, "path": "vi/test", "quality": "x_low", "sample_rate": 22050, "speakers": 1,
                "model": {"bytes": model.len(), "md5": model_md5.map_or_else(|| md5_hex(&model), str::to_string)},
                "config": {"bytes": config.len(), "md5": md5_hex(&config)},
            }],
        });
        fs::write(dir.path().join("catalog.json"), catalog.to_string()).unwrap();
        let server = FileServer::start(
            vec![
                (format!("/vi/test/{NAME}.onnx"), model),
                (format!("/vi/test/{NAME}.onnx.json"), config),
            ],
            behaviour,
        );
        Setup { dir, server }
    }

    fn vtts(&self) -> Command {
        let mut command = vtts();
        command
            .env_remove("VTTS_OFFLINE")
            .env("VTTS_DATA_DIR", self.dir.path().join("data"))
            .env("VTTS_VOICES_CATALOG", self.dir.path().join("catalog.json"))
            .env("VTTS_VOICES_URL", &self.server.base_url);
        command
    }

    fn voices_dir(&self) -> PathBuf {
        self.dir.path().join("data/voices")
    }

    fn installed(&self) -> bool {
        self.voices_dir().join(format!("{NAME}.onnx")).exists()
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn the_built_in_catalog_lists_the_three_vietnamese_voices() {
    let out = String::from_utf8(ok(run(vtts().args(["voices", "list"]), b""))).unwrap();
    for name in [
        "vi_VN-vais1000-medium",
        "vi_VN-25hours_single-low",
        "vi_VN-vivos-x_low",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {out}"));
        assert!(line.contains(" no"), "not installed: {line}");
    }
    assert!(
        out.contains("22050") && out.contains("65") && out.contains("27.8 MB"),
        "{out}"
    );
}

#[test]
fn voices_path_follows_vtts_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(run(
        vtts()
            .env("VTTS_DATA_DIR", dir.path())
            .args(["voices", "path"]),
        b"",
    ));
    assert_eq!(
        String::from_utf8(out).unwrap().trim(),
        dir.path().join("voices").to_str().unwrap()
    );
}

#[test]
fn a_voice_installed_from_a_file_is_used_by_name_and_can_be_removed() {
    let setup = Setup::new(Behaviour::default());
    ok(run(
        setup.vtts().args(["voices", "install"]).arg(voice(TINY)),
        b"",
    ));
    let list = String::from_utf8(ok(run(setup.vtts().args(["voices", "list"]), b""))).unwrap();
    assert!(
        list.lines()
            .any(|l| l.starts_with(NAME) && l.contains("yes")),
        "{list}"
    );
    let by_name = ok(run(
        setup.vtts().args([
            "--offline",
            "-m",
            NAME,
            "--raw",
            "--noise-scale",
            "0",
            "--noise-w",
            "0",
            "Xin chào.",
        ]),
        b"",
    ));
    let by_path = ok(run(
        setup.vtts().arg("-m").arg(voice(TINY)).args([
            "--raw",
            "--noise-scale",
            "0",
            "--noise-w",
            "0",
            "Xin chào.",
        ]),
        b"",
    ));
    assert_eq!(by_name, by_path);
    let by_voice = ok(run(
        setup.vtts().args([
            "--offline",
            "--voice",
            NAME,
            "--raw",
            "--noise-scale",
            "0",
            "--noise-w",
            "0",
            "Xin chào.",
        ]),
        b"",
    ));
    assert_eq!(by_voice, by_path);
    ok(run(setup.vtts().args(["voices", "remove", NAME]), b""));
    assert!(!setup.installed());
    fails(
        &run(setup.vtts().args(["voices", "remove", NAME]), b""),
        1,
        "is not installed",
    );
    assert!(
        setup.server.requests.lock().unwrap().is_empty(),
        "nothing was downloaded"
    );
}

#[test]
fn download_verifies_and_installs_atomically() {
    let setup = Setup::new(Behaviour::default());
    let output = run(setup.vtts().args(["voices", "download", NAME]), b"");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("downloading {NAME}")),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read(setup.voices_dir().join(format!("{NAME}.onnx"))).unwrap(),
        fs::read(voice(TINY)).unwrap()
    );
    assert_eq!(
        files_in(&setup.voices_dir()),
        vec![format!("{NAME}.onnx"), format!("{NAME}.onnx.json")]
    );
    let again = run(setup.vtts().args(["voices", "download", NAME]), b"");
    assert!(stderr(&again).contains("already installed"));
    assert_eq!(
        setup.server.requests.lock().unwrap().len(),
        2,
        "two files, fetched once"
    );
}

#[test]
fn the_default_voice_is_downloaded_on_first_use() {
    let setup = Setup::new(Behaviour::default());
    let output = run(setup.vtts().args(["-o", "-", "Xin chào."]), b"");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "voice {NAME} is not installed yet: downloading it"
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(&output.stdout[..4], b"RIFF");
    assert!(setup.installed());
    let second = run(setup.vtts().args(["-o", "-", "Xin chào."]), b"");
    assert!(
        !stderr(&second).contains("downloading"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn offline_never_downloads_and_says_what_to_run() {
    let setup = Setup::new(Behaviour::default());
    let output = run(
        setup
            .vtts()
            .env("VTTS_OFFLINE", "1")
            .args(["-o", "-", "Xin chào."]),
        b"",
    );
    fails(&output, 1, &format!("run `vtts voices download {NAME}`"));
    let output = run(
        setup.vtts().args(["--offline", "-o", "-", "Xin chào."]),
        b"",
    );
    fails(&output, 1, "vtts voices install PATH.onnx");
    assert!(setup.server.requests.lock().unwrap().is_empty());
}

#[test]
fn a_checksum_mismatch_installs_nothing_and_keeps_nothing() {
    let setup = Setup::with_model_md5(
        Behaviour::default(),
        Some("00000000000000000000000000000000"),
    );
    let output = run(setup.vtts().args(["voices", "download", "-q", NAME]), b"");
    fails(&output, 1, "is not the expected file");
    assert!(stderr(&output).contains("expected") && stderr(&output).contains("MD5"));
    assert!(!setup.installed());
    assert!(
        files_in(&setup.voices_dir())
            .iter()
            .all(|f| !f.ends_with(".onnx")),
        "{:?}",
        files_in(&setup.voices_dir())
    );
    assert!(
        !files_in(&setup.voices_dir())
            .iter()
            .any(|f| f.contains("onnx.partial")),
        "the bad download was removed"
    );
}

#[test]
fn a_cut_transfer_is_resumed_with_a_range_request() {
    let setup = Setup::new(Behaviour {
        cut_after: Some((300_000, 1)),
        pace: None,
    });
    let first = run(setup.vtts().args(["voices", "download", "-q", NAME]), b"");
    fails(&first, 1, "run the same command again to resume it");
    assert!(!setup.installed());
    let partial = setup.voices_dir().join(format!(".{NAME}.onnx.partial"));
    let kept = fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
    assert!(kept > 0, "the partial download is kept");

    let second = run(setup.vtts().args(["voices", "download", NAME]), b"");
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(setup.installed());
    assert_eq!(
        fs::read(setup.voices_dir().join(format!("{NAME}.onnx"))).unwrap(),
        fs::read(voice(TINY)).unwrap()
    );
    let requests = setup.server.requests.lock().unwrap().clone();
    let resumed = requests
        .iter()
        .find(|(path, range)| path.ends_with(".onnx") && range.is_some());
    assert_eq!(
        resumed.and_then(|r| r.1.clone()),
        Some(format!("bytes={kept}-")),
        "{requests:?}"
    );
}

#[test]
fn no_network_names_what_could_not_be_fetched() {
    let setup = Setup::new(Behaviour::default());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let output = run(
        setup
            .vtts()
            .env("VTTS_VOICES_URL", &closed)
            .args(["voices", "download", "-q", NAME]),
        b"",
    );
    fails(
        &output,
        1,
        &format!("cannot fetch {closed}/vi/test/{NAME}.onnx.json"),
    );
    assert!(stderr(&output).contains("vtts voices install PATH.onnx"));
}

#[test]
fn an_unknown_voice_lists_the_known_ones() {
    let output = run(vtts().args(["voices", "download", "nope"]), b"");
    fails(
        &output,
        1,
        "choose from vi_VN-vais1000-medium, vi_VN-25hours_single-low, vi_VN-vivos-x_low",
    );
}

#[test]
fn a_terminal_gets_a_progress_bar() {
    let setup = Setup::new(Behaviour {
        cut_after: None,
        pace: Some(Duration::from_millis(60)),
    });
    // `script` gives vtts a terminal for stderr and records what it drew.
    let transcript = setup.dir.path().join("transcript");
    let line = format!("{} voices download {NAME}", env!("CARGO_BIN_EXE_vtts"));
    let status = tool("script")
        .args(["-q", "-e", "-c", &line])
        .arg(&transcript)
        .envs(
            setup
                .vtts()
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .env_remove("VTTS_OFFLINE")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("script(1) from util-linux");
    assert!(status.success());
    let drawn = String::from_utf8_lossy(&fs::read(&transcript).unwrap()).into_owned();
    assert!(
        drawn.contains(&format!("{NAME}.onnx [")),
        "a bar for the model: {drawn:?}"
    );
    assert!(drawn.contains("KiB") || drawn.contains("MiB"), "{drawn:?}");
    assert!(setup.installed());
}

#[test]
fn a_voice_name_cannot_reach_outside_the_voices_folder() {
    let data = tempfile::tempdir().unwrap();
    let voices = data.path().join("voices");
    fs::create_dir_all(&voices).unwrap();
    let outside = data.path().join("x.onnx");
    fs::write(&outside, b"not a voice of the store").unwrap();
    fs::write(data.path().join("x.onnx.json"), b"{}").unwrap();
    let output = run(
        vtts()
            .env("VTTS_DATA_DIR", data.path())
            .args(["voices", "remove", "../x"]),
        b"",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not a voice name"),
        "{}",
        stderr(&output)
    );
    assert!(
        outside.exists(),
        "voices remove ../x deleted a file outside the folder"
    );
    let output = run(
        vtts().env("VTTS_DATA_DIR", data.path()).args([
            "--voice",
            "../x",
            "-o",
            "/tmp/never.wav",
            "xin",
        ]),
        b"",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn an_empty_or_cut_off_model_is_not_installed() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tiny = fs::read(voice(TINY)).unwrap();
    for (name, bytes) in [
        ("vi_VN-empty", &tiny[..0]),
        ("vi_VN-cut", &tiny[..tiny.len() / 2]),
    ] {
        let model = dir.path().join(format!("{name}.onnx"));
        fs::write(&model, bytes).unwrap();
        fs::copy(
            format!("{}.json", voice(TINY).display()),
            format!("{}.json", model.display()),
        )
        .unwrap();
        let output = run(
            vtts()
                .env("VTTS_DATA_DIR", data.path())
                .args(["voices", "install"])
                .arg(&model),
            b"",
        );
        assert_eq!(output.status.code(), Some(1), "{name}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("loading voice model"),
            "{}",
            stderr(&output)
        );
    }
    let listed = run(
        vtts()
            .env("VTTS_DATA_DIR", data.path())
            .args(["voices", "list"]),
        b"",
    );
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("vi_VN-empty"));
}
