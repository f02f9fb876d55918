//! The audio directory of `/tts`: files named by the SHA-1 of what made
//! them and their format's extension, written atomically, bounded in size by
//! removing the least recently used files first. Several replicas may share
//! one directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use sha1::{Digest, Sha1};
use vtts_core::{Format, Identity};

pub struct AudioCache {
    dir: PathBuf,
    max_bytes: u64,
}

/// A cache key, 40 lowercase hex digits: the voice (by its model's content
/// and config, so a replaced model never meets the old one's audio) and
/// everything the request says that shapes the audio.
pub fn key(voice: &Identity, request_fingerprint: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(voice.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(request_fingerprint.as_bytes());
    vtts_core::fs::hex(&hasher.finalize())
}

/// The key and format of a file name the cache could have made,
/// `<40 hex>.<extension>`; nothing else is ever served, so no path can
/// leave the directory.
pub fn parse_name(name: &str) -> Option<(&str, Format)> {
    let (hash, extension) = name.split_once('.')?;
    let format = Format::ALL
        .into_iter()
        .find(|f| f.extension() == extension)?;
    let is_key = hash.len() == 40
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    is_key.then_some((hash, format))
}

fn is_cache_name(name: &str) -> bool {
    parse_name(name).is_some()
}

impl AudioCache {
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Self> {
        fs::create_dir_all(dir)
            .with_context(|| format!("creating the audio directory {}", dir.display()))?;
        let cache = Self {
            dir: dir.to_path_buf(),
            max_bytes,
        };
        // Unfinished files a killed process left are never served (only
        // `<hash>.wav` is), but they take space.
        vtts_core::fs::sweep(&cache.dir);
        Ok(cache)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, key: &str, format: Format) -> PathBuf {
        self.dir.join(format!("{key}.{}", format.extension()))
    }

    /// The file for `key` if it exists; marks it as recently used. Only
    /// regular files count: a symbolic link planted in the directory is never
    /// followed.
    pub fn lookup(&self, key: &str, format: Format) -> Option<PathBuf> {
        let path = self.path(key, format);
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            return None;
        }
        let file = fs::File::options().append(true).open(&path).ok()?;
        let _ = file.set_modified(SystemTime::now());
        Some(path)
    }

    /// Keeps the file just written for `key` if it fits the bound, making
    /// room by removing the least recently used others; a file larger than
    /// the whole bound is removed, and its size returned.
    pub fn admit(&self, key: &str, format: Format) -> Result<(), u64> {
        let path = self.path(key, format);
        let size = fs::metadata(&path).map_or(0, |m| m.len());
        if size > self.max_bytes {
            let _ = fs::remove_file(&path);
            return Err(size);
        }
        self.trim(Some(&path));
        Ok(())
    }

    /// Where `/tts` writes: the directory, made again if someone removed it.
    pub fn ensure_dir(&self) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)
    }

    /// Removes least recently used files until the directory fits its bound,
    /// never `keep`. Only cache files are counted or removed.
    pub fn trim(&self, keep: Option<&Path>) {
        // Leftovers of writes that failed to clean up after themselves (a
        // folder that turned read-only under them) go once they are old,
        // not only at the next start.
        vtts_core::fs::sweep(&self.dir);
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
            if Some(path.as_path()) != keep && fs::remove_file(&path).is_ok() {
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
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("v.onnx");
        fs::write(&model, b"weights").unwrap();
        let voice_a = Identity::of(&model, "{\"a\": 1}").unwrap();
        let voice_b = Identity::of(&model, "{\"b\": 1}").unwrap();
        let a = key(&voice_a, "xin chào\0normal");
        let b = key(&voice_b, "xin chào\0normal");
        assert!(is_cache_name(&format!("{a}.wav")));
        assert_ne!(a, b);
        assert_eq!(a, key(&voice_a, "xin chào\0normal"));
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
        assert_eq!(
            parse_name(&format!("{}.mp3", "b".repeat(40))),
            Some(("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Format::Mp3))
        );
        assert!(!is_cache_name(&format!("{}.txt", "a".repeat(40))));
        assert!(!is_cache_name(&format!("{}.wav.wav", "a".repeat(40))));
    }

    #[test]
    fn abandoned_partial_files_are_removed_at_start_but_fresh_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".abc.wav.123-0.partial");
        let fresh = dir.path().join(".abc.wav.456-0.partial");
        fs::write(&old, b"half").unwrap();
        fs::write(&fresh, b"half").unwrap();
        let file = fs::File::options().append(true).open(&old).unwrap();
        file.set_modified(
            SystemTime::now() - vtts_core::fs::LEFTOVER_AGE - std::time::Duration::from_secs(60),
        )
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
        std::os::unix::fs::symlink("/etc/passwd", cache.path(&key, Format::Wav)).unwrap();
        assert_eq!(cache.lookup(&key, Format::Wav), None);
    }

    #[test]
    fn trimming_removes_the_least_recently_used_first() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AudioCache::open(dir.path(), 250).unwrap();
        let base = SystemTime::now() - std::time::Duration::from_secs(100);
        for (i, c) in ['a', 'b', 'c'].into_iter().enumerate() {
            let path = cache.path(&c.to_string().repeat(40), Format::Wav);
            fs::write(&path, [0u8; 100]).unwrap();
            let file = fs::File::options().append(true).open(&path).unwrap();
            file.set_modified(base + std::time::Duration::from_secs(i as u64 * 10))
                .unwrap();
        }
        fs::write(dir.path().join("notes.txt"), [0u8; 1000]).unwrap();
        // Using "a" makes "b" the least recently used.
        assert!(cache.lookup(&"a".repeat(40), Format::Wav).is_some());
        cache.trim(None);
        assert!(cache.path(&"a".repeat(40), Format::Wav).exists());
        assert!(!cache.path(&"b".repeat(40), Format::Wav).exists());
        assert!(cache.path(&"c".repeat(40), Format::Wav).exists());
        assert!(
            dir.path().join("notes.txt").exists(),
            "other files are not touched"
        );
    }
}
