//! Where vtts keeps its files, after the XDG base directory conventions.

use std::path::PathBuf;

/// `$XDG_CACHE_HOME/vtts`, else `~/.cache/vtts`: the bundled ONNX Runtime
/// library, the server's default audio directory.
pub fn cache_dir() -> Option<PathBuf> {
    xdg("XDG_CACHE_HOME", ".cache")
}

/// `$XDG_DATA_HOME/vtts`, else `~/.local/share/vtts`: installed voices.
pub fn data_dir() -> Option<PathBuf> {
    xdg("XDG_DATA_HOME", ".local/share")
}

fn xdg(variable: &str, under_home: &str) -> Option<PathBuf> {
    let base = std::env::var_os(variable)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(under_home)))?;
    Some(base.join("vtts"))
}

/// Lowercase hexadecimal, as checksums and cache keys are written.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
