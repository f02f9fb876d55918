//! Bundles the ONNX Runtime shared library into the binary.
//!
//! Piper voices need ONNX Runtime, which has no Debian package and no pure-Rust
//! replacement that runs them. PyPI's `onnxruntime` wheel carries a plain C
//! library (`libonnxruntime.so`, needing only glibc and libstdc++), so the build
//! asks pip for that wheel by package name, checks the library against a pinned
//! SHA-256 and hands its path to `include_bytes!`. The installed `vtts` is then
//! one self-contained file (see `src/voice/runtime.rs` for the loading side).
//!
//! `VTTS_ONNXRUNTIME_LIB=/path/libonnxruntime.so` skips pip and bundles that file
//! instead (no checksum: it is the builder's own choice). Building without the
//! default `bundled-onnxruntime` feature bundles nothing; vtts then needs
//! `ORT_DYLIB_PATH` or a `libonnxruntime.so` beside the executable.

use std::env;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const ORT_VERSION: &str = "1.32.0";

/// The pip platform tag and the pinned SHA-256 of the library for each architecture we bundle for.
fn wheel_for(arch: &str) -> Option<(&'static str, &'static str)> {
    match arch {
        "x86_64" => Some((
            "manylinux_2_28_x86_64",
            "6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f",
        )),
        _ => None,
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=VTTS_ONNXRUNTIME_LIB");
    println!("cargo:rerun-if-env-changed=VTTS_PYTHON");
    if env::var_os("CARGO_FEATURE_BUNDLED_ONNXRUNTIME").is_none() {
        return;
    }
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let library = match env::var_os("VTTS_ONNXRUNTIME_LIB") {
        Some(path) => PathBuf::from(path),
        None => match fetch_from_pip(&out_dir) {
            Ok(path) => path,
            Err(message) => {
                eprintln!("error: cannot bundle ONNX Runtime {ORT_VERSION}: {message}");
                eprintln!(
                    "hint: install python3 with pip, or set VTTS_ONNXRUNTIME_LIB to a libonnxruntime.so \
                     (1.31 or newer), or build with --no-default-features and set ORT_DYLIB_PATH at run time"
                );
                std::process::exit(1);
            }
        },
    };
    println!("cargo:rerun-if-changed={}", library.display());
    println!("cargo:rustc-env=VTTS_BUNDLED_ORT={}", library.display());
    println!("cargo:rustc-env=VTTS_BUNDLED_ORT_VERSION={ORT_VERSION}");
}

/// Downloads the pinned onnxruntime wheel with pip (pip's own cache makes
/// rebuilds free) and extracts the library into OUT_DIR, once.
fn fetch_from_pip(out_dir: &Path) -> Result<PathBuf, String> {
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let (platform, sha256) = match (os.as_str(), wheel_for(&arch)) {
        ("linux", Some(wheel)) => wheel,
        _ => return Err(format!("no pinned onnxruntime wheel for {os}/{arch}")),
    };
    let library = out_dir.join(format!("libonnxruntime.so.{ORT_VERSION}"));
    if library.exists() && sha256_of(&library)? == sha256 {
        return Ok(library);
    }

    let wheel_dir = out_dir.join("onnxruntime-wheel");
    let _ = fs::remove_dir_all(&wheel_dir);
    let python = env::var("VTTS_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args([
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.11",
        ])
        .args(["--platform", platform, "--dest"])
        .arg(&wheel_dir)
        .arg(format!("onnxruntime=={ORT_VERSION}"))
        .status()
        .map_err(|e| format!("running `{python} -m pip`: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`{python} -m pip download onnxruntime=={ORT_VERSION}` failed ({status})"
        ));
    }
    let wheel = fs::read_dir(&wheel_dir)
        .map_err(|e| e.to_string())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .ok_or("pip downloaded no wheel")?;

    let member = format!("onnxruntime/capi/libonnxruntime.so.{ORT_VERSION}");
    let file = fs::File::open(&wheel).map_err(|e| e.to_string())?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", wheel.display()))?;
    let mut bytes = Vec::new();
    archive
        .by_name(&member)
        .map_err(|e| format!("{member} in {}: {e}", wheel.display()))?
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let actual = hex(&Sha256::digest(&bytes));
    if actual != sha256 {
        return Err(format!(
            "{member} has SHA-256 {actual}, expected the pinned {sha256}"
        ));
    }
    let partial = library.with_extension("partial");
    fs::write(&partial, &bytes).map_err(|e| e.to_string())?;
    fs::rename(&partial, &library).map_err(|e| e.to_string())?;
    let _ = fs::remove_dir_all(&wheel_dir);
    Ok(library)
}

fn sha256_of(path: &Path) -> Result<String, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(hex(&Sha256::digest(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
