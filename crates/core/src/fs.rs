//! Files as vtts writes them: where they go (the XDG cache and data
//! folders), and how a file or a folder appears complete or not at all.
//!
//! Everything vtts publishes (an output file, a cached WAV, an installed
//! voice, the bundled ONNX Runtime library, an optimised graph) is first
//! written under a temporary name beside its destination,
//! `.NAME.PID-N.partial`, made durable (the data, then the folder's entry,
//! with fsync) and renamed into place. A process that dies leaves only such
//! a name behind; [`sweep`] removes the ones older than [`LEFTOVER_AGE`], and
//! nothing else, since another process sharing the folder may be writing a
//! fresh one.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, IoContext, Result};

/// `$XDG_CACHE_HOME/vtts`, else `~/.cache/vtts`: the bundled ONNX Runtime
/// library, optimised graphs, the server's default audio directory.
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

/// How old a temporary name must be before [`sweep`] takes it for the
/// leftover of a process that died: longer than any write vtts makes.
pub const LEFTOVER_AGE: Duration = Duration::from_secs(60 * 60);

/// A temporary name beside `destination`, unique to this process and call.
fn partial_path(destination: &Path) -> Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = destination.file_name().ok_or_else(|| Error::Io {
        context: format!("{} is not a file name", destination.display()),
        source: io::ErrorKind::InvalidInput.into(),
    })?;
    let mut partial = OsString::from(".");
    partial.push(name);
    partial.push(format!(
        ".{}-{}.partial",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    Ok(destination.with_file_name(partial))
}

/// Whether `name` is one of the temporary names this module makes.
fn is_partial_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(".partial"))
    else {
        return false;
    };
    let Some((_, serial)) = stem.rsplit_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    serial
        .split_once('-')
        .is_some_and(|(pid, n)| digits(pid) && digits(n))
}

/// Makes the entries of `dir` durable: a rename is only safe once the
/// folder that holds it is on disk too.
fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)?.sync_all()
}

/// The folder `path` is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

/// Removes what dead processes left in `dir`: temporary names older than
/// [`LEFTOVER_AGE`], files or folders. Errors are ignored; a sweep can only
/// free space.
pub fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_str().is_some_and(is_partial_name) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= LEFTOVER_AGE));
        if !old {
            continue;
        }
        let _ = if meta.is_dir() {
            fs::remove_dir_all(entry.path())
        } else {
            fs::remove_file(entry.path())
        };
    }
}

/// Moves a finished file (a verified download) to `destination` and makes
/// the move durable.
pub fn rename_into_place(from: &Path, destination: &Path) -> Result<()> {
    fs::rename(from, destination)
        .and_then(|()| sync_dir(parent_of(destination)))
        .context(|| format!("installing {}", destination.display()))
}

/// `path` with every symbolic link along its last component followed: the
/// file a write to `path` would reach, which may not exist yet.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As the kernel, give up after 40 links.
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = parent_of(&path).join(target);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::from_raw_os_error(libc::ELOOP))
}

/// Whether this process may write the existing file at `path` (the errno
/// is left for [`io::Error::last_os_error`] when not).
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: access(2) reads a NUL-terminated path we own.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

/// Opens an output that is not a file to replace, for writing straight into
/// it: a descriptor named as a path (`/dev/stdout`, `/dev/fd/N`, bash's
/// `>(cmd)`), or anything that is not a regular file (a device such as
/// `/dev/null` or `/dev/full`, a FIFO, a socket), reached through links or
/// not. `None` for a regular file or a path that does not exist yet, which
/// [`AtomicFile`] writes and renames into place.
pub fn open_special(path: &Path) -> Result<Option<File>> {
    let cannot = |source: io::Error| Error::Io {
        context: format!("cannot write {}", path.display()),
        source,
    };
    if let Some(fd) = descriptor(path) {
        // SAFETY: dup(2) of a number; the result is a new descriptor we own, or -1.
        let copy = unsafe { libc::dup(fd) };
        if copy < 0 {
            return Err(cannot(io::Error::last_os_error()));
        }
        // SAFETY: `copy` is a fresh descriptor that nothing else owns.
        let file = unsafe { <File as std::os::fd::FromRawFd>::from_raw_fd(copy) };
        // A regular file behind the descriptor is written from the start, as `>` would.
        if file.metadata().is_ok_and(|m| m.is_file()) {
            let _ = file.set_len(0);
        }
        return Ok(Some(file));
    }
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map(Some)
            .map_err(cannot),
        _ => Ok(None),
    }
}

