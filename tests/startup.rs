//! What a voice load leaves behind: the cache of optimised models, and no
//! telemetry from ONNX Runtime.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A private cache and home, and a copy of the tiny voice, so that entries
/// made here belong to this test alone.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let sandbox = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::create_dir(sandbox.path("home")).unwrap();
        for ext in ["onnx", "onnx.json"] {
            fs::copy(
                voice(TINY).with_extension(ext),
                sandbox.model().with_extension(ext),
            )
            .unwrap();
        }
        sandbox
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn model(&self) -> PathBuf {
        self.path("voice.onnx")
    }

    fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    /// vtts on the whole graph; [`Sandbox::split_vtts`] splits it.
    fn vtts(&self) -> Command {
        let mut command = self.split_vtts();
        command.env("VTTS_WINDOWS", "0");
        command
    }

    fn split_vtts(&self) -> Command {
        let mut command = vtts();
        command
            .env("HOME", self.path("home"))
            .env("XDG_CACHE_HOME", self.cache())
            .arg("-m")
            .arg(self.model())
            .args(["--noise-scale", "0", "--noise-w", "0", "--raw"]);
        command
    }

    /// Deterministic samples of one sentence.
    fn speak(&self, command: &mut Command) -> Vec<i16> {
        raw_samples(&ok(run(command.arg("Xin chào các bạn."), b"")))
    }

    /// The published entries of the model cache.
    fn entries(&self) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = self
            .listing()
            .into_iter()
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect();
        entries.sort();
        entries
    }

    /// Everything in the model cache, staging directories included.
    fn listing(&self) -> Vec<PathBuf> {
        let Ok(listing) = fs::read_dir(self.cache().join("vtts/models")) else {
            return Vec::new();
        };
        listing.map(|e| e.unwrap().path()).collect()
    }
}

