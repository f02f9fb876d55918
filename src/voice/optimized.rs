//! A cache of voice models that ONNX Runtime has already optimised.
//!
//! Creating a session spends most of its time rewriting the graph (fusions,
//! constant folding): 600–930 ms for a medium voice on the benchmark machine.
//! ONNX Runtime can save the rewritten graph, and a session made from that
//! file with optimisation switched off starts in 55–90 ms and runs as fast
//! (BENCHMARKS.md, Start-up). So the first load of a model saves it here, and
//! later loads use it.
//!
//! - The graph is optimised at the extended level, which ONNX Runtime documents
//!   as hardware-independent. The layout level it adds by default made no
//!   measurable difference to run time on these voices, and its files are only
//!   valid on the CPU that wrote them.
//! - Weights go to a separate file, which ONNX Runtime maps instead of copying.
//! - An entry is a directory, `$XDG_CACHE_HOME/vtts/models/<key>/`, published
//!   by one rename, so a reader never sees half of it. Its key covers the ONNX
//!   Runtime build, and the model's size and 64 KiB sampled across its bytes,
//!   so a changed model or library never meets an old entry, while a copy of
//!   the same model (into a container image, say) finds it.
//! - Any failure (no cache directory, a full disk, a damaged entry) falls back
//!   to loading the model itself; the cache can only make a load faster.
//! - `VTTS_MODEL_CACHE=0` turns the cache off.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::{GraphOptimizationLevel, SessionBuilder};

/// Bump when the layout of an entry or the options that make it change.
const FORMAT: &str = "vtts-optimized-model-1";
const MODEL_FILE: &str = "model.onnx";
const WEIGHTS_FILE: &str = "model.onnx.data";
/// Records which model an entry was made from, so that a newer entry for the
/// same file can replace it.
const SOURCE_FILE: &str = "source";

/// One model's place in the cache.
pub struct Entry {
    dir: PathBuf,
    source: PathBuf,
}

impl Entry {
    /// The cache entry for `model`, or `None` when caching is off or the model
    /// cannot be identified cheaply.
    pub fn for_model(model: &Path) -> Option<Self> {
        if std::env::var_os("VTTS_MODEL_CACHE").is_some_and(|v| v == "0") {
            return None;
        }
        let root = crate::dirs::cache_dir()?.join("models");
        let source = fs::canonicalize(model).ok()?;
        let key = key(&source).ok()?;
        Some(Self {
            dir: root.join(key),
            source,
        })
    }

    /// A session for the model: from this entry when it is there, otherwise
    /// from the model itself, saving the optimised graph here on the way.
    pub fn session(
        &self,
        environment: &'static Environment,
        configure: &dyn Fn(SessionBuilder) -> ort::Result<SessionBuilder>,
    ) -> ort::Result<Session> {
        let cached = self.dir.join(MODEL_FILE);
        if cached.is_file() {
            let session = configure(Session::builder(environment)?)?
                .with_optimization_level(GraphOptimizationLevel::Disable)?
                .commit_from_file(&cached);
            if session.is_ok() {
                return session;
            }
            // A damaged entry: forget it and make a new one.
            let _ = fs::remove_dir_all(&self.dir);
        }
        if let Some(staging) = self.stage() {
            let session = configure(Session::builder(environment)?)?
                .with_optimization_level(GraphOptimizationLevel::Level2)?
                .with_optimized_model_path(staging.join(MODEL_FILE))?
                .with_config_entry(
                    "session.optimized_model_external_initializers_file_name",
                    WEIGHTS_FILE,
                )?
                .with_config_entry(
                    "session.optimized_model_external_initializers_min_size_in_bytes",
                    "1024",
                )?
                .commit_from_file(&self.source);
            match session {
                Ok(session) => {
                    self.publish(&staging);
                    return Ok(session);
                }
                // Possibly the cache's fault (a full disk): try without it.
                Err(_) => {
                    let _ = fs::remove_dir_all(&staging);
                }
            }
        }
        configure(Session::builder(environment)?)?.commit_from_file(&self.source)
    }

    /// A new private directory beside the entry's, for ONNX Runtime to write into.
    fn stage(&self) -> Option<PathBuf> {
        let root = self.dir.parent()?;
        fs::create_dir_all(root).ok()?;
        // Unique to this load, so that loads in other processes or threads never share it.
        static LOADS: AtomicUsize = AtomicUsize::new(0);
        let staging = root.join(format!(
            ".{}.{}-{}.partial",
            self.dir.file_name()?.to_string_lossy(),
            std::process::id(),
            LOADS.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir(&staging).ok()?;
        let source = self.source.as_os_str().as_bytes();
        fs::write(staging.join(SOURCE_FILE), source).ok()?;
        Some(staging)
    }

    /// Makes a staged entry visible, then drops older entries of the same model.
    fn publish(&self, staging: &Path) {
        // On disk before it is visible: a crash must not leave a published,
        // truncated entry. This costs time once per model.
        let durable = [MODEL_FILE, WEIGHTS_FILE, SOURCE_FILE].iter().all(|name| {
            fs::File::open(staging.join(name))
                .and_then(|f| f.sync_all())
                .is_ok()
        });
        // Another process may have published the same entry first; theirs is as good.
        if !durable || fs::rename(staging, &self.dir).is_err() {
            let _ = fs::remove_dir_all(staging);
            return;
        }
        self.remove_stale();
    }

    /// Removes entries made from this model before it changed, entries whose
    /// model is gone, and staging left by a load that died an hour ago or more.
    fn remove_stale(&self) {
        let Some(root) = self.dir.parent() else {
            return;
        };
        let Ok(listing) = fs::read_dir(root) else {
            return;
        };
        for dir in listing.flatten().map(|e| e.path()) {
            let staged = dir
                .file_name()
                .is_some_and(|n| n.as_bytes().starts_with(b"."));
            if staged {
                let abandoned = fs::metadata(&dir)
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() >= 3600));
                if abandoned {
                    let _ = fs::remove_dir_all(&dir);
                }
                continue;
            }
            if dir == self.dir {
                continue;
            }
            let Ok(source) = fs::read(dir.join(SOURCE_FILE)) else {
                continue;
            };
            let source = PathBuf::from(std::ffi::OsStr::from_bytes(&source));
            if source == self.source || !source.exists() {
                let _ = fs::remove_dir_all(&dir);
            }
        }
    }
}

/// Names a model and the library that optimises it, without reading the whole
/// model (hashing 60 MB would cost as much as the cache saves).
fn key(model: &Path) -> std::io::Result<String> {
    use sha1::{Digest, Sha1};
    let mut file = fs::File::open(model)?;
    let meta = file.metadata()?;
    let mut hash = Sha1::new();
    hash.update(FORMAT);
    hash.update(ort::info());
    hash.update(meta.len().to_le_bytes());
    // Sixteen 4 KiB samples spread over the file, the first at its start (the
    // graph and its metadata): models of the same shape differ in their
    // weights, which fill nearly all of it.
    let mut block = vec![0; 4096];
    for i in 0..16 {
        file.seek(SeekFrom::Start(meta.len() / 16 * i))?;
        let n = file.read(&mut block)?;
        hash.update(&block[..n]);
    }
    Ok(crate::dirs::hex(&hash.finalize()))
}