/// The descriptor a path names: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
/// `/proc/self/fd/N`.
fn descriptor(path: &Path) -> Option<i32> {
    let path = path.to_str()?;
    match path {
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let number = path
        .strip_prefix("/dev/fd/")
        .or_else(|| path.strip_prefix("/proc/self/fd/"))?;
    number.parse().ok()
}

/// A file written under a temporary name beside its destination and renamed
/// into place by [`AtomicFile::commit`]; dropped uncommitted, it is removed,
/// so a failure never leaves a half-written file at the destination.
pub struct AtomicFile {
    file: File,
    partial: PathBuf,
    destination: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Starts the file that will appear at `destination`. A symbolic link is
    /// followed, and its final target is the file replaced, in its own
    /// folder; a file the caller may not write is refused, as the shell's `>`
    /// would refuse it. (Devices, pipes and descriptors are not files to
    /// replace: see [`open_special`].)
    pub fn create(destination: &Path) -> Result<Self> {
        let cannot = |source: io::Error| Error::Io {
            context: format!("cannot write {}", destination.display()),
            source,
        };
        let resolved = resolve_links(destination).map_err(cannot)?;
        let existing = fs::metadata(&resolved).ok();
        if existing.as_ref().is_some_and(fs::Metadata::is_dir) {
            return Err(cannot(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory",
            )));
        }
        if existing.is_some() && !writable(&resolved) {
            return Err(cannot(io::Error::last_os_error()));
        }
        let partial = partial_path(&resolved)?;
        let file = File::create(&partial).map_err(cannot)?;
        // The replacement keeps the permissions of the file it replaces.
        if let Some(existing) = existing {
            let _ = file.set_permissions(existing.permissions());
        }
        Ok(Self {
            file,
            partial,
            destination: resolved,
            committed: false,
        })
    }

    /// Where the file will appear.
    pub fn destination(&self) -> &Path {
        &self.destination
    }

    /// Makes the file durable and moves it to its destination.
    pub fn commit(mut self) -> Result<()> {
        let destination = self.destination.clone();
        self.file
            .sync_all()
            .context(|| format!("writing {}", destination.display()))?;
        fs::rename(&self.partial, &destination)
            .context(|| format!("moving the finished file to {}", destination.display()))?;
        self.committed = true;
        sync_dir(parent_of(&destination)).context(|| format!("writing {}", destination.display()))
    }

    /// Copies `source` to `destination` in one atomic step.
    pub fn copy(source: &Path, destination: &Path) -> Result<()> {
        let mut file = Self::create(destination)?;
        let mut from = File::open(source).context(|| format!("reading {}", source.display()))?;
        io::copy(&mut from, &mut file.file)
            .context(|| format!("copying {} to {}", source.display(), destination.display()))?;
        file.commit()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.partial);
        }
    }
}

/// A folder filled under a temporary name and published whole by
/// [`StagingDir::publish`]; dropped unpublished, it is removed.
pub struct StagingDir {
    path: PathBuf,
    destination: PathBuf,
    published: bool,
}

impl StagingDir {
    /// A new, empty folder that will become `destination`.
    pub fn create(destination: &Path) -> Result<Self> {
        let parent = parent_of(destination);
        fs::create_dir_all(parent).context(|| format!("creating {}", parent.display()))?;
        let path = partial_path(destination)?;
        fs::create_dir(&path).context(|| format!("creating {}", path.display()))?;
        Ok(Self {
            path,
            destination: destination.to_path_buf(),
            published: false,
        })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes every file in the folder durable, then renames the folder to its
    /// destination. Fails, leaving nothing, when the destination exists
    /// (another process published first) or the disk fails.
    pub fn publish(mut self) -> Result<()> {
        let what = || format!("publishing {}", self.destination.display());
        for entry in fs::read_dir(&self.path).context(what)? {
            let entry = entry.context(what)?;
            File::open(entry.path())
                .and_then(|f| f.sync_all())
                .context(what)?;
        }
        sync_dir(&self.path).context(what)?;
        fs::rename(&self.path, &self.destination).context(what)?;
        self.published = true;
        sync_dir(parent_of(&self.destination)).context(what)
    }
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"data").unwrap();
        assert!(!path.exists());
        file.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"data");
        assert_eq!(names(dir.path()), ["out.wav"]);
    }

    #[test]
    fn an_uncommitted_file_leaves_the_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        fs::write(&path, b"previous").unwrap();
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert_eq!(fs::read(&path).unwrap(), b"previous");
        assert_eq!(names(dir.path()), ["out.wav"]);
    }

    #[test]
    fn a_directory_is_not_a_destination() {
        let dir = tempfile::tempdir().unwrap();
        let error = AtomicFile::create(dir.path()).err().unwrap();
        assert!(error.to_string().contains("directory"), "{error}");
    }

    #[test]
    fn a_staged_folder_is_published_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let destination = dir.path().join("entry");
        let staging = StagingDir::create(&destination).unwrap();
        fs::write(staging.path().join("a"), b"1").unwrap();
        drop(staging);
        assert!(names(dir.path()).is_empty());

        let staging = StagingDir::create(&destination).unwrap();
        fs::write(staging.path().join("a"), b"1").unwrap();
        staging.publish().unwrap();
        assert_eq!(fs::read(destination.join("a")).unwrap(), b"1");
        let again = StagingDir::create(&destination).unwrap();
        fs::write(again.path().join("a"), b"2").unwrap();
        assert!(again.publish().is_err(), "the first one stays");
        assert_eq!(names(dir.path()), ["entry"]);
    }

    #[test]
    fn a_sweep_removes_old_leftovers_of_vtts_only() {
        let dir = tempfile::tempdir().unwrap();
        let old = SystemTime::now() - LEFTOVER_AGE - Duration::from_secs(60);
        let age = |path: &Path| {
            File::options()
                .append(true)
                .open(path)
                .or_else(|_| File::open(path))
                .unwrap()
                .set_modified(old)
                .unwrap()
        };
        for name in [
            ".a.wav.123-0.partial",
            ".b.wav.456-7.partial",
            ".notes.partial",
            "keep.wav",
        ] {
            fs::write(dir.path().join(name), b"x").unwrap();
        }
        fs::create_dir(dir.path().join(".model.9-1.partial")).unwrap();
        for name in [
            ".a.wav.123-0.partial",
            ".notes.partial",
            "keep.wav",
            ".model.9-1.partial",
        ] {
            age(&dir.path().join(name));
        }
        sweep(dir.path());
        assert_eq!(
            names(dir.path()),
            [".b.wav.456-7.partial", ".notes.partial", "keep.wav"],
            "old leftovers go; fresh ones and other files stay"
        );
    }
}
