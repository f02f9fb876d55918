//! The audio directory of `/tts`: WAV files named by the SHA-1 of what made
//! them, written atomically, bounded in size by removing the least recently
//! used files first. Several replicas may share one directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use sha1::{Digest, Sha1};

pub struct AudioCache {
    dir: PathBuf,
    max_bytes: u64,
}

/// A cache key: 40 lowercase hex digits.
pub fn key(voice_fingerprint: &str, request_fingerprint: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(voice_fingerprint.as_bytes());
    hasher.update([0]);
    hasher.update(request_fingerprint.as_bytes());
    crate::dirs::hex(&hasher.finalize())
}

/// Whether `name` is a file name the cache could have made, `<40 hex>.wav`;
/// nothing else is ever served, so no path can leave the directory.
pub fn is_cache_name(name: &str) -> bool {
    name.strip_suffix(".wav").is_some_and(|hash| {
        hash.len() == 40
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl AudioCache {
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Self> {
        fs::create_dir_all(dir)
            .with_context(|| format!("creating the audio directory {}", dir.display()))?;
        let cache = Self {
            dir: dir.to_path_buf(),
            max_bytes,
        };
        cache.remove_abandoned_partials();
        Ok(cache)
    }

    /// Removes unfinished files a killed process left behind. They are never
    /// served (only `<hash>.wav` is), but they take space. Only old ones go:
    /// another replica sharing the directory may be writing a fresh one.
    fn remove_abandoned_partials(&self) {
        const ABANDONED: Duration = Duration::from_secs(10 * 60);
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let is_partial = name
                .to_str()
                .is_some_and(|n| n.starts_with('.') && n.ends_with(".partial"));
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > ABANDONED));
            if is_partial && old {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.wav"))
    }

    /// The file for `key` if it exists; marks it as recently used. Only
    /// regular files count: a symbolic link planted in the directory is never
    /// followed.
    pub fn lookup(&self, key: &str) -> Option<PathBuf> {
        let path = self.path(key);
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            return None;
        }
        let file = fs::File::options().append(true).open(&path).ok()?;
        let _ = file.set_modified(SystemTime::now());
        Some(path)
    }

    /// Removes least recently used files until the directory fits its bound.
    /// Only cache files are counted or removed.
    pub fn trim(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_str().is_some_and(is_cache_name))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        if total <= self.max_bytes {
            return;
        }
        files.sort();
        for (_, len, path) in files {
            if total <= self.max_bytes {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sha1_hex_and_depend_on_the_voice() {
        let a = key("voice-a", "xin chào\0normal");
        let b = key("voice-b", "xin chào\0normal");
        assert!(is_cache_name(&format!("{a}.wav")));
        assert_ne!(a, b);
        assert_eq!(a, key("voice-a", "xin chào\0normal"));
    }

    #[test]
    fn only_cache_names_are_cache_names() {
        for name in [
            "../etc/passwd",
            "abc.wav",
            "x.wav",
            "%2e%2e.wav",
            "/abs.wav",
        ] {
            assert!(!is_cache_name(name), "{name}");
        }
        assert!(!is_cache_name(&format!("{}.wav", "A".repeat(40))));
        assert!(is_cache_name(&format!("{}.wav", "a".repeat(40))));
    }

    #[test]
    fn abandoned_partial_files_are_removed_at_start_but_fresh_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".abc.wav.123-0.partial");
        let fresh = dir.path().join(".abc.wav.456-0.partial");
        fs::write(&old, b"half").unwrap();
        fs::write(&fresh, b"half").unwrap();
        let file = fs::File::options().append(true).open(&old).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        AudioCache::open(dir.path(), 1 << 20).unwrap();
        assert!(!old.exists());
        assert!(fresh.exists());
    }

    #[test]
    fn symbolic_links_are_not_cache_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AudioCache::open(dir.path(), 1 << 20).unwrap();
        let key = "d".repeat(40);
        std::os::unix::fs::symlink("/etc/passwd", cache.path(&key)).unwrap();
        assert_eq!(cache.lookup(&key), None);
    }

    #[test]
    fn trimming_removes_the_least_recently_used_first() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AudioCache::open(dir.path(), 250).unwrap();
        let base = SystemTime::now() - std::time::Duration::from_secs(100);
        for (i, c) in ['a', 'b', 'c'].into_iter().enumerate() {
            let path = cache.path(&c.to_string().repeat(40));
            fs::write(&path, [0u8; 100]).unwrap();
            let file = fs::File::options().append(true).open(&path).unwrap();
            file.set_modified(base + std::time::Duration::from_secs(i as u64 * 10))
                .unwrap();
        }
        fs::write(dir.path().join("notes.txt"), [0u8; 1000]).unwrap();
        // Using "a" makes "b" the least recently used.
        assert!(cache.lookup(&"a".repeat(40)).is_some());
        cache.trim();
        assert!(cache.path(&"a".repeat(40)).exists());
        assert!(!cache.path(&"b".repeat(40)).exists());
        assert!(cache.path(&"c".repeat(40)).exists());
        assert!(
            dir.path().join("notes.txt").exists(),
            "other files are not touched"
        );
    }
}
