//! A cache of voice models that ONNX Runtime has already optimised.
//!
//! Creating a session spends most of its time rewriting the graph (fusions,
//! constant folding). ONNX Runtime can save the rewritten graph, and a session made from that
//! file with optimisation switched off starts many times faster and runs as
//! fast (BENCHMARKS.md, Start-up). So the first load of a model saves it here, and
//! later loads use it.
//!
//! - The graph is optimised at the extended level, which ONNX Runtime documents
//!   as hardware-independent. The layout level it adds by default made no
//!   measurable difference to run time on these voices, and its files are only
//!   valid on the CPU that wrote them.
//! - Weights go to a separate file, which ONNX Runtime maps instead of copying.
//! - An entry is a directory, `$XDG_CACHE_HOME/vtts/models/<key>/`, published
//!   whole ([`crate::fs::StagingDir`]), so a reader never sees half of it.
//!   Its key covers the ONNX Runtime build and the voice's [`Identity`] (its
//!   model's content and its config), so a changed model or library never
//!   meets an old entry, while a copy of the same voice (into a container
//!   image, say) finds it.
//! - Any failure (no cache directory, a full disk, a damaged entry) falls back
//!   to loading the model itself; the cache can only make a load faster.
//! - A voice split for windowed decoding (`split.rs`) caches its parts the
//!   same way, each in an entry of its own named by the part.
//! - `VTTS_MODEL_CACHE=0` turns the cache off.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::{GraphOptimizationLevel, SessionBuilder};

use super::Identity;
use crate::fs::StagingDir;

/// Bump when the layout of an entry, the options that make it or the way a
/// voice is cut into parts (`split.rs`) change.
const FORMAT: &str = "vtts-optimized-model-4";
/// Which part of the model an entry holds, when it is not the whole.
const PART_FILE: &str = "part";
const MODEL_FILE: &str = "model.onnx";
const WEIGHTS_FILE: &str = "model.onnx.data";
/// Records which model an entry was made from, so that a newer entry for the
/// same file can replace it.
const SOURCE_FILE: &str = "source";
/// Records the [`FORMAT`] that made an entry, so that a newer vtts removes
/// the entries of an older one (whose keys it never makes again; entries
/// from before this file count as older).
const FORMAT_FILE: &str = "format";

/// One model's (or one part's) place in the cache.
pub struct Entry {
    dir: PathBuf,
    source: PathBuf,
    /// "" for the whole model, else the part's name.
    part: &'static str,
}

/// Where the model to optimise comes from when the entry is missing.
pub enum Source<'a> {
    /// The model file itself.
    File,
    /// A model made in memory (a part of the file).
    Memory(&'a [u8]),
}

impl Entry {
    /// The entry for the voice `identity` whose model is `model`, or `None`
    /// when caching is off or there is no cache folder.
    pub fn for_model(model: &Path, identity: &Identity) -> Option<Self> {
        Self::for_part(model, identity, "")
    }

    /// The entry for `part` of the model ("" for all of it).
    pub fn for_part(model: &Path, identity: &Identity, part: &'static str) -> Option<Self> {
        if std::env::var_os("VTTS_MODEL_CACHE").is_some_and(|v| v == "0") {
            return None;
        }
        let root = crate::fs::cache_dir()?.join("models");
        let source = fs::canonicalize(model).ok()?;
        Some(Self {
            dir: root.join(key(identity, part)),
            source,
            part,
        })
    }