fn files_of(entry: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(entry)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_first_load_caches_the_optimised_model_and_later_loads_use_it() {
    let sandbox = Sandbox::new();
    let reference = sandbox.speak(sandbox.vtts().env("VTTS_MODEL_CACHE", "0"));
    assert!(
        sandbox.entries().is_empty(),
        "VTTS_MODEL_CACHE=0 writes nothing"
    );

    // A miss: the model is optimised, saved, and the audio is unchanged.
    assert_eq!(sandbox.speak(&mut sandbox.vtts()), reference);
    let entries = sandbox.entries();
    assert_eq!(sandbox.listing(), entries, "one entry, no staging left");
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(
        files_of(entry),
        ["format", "model.onnx", "model.onnx.data", "source"]
    );
    assert_eq!(
        fs::read(entry.join("source")).unwrap(),
        fs::canonicalize(sandbox.model())
            .unwrap()
            .as_os_str()
            .as_encoded_bytes()
    );
    // The weights live in their own file; the graph alone is small.
    let graph = fs::metadata(entry.join("model.onnx")).unwrap().len();
    let weights = fs::metadata(entry.join("model.onnx.data")).unwrap().len();
    assert!(weights > graph, "graph {graph} bytes, weights {weights}");

    // A hit reads the entry: a damaged one is noticed, replaced, and the
    // audio is still right. (A load that ignored the entry would leave the
    // damage in place, because an existing entry is never overwritten.)
    let damaged = b"not a model".to_vec();
    fs::write(entry.join("model.onnx"), &damaged).unwrap();
    assert_eq!(sandbox.speak(&mut sandbox.vtts()), reference);
    assert_eq!(sandbox.entries(), entries, "the same key, rebuilt");
    assert_ne!(fs::read(entry.join("model.onnx")).unwrap(), damaged);
    assert_eq!(fs::metadata(entry.join("model.onnx")).unwrap().len(), graph);

    // And the repaired entry serves the same audio again.
    assert_eq!(sandbox.speak(&mut sandbox.vtts()), reference);
}

#[test]
fn a_split_voice_caches_its_four_parts_and_repairs_a_damaged_one() {
    let sandbox = Sandbox::new();
    let reference = sandbox.speak(sandbox.split_vtts().env("VTTS_MODEL_CACHE", "0"));
    assert!(sandbox.entries().is_empty());
    // An entry an older vtts made of this voice's first half (no format
    // recorded): never read again, so removed.
    let models = sandbox.cache().join("vtts/models");
    let older = models.join("0123456789abcdef0123456789abcdef01234567");
    fs::create_dir_all(&older).unwrap();
    let source = fs::canonicalize(sandbox.model()).unwrap();
    fs::write(older.join("source"), source.as_os_str().as_encoded_bytes()).unwrap();
    fs::write(older.join("part"), "encoder").unwrap();
    fs::write(older.join("model.onnx"), "an old half").unwrap();
    // And one a newer vtts made: left to it.
    let newer = models.join("fedcba9876543210fedcba9876543210fedcba98");
    fs::create_dir_all(&newer).unwrap();
    for file in ["source", "part", "model.onnx"] {
        fs::copy(older.join(file), newer.join(file)).unwrap();
    }
    fs::write(newer.join("format"), "vtts-optimized-model-9999").unwrap();
    assert_eq!(sandbox.speak(&mut sandbox.split_vtts()), reference);
    assert!(!older.exists(), "an older vtts's entry is removed");
    assert!(newer.exists(), "a newer vtts's entry is kept");
    fs::remove_dir_all(&newer).unwrap();
    let entries = sandbox.entries();
    assert_eq!(
        entries.len(),
        4,
        "sentence, flow, the decoder's halves: {entries:?}"
    );
    let mut parts: Vec<String> = entries
        .iter()
        .map(|entry| {
            assert_eq!(
                files_of(entry),
                ["format", "model.onnx", "model.onnx.data", "part", "source"]
            );
            fs::read_to_string(entry.join("part")).unwrap()
        })
        .collect();
    parts.sort();
    assert_eq!(parts, ["decoder-head", "decoder-tail", "flow", "sentence"]);
    for entry in &entries {
        fs::write(entry.join("model.onnx"), b"not a model").unwrap();
    }
    assert_eq!(sandbox.speak(&mut sandbox.split_vtts()), reference);
    assert_eq!(sandbox.entries(), entries, "the same keys, rebuilt");
    for entry in &entries {
        assert_ne!(fs::read(entry.join("model.onnx")).unwrap(), b"not a model");
    }
    // The whole graph, asked for, gets its own entry beside them.
    sandbox.speak(&mut sandbox.vtts());
    assert_eq!(sandbox.entries().len(), 5);
    assert_eq!(sandbox.speak(&mut sandbox.split_vtts()), reference);
}

#[test]
fn a_changed_model_gets_a_new_entry_and_its_old_one_goes() {
    let sandbox = Sandbox::new();
    let before = sandbox.speak(&mut sandbox.vtts());
    let old = sandbox.entries();
    assert_eq!(old.len(), 1);
    // Staging of loads that died: one two hours ago, one that may still be running.
    let models = sandbox.cache().join("vtts/models");
    let (dead, running) = (
        models.join(".abc.1-0.partial"),
        models.join(".abc.2-0.partial"),
    );
    for dir in [&dead, &running] {
        fs::create_dir(dir).unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    fs::File::open(&dead)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();

    // Replace the voice with the multi-speaker one under the same name: a
    // different model that must not be served from the old entry.
    for ext in ["onnx", "onnx.json"] {
        let replacement = sandbox.path("replacement").with_extension(ext);
        fs::copy(voice(TINY_MULTI).with_extension(ext), &replacement).unwrap();
        fs::rename(&replacement, sandbox.model().with_extension(ext)).unwrap();
    }
    let reference = sandbox.speak(sandbox.vtts().env("VTTS_MODEL_CACHE", "0"));
    assert_ne!(reference, before, "the two voices differ");
    assert_eq!(sandbox.speak(&mut sandbox.vtts()), reference);
    let new = sandbox.entries();
    assert_eq!(new.len(), 1, "the old entry is removed: {new:?}");
    assert_ne!(new, old);
    assert!(!dead.exists(), "abandoned staging is removed");
    assert!(running.exists(), "recent staging is left to its load");
}

#[test]
fn without_a_usable_cache_directory_the_voice_still_loads() {
    let sandbox = Sandbox::new();
    let reference = sandbox.speak(sandbox.vtts().env("VTTS_MODEL_CACHE", "0"));
    // A cache path that is a file: nothing can be created under it.
    let blocked = sandbox.path("blocked");
    fs::write(&blocked, b"").unwrap();
    let mut command = sandbox.vtts();
    assert_eq!(
        sandbox.speak(command.env("XDG_CACHE_HOME", &blocked)),
        reference
    );
    assert!(blocked.is_file());
}

#[test]
fn onnx_runtime_keeps_no_telemetry_state_and_sends_nothing() {
    let sandbox = Sandbox::new();
    let mut command = sandbox.vtts();
    // ONNX Runtime stays quiet by itself on CI machines it recognises; this
    // test is about what a user's machine gets.
    for variable in ["ORT_DISABLE_TELEMETRY", "CI", "GITHUB_ACTIONS", "TF_BUILD"] {
        command.env_remove(variable);
    }
    sandbox.speak(&mut command);
    // ONNX Runtime 1.29+ keeps its device id and event store in
    // Microsoft/DeveloperTools under the cache folder unless told not to.
    for base in [sandbox.cache(), sandbox.path("home/.cache")] {
        assert!(
            !base.join("Microsoft").exists(),
            "{} was created",
            base.join("Microsoft").display()
        );
    }
    assert!(
        sandbox.cache().join("vtts").is_dir(),
        "the run used this cache"
    );
}
