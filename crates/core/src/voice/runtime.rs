//! Finding, loading and initialising the ONNX Runtime shared library, once per process.
//!
//! Where the library comes from, first match wins:
//! 1. `ORT_DYLIB_PATH`, the variable the `ort` crate documents;
//! 2. the copy bundled into this binary at build time (see `build.rs`), written
//!    once to `$XDG_CACHE_HOME/vtts/` (or `~/.cache/vtts/`) so that every later
//!    start maps the same file, or into an anonymous memory file when no cache
//!    directory is writable (read-only containers);
//! 3. `libonnxruntime.so` beside the executable, then the system's library path.

use std::path::PathBuf;
use std::sync::OnceLock;

use ort::environment::Environment;

use crate::error::{Error, Result};

static ENVIRONMENT: OnceLock<std::result::Result<Environment, String>> = OnceLock::new();

/// The process-wide ONNX Runtime environment, initialised on first use.
pub fn environment() -> Result<&'static Environment> {
    ENVIRONMENT
        .get_or_init(|| init().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|message| Error::Runtime(message.clone()))
}

fn init() -> Result<Environment> {
    let library = locate()?;
    let builder = ort::init_from(&library).map_err(|e| {
        Error::Runtime(format!(
            "cannot use the ONNX Runtime library {}: {e}; vtts needs ONNX Runtime 1.{} or newer: \
             point ORT_DYLIB_PATH at a libonnxruntime.so of that version \
             (pip's onnxruntime package carries one in onnxruntime/capi/)",
            library.display(),
            ort::MINOR_VERSION
        ))
    })?;
    let environment = builder
        .with_name("vtts")
        .with_telemetry(false)
        .build()
        .map_err(|e| Error::Runtime(format!("initialising ONNX Runtime: {e}")))?;
    // Without it each session keeps an arena of its own: more memory, the
    // same audio.
    let _ = share_arena(&environment);
    Ok(environment)
}

/// Gives the process one CPU memory arena, which every session uses
/// (`session.use_env_allocators`, set where a voice opens its sessions).
/// Each session kept an arena of its own, which never shrinks, so a split
/// voice's peak was the sum of its four parts' peaks; with one arena it is
/// the most any run needs: 217 → 195 MB for the CLI on a 483-id sentence
/// (BENCHMARKS.md, Windows).
fn share_arena(environment: &Environment) -> ort::Result<()> {
    use ort::AsPointer;
    use ort::memory::{AllocationDevice, AllocatorType, MemoryInfo, MemoryType};
    let info = MemoryInfo::new(
        AllocationDevice::CPU,
        0,
        AllocatorType::Arena,
        MemoryType::Default,
    )?;
    let api = ort::api();
    let mut config = std::ptr::null_mut();
    // SAFETY: CreateArenaCfgV2 reads `0` keys (the arena's defaults) and
    // writes a new config to `config`; CreateAndRegisterAllocator reads the
    // live environment, memory info and config and copies what it keeps, so
    // the config is released after it, whatever it returned.
    unsafe {
        ort::Error::result_from_status((api.CreateArenaCfgV2)(
            std::ptr::null(),
            std::ptr::null(),
            0,
            &mut config,
        ))?;
        let registered = ort::Error::result_from_status((api.CreateAndRegisterAllocator)(
            environment.ptr().cast_mut(),
            info.ptr(),
            config,
        ));
        (api.ReleaseArenaCfg)(config);
        registered
    }
}

fn locate() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(Error::Runtime(format!(
                "ORT_DYLIB_PATH is {} but there is no such file",
                path.display()
            )));
        }
        return Ok(path);
    }
    if let Some(path) = bundled::extract()? {
        return Ok(path);
    }
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(LIBRARY_NAME)));
    Ok(match beside_exe {
        Some(path) if path.is_file() => path,
        _ => PathBuf::from(LIBRARY_NAME),
    })
}

const LIBRARY_NAME: &str = "libonnxruntime.so";

#[cfg(feature = "bundled-onnxruntime")]
mod bundled {
    use super::*;
    use crate::error::IoContext;
    use crate::fs::AtomicFile;
    use std::fs;
    use std::io::Write;

    static LIBRARY: &[u8] = include_bytes!(env!("VTTS_BUNDLED_ORT"));
    const VERSION: &str = env!("VTTS_BUNDLED_ORT_VERSION");

    /// Makes the bundled library available as a file and returns its path.
    pub fn extract() -> Result<Option<PathBuf>> {
        if let Some(dir) = crate::fs::cache_dir() {
            // The size and version in the name identify the library; the file
            // is only ever created by an atomic rename, so it is never partial.
            let path = dir.join(format!("libonnxruntime-{VERSION}-{}.so", LIBRARY.len()));
            if fs::metadata(&path).is_ok_and(|m| m.len() == LIBRARY.len() as u64) {
                return Ok(Some(path));
            }
            let written = fs::create_dir_all(&dir)
                .context(|| format!("creating {}", dir.display()))
                .and_then(|()| AtomicFile::create(&path))
                .and_then(|mut file| {
                    file.write_all(LIBRARY)
                        .context(|| format!("writing {}", path.display()))?;
                    file.commit()
                });
            if written.is_ok() {
                return Ok(Some(path));
            }
        }
        memory_file().map(Some)
    }

    /// An anonymous in-memory file holding the library, reachable through /proc.
    fn memory_file() -> Result<PathBuf> {
        // SAFETY: memfd_create takes a NUL-terminated name and flags, and returns a new descriptor or -1.
        let fd = unsafe { libc::memfd_create(c"libonnxruntime.so".as_ptr(), 0) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error()).context(|| {
                "creating a memory file for the bundled ONNX Runtime library".to_string()
            });
        }
        // SAFETY: fd is a fresh descriptor we own; the File closes it only when dropped, and we
        // keep it open for the life of the process on purpose because the library is mapped from it.
        let mut file = unsafe { <fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        file.write_all(LIBRARY)
            .context(|| "writing the bundled ONNX Runtime library to memory".to_string())?;
        std::mem::forget(file);
        Ok(PathBuf::from(format!("/proc/self/fd/{fd}")))
    }
}

#[cfg(not(feature = "bundled-onnxruntime"))]
mod bundled {
    use super::*;

    pub fn extract() -> Result<Option<PathBuf>> {
        Ok(None)
    }
}