    /// A session for the model: from this entry when it is there, otherwise
    /// from the model itself, saving the optimised graph here on the way.
    pub fn session(
        &self,
        environment: &'static Environment,
        configure: &dyn Fn(SessionBuilder) -> ort::Result<SessionBuilder>,
        source: &Source,
    ) -> ort::Result<Session> {
        let commit = |mut builder: SessionBuilder| match source {
            Source::File => builder.commit_from_file(&self.source),
            Source::Memory(bytes) => builder.commit_from_memory(bytes),
        };
        if let Some(session) = self.cached_session(environment, configure) {
            return Ok(session);
        }
        if let Some(staging) = self.stage() {
            let session = configure(Session::builder(environment)?)?
                .with_optimization_level(GraphOptimizationLevel::Level2)?
                .with_optimized_model_path(staging.path().join(MODEL_FILE))?
                .with_config_entry(
                    "session.optimized_model_external_initializers_file_name",
                    WEIGHTS_FILE,
                )?
                .with_config_entry(
                    "session.optimized_model_external_initializers_min_size_in_bytes",
                    "1024",
                )?;
            let session = commit(session);
            if let Ok(session) = session {
                // Another process may have published the same entry first;
                // theirs is as good.
                if staging.publish().is_ok() {
                    self.remove_stale();
                }
                return Ok(session);
            }
            // Possibly the cache's fault (a full disk): try without it.
        }
        commit(configure(Session::builder(environment)?)?)
    }

    /// Whether the entry has been saved (it may still be damaged).
    pub fn is_saved(&self) -> bool {
        self.dir.join(MODEL_FILE).is_file()
    }

    /// A session from the saved optimised graph, if it is there and loads;
    /// a damaged entry is removed.
    pub fn cached_session(
        &self,
        environment: &'static Environment,
        configure: &dyn Fn(SessionBuilder) -> ort::Result<SessionBuilder>,
    ) -> Option<Session> {
        if !self.is_saved() {
            return None;
        }
        let cached = self.dir.join(MODEL_FILE);
        let session = (|| {
            configure(Session::builder(environment)?)?
                .with_optimization_level(GraphOptimizationLevel::Disable)?
                .commit_from_file(&cached)
        })();
        if session.is_err() {
            // A damaged entry: forget it, so that a new one is made.
            let _ = fs::remove_dir_all(&self.dir);
        }
        session.ok()
    }

    /// A new private folder beside the entry's, for ONNX Runtime to write into.
    fn stage(&self) -> Option<StagingDir> {
        let staging = StagingDir::create(&self.dir).ok()?;
        let source = self.source.as_os_str().as_bytes();
        fs::write(staging.path().join(SOURCE_FILE), source).ok()?;
        fs::write(staging.path().join(FORMAT_FILE), FORMAT).ok()?;
        if !self.part.is_empty() {
            fs::write(staging.path().join(PART_FILE), self.part).ok()?;
        }
        Some(staging)
    }

    /// Removes entries made from this model before it changed or by an older
    /// vtts ([`FORMAT_FILE`]), entries whose model is gone, and what loads
    /// that died left ([`crate::fs::sweep`]).
    fn remove_stale(&self) {
        let Some(root) = self.dir.parent() else {
            return;
        };
        crate::fs::sweep(root);
        let Ok(listing) = fs::read_dir(root) else {
            return;
        };
        for dir in listing.flatten().map(|e| e.path()) {
            let staged = dir
                .file_name()
                .is_some_and(|n| n.as_bytes().starts_with(b"."));
            if staged || dir == self.dir {
                continue;
            }
            let Ok(source) = fs::read(dir.join(SOURCE_FILE)) else {
                continue;
            };
            let source = PathBuf::from(std::ffi::OsStr::from_bytes(&source));
            let part = fs::read(dir.join(PART_FILE)).unwrap_or_default();
            // A newer vtts's entries are left to it (two may share a cache).
            let format = fs::read(dir.join(FORMAT_FILE)).unwrap_or_default();
            let older = version(&format) < version(FORMAT.as_bytes());
            let same = source == self.source && (part == self.part.as_bytes() || older);
            if same || !source.exists() {
                let _ = fs::remove_dir_all(&dir);
            }
        }
    }
}

/// The number at the end of a [`FORMAT`] (0 for none).
fn version(format: &[u8]) -> u64 {
    let digits = format.rsplit(|&b| b == b'-').next().unwrap_or_default();
    std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(0)
}

/// Names an entry: the voice and the library that optimises it.
fn key(identity: &Identity, part: &str) -> String {
    use sha1::{Digest, Sha1};
    let mut hash = Sha1::new();
    hash.update(FORMAT);
    hash.update(ort::info());
    hash.update(identity.as_str());
    hash.update(part);
    crate::fs::hex(&hash.finalize())
}
