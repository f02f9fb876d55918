//! Where synthesised audio goes: WAV files written atomically, WAV or raw PCM streams.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::wav;

/// Receives audio one chunk at a time, as it is synthesised.
pub trait AudioSink {
    /// Appends samples. Streaming sinks pass them on before returning.
    fn write(&mut self, samples: &[i16]) -> Result<()>;
    /// Completes the output (WAV sizes, renaming a file into place).
    fn finish(self: Box<Self>) -> Result<()>;
}

/// A WAV with exact sizes, for anything seekable: a file, or stdout redirected
/// to one. The header is written first with an unknown length, so that a
/// reader following the file sees a playable stream, and corrected at the end.
pub struct WavFileSink<W: Write + Seek> {
    out: W,
    sample_rate: u32,
    data_len: u64,
    on_finish: Box<dyn FnOnce(W) -> Result<()>>,
}

impl<W: Write + Seek> WavFileSink<W> {
    pub fn new(out: W, sample_rate: u32) -> Result<Self> {
        Self::with_finish(out, sample_rate, |_| Ok(()))
    }

    fn with_finish(
        mut out: W,
        sample_rate: u32,
        on_finish: impl FnOnce(W) -> Result<()> + 'static,
    ) -> Result<Self> {
        out.write_all(&wav::header(sample_rate, None))?;
        Ok(Self {
            out,
            sample_rate,
            data_len: 0,
            on_finish: Box::new(on_finish),
        })
    }
}

impl WavFileSink<BufWriter<AtomicFile>> {
    /// A WAV file that appears at `path` only once it is complete.
    pub fn create(path: &Path, sample_rate: u32) -> Result<Self> {
        let file = AtomicFile::create(path)?;
        Self::with_finish(BufWriter::new(file), sample_rate, commit)
    }
}

impl<W: Write + Seek> AudioSink for WavFileSink<W> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        let bytes = wav::pcm_bytes(samples);
        self.data_len += bytes.len() as u64;
        if self.data_len >= u64::from(wav::UNKNOWN_LEN) - 36 {
            anyhow::bail!("the audio is too long for a WAV file (4 GiB); use --raw");
        }
        self.out.write_all(&bytes).context("writing WAV samples")?;
        Ok(self.out.flush()?)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let Self {
            mut out,
            sample_rate,
            data_len,
            on_finish,
        } = *self;
        let start = out.stream_position()? - data_len - wav::HEADER_LEN as u64;
        out.seek(SeekFrom::Start(start))?;
        out.write_all(&wav::header(sample_rate, Some(data_len as u32)))?;
        out.seek(SeekFrom::End(0))?;
        out.flush().context("completing the WAV header")?;
        on_finish(out)
    }
}

/// A WAV for a stream that cannot seek back (a pipe, an HTTP body): the header
/// says the length is unknown (see [`wav`]) and every chunk is flushed at once.
pub struct WavStreamSink<W: Write> {
    out: W,
}

impl<W: Write> WavStreamSink<W> {
    pub fn new(mut out: W, sample_rate: u32) -> Result<Self> {
        out.write_all(&wav::header(sample_rate, None))?;
        out.flush()?;
        Ok(Self { out })
    }
}

impl<W: Write> AudioSink for WavStreamSink<W> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        self.out.write_all(&wav::pcm_bytes(samples))?;
        Ok(self.out.flush()?)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        Ok(self.out.flush()?)
    }
}

/// Headerless 16-bit little-endian mono PCM, flushed chunk by chunk.
pub struct RawSink<W: Write> {
    out: W,
    on_finish: Box<dyn FnOnce(W) -> Result<()>>,
}

impl<W: Write> RawSink<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            on_finish: Box::new(|_| Ok(())),
        }
    }
}

impl RawSink<BufWriter<AtomicFile>> {
    /// A raw PCM file that appears at `path` only once it is complete.
    pub fn create(path: &Path) -> Result<Self> {
        Ok(Self {
            out: BufWriter::new(AtomicFile::create(path)?),
            on_finish: Box::new(commit),
        })
    }
}

impl<W: Write> AudioSink for RawSink<W> {
    fn write(&mut self, samples: &[i16]) -> Result<()> {
        self.out.write_all(&wav::pcm_bytes(samples))?;
        Ok(self.out.flush()?)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let Self { mut out, on_finish } = *self;
        out.flush()?;
        on_finish(out)
    }
}

fn commit(out: BufWriter<AtomicFile>) -> Result<()> {
    out.into_inner()
        .map_err(|e| e.into_error())
        .context("writing the output file")?
        .commit()
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
    pub fn create(destination: &Path) -> Result<Self> {
        let name = destination
            .file_name()
            .with_context(|| format!("{} is not a file name", destination.display()))?;
        if destination.is_dir() {
            anyhow::bail!("{} is a directory", destination.display());
        }
        // Unique per process and per file, so concurrent writers never share one.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let serial = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut partial_name = std::ffi::OsString::from(".");
        partial_name.push(name);
        partial_name.push(format!(".{}-{serial}.partial", std::process::id()));
        let partial = destination.with_file_name(partial_name);
        let file = File::create(&partial)
            .with_context(|| format!("cannot write {}", destination.display()))?;
        Ok(Self {
            file,
            partial,
            destination: destination.to_path_buf(),
            committed: false,
        })
    }

    /// Makes the file durable and moves it to its destination.
    pub fn commit(mut self) -> Result<()> {
        self.file
            .sync_all()
            .with_context(|| format!("writing {}", self.destination.display()))?;
        std::fs::rename(&self.partial, &self.destination).with_context(|| {
            format!("moving the finished file to {}", self.destination.display())
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.file.seek(pos)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_wav(path: &Path) -> (hound::WavSpec, Vec<i16>) {
        let reader = hound::WavReader::open(path).unwrap();
        let spec = reader.spec();
        (spec, reader.into_samples().map(Result::unwrap).collect())
    }

    #[test]
    fn a_wav_file_appears_complete_after_finish() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        let mut sink: Box<dyn AudioSink> = Box::new(WavFileSink::create(&path, 16000).unwrap());
        sink.write(&[1, 2, 3]).unwrap();
        assert!(
            !path.exists(),
            "the destination must not exist before finish"
        );
        sink.write(&[4]).unwrap();
        sink.finish().unwrap();
        let (spec, samples) = read_wav(&path);
        assert_eq!(spec.sample_rate, 16000);
        assert_eq!(samples, vec![1, 2, 3, 4]);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no partial file left"
        );
    }

    #[test]
    fn an_unfinished_wav_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        let mut sink = WavFileSink::create(&path, 16000).unwrap();
        sink.write(&[1, 2, 3]).unwrap();
        drop(sink);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_failed_file_keeps_the_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        std::fs::write(&path, b"previous").unwrap();
        let sink = WavFileSink::create(&path, 16000).unwrap();
        drop(sink);
        assert_eq!(std::fs::read(&path).unwrap(), b"previous");
    }

    #[test]
    fn a_wav_stream_starts_with_a_header_and_passes_samples_on() {
        let mut sink = WavStreamSink::new(Vec::new(), 22050).unwrap();
        sink.write(&[1, -1]).unwrap();
        assert_eq!(sink.out.len(), wav::HEADER_LEN + 4);
        assert_eq!(&sink.out[wav::HEADER_LEN..], &[1, 0, 0xff, 0xff]);
    }

    #[test]
    fn raw_output_is_little_endian_samples_only() {
        let mut sink = RawSink::new(Vec::new());
        sink.write(&[0x0102, -2]).unwrap();
        assert_eq!(sink.out, vec![2, 1, 0xfe, 0xff]);
    }
}
