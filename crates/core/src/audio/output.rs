//! Where a sink's bytes go: a file that appears complete or not at all, a
//! stream that cannot seek (a pipe, an HTTP body), or a seekable writer.

use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::PathBuf;

use crate::error::{IoContext, Result};
use crate::fs::AtomicFile;

/// A writer that can also seek, so a format can fill in its sizes at the end.
pub trait WriteSeek: Write + Seek {}

impl<T: Write + Seek> WriteSeek for T {}

/// Where encoded audio is written.
pub enum Target<'w> {
    /// A file, written under a temporary name and renamed into place when
    /// the sink finishes (see [`crate::fs::AtomicFile`]).
    File(PathBuf),
    /// A stream: every chunk is passed on and flushed as it comes, and
    /// nothing is ever rewritten.
    Stream(Box<dyn Write + 'w>),
    /// A writer that can go back, from where it is now: standard output
    /// redirected to a file, a buffer in memory.
    Seekable(Box<dyn WriteSeek + 'w>),
}

/// A [`Target`] opened for writing.
pub(crate) struct Output<'w> {
    writer: Writer<'w>,
    /// Where the output started in a seekable writer.
    start: u64,
}

enum Writer<'w> {
    File(BufWriter<AtomicFile>),
    Seekable(Box<dyn WriteSeek + 'w>),
    Stream(Box<dyn Write + 'w>),
}

impl<'w> Output<'w> {
    pub fn open(target: Target<'w>) -> Result<Self> {
        Ok(match target {
            Target::File(path) => match crate::fs::open_special(&path)? {
                // A device, a pipe, a descriptor: written straight into, and
                // sized at the end if it can seek.
                Some(mut file) => match file.stream_position() {
                    Ok(start) if file.metadata().is_ok_and(|m| m.is_file()) => Self {
                        writer: Writer::Seekable(Box::new(BufWriter::new(file))),
                        start,
                    },
                    _ => Self {
                        writer: Writer::Stream(Box::new(BufWriter::new(file))),
                        start: 0,
                    },
                },
                None => Self {
                    writer: Writer::File(BufWriter::new(AtomicFile::create(&path)?)),
                    start: 0,
                },
            },
            Target::Seekable(mut writer) => {
                let start = writer
                    .stream_position()
                    .context(|| "finding the output's position".to_string())?;
                Self {
                    writer: Writer::Seekable(writer),
                    start,
                }
            }
            Target::Stream(writer) => Self {
                writer: Writer::Stream(writer),
                start: 0,
            },
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match &mut self.writer {
            Writer::File(w) => w,
            Writer::Seekable(w) => w,
            Writer::Stream(w) => w,
        }
    }

    /// Writes `bytes` and passes them on at once.
    pub fn send(&mut self, bytes: &[u8], what: &str) -> Result<()> {
        let writer = self.writer();
        writer
            .write_all(bytes)
            .and_then(|()| writer.flush())
            .context(|| what.to_string())
    }

    /// Rewrites `bytes` at `offset` from the output's start and returns to
    /// its end; false, writing nothing, when the output cannot seek.
    pub fn patch(&mut self, offset: u64, bytes: &[u8]) -> io::Result<bool> {
        let start = self.start;
        let writer: &mut dyn WriteSeek = match &mut self.writer {
            Writer::File(w) => w,
            Writer::Seekable(w) => w,
            Writer::Stream(_) => return Ok(false),
        };
        writer.seek(SeekFrom::Start(start + offset))?;
        writer.write_all(bytes)?;
        writer.seek(SeekFrom::End(0))?;
        writer.flush()?;
        Ok(true)
    }

    /// Flushes the output; a file is made durable and moved into place.
    pub fn finish(self) -> Result<()> {
        match self.writer {
            Writer::File(w) => w
                .into_inner()
                .map_err(io::IntoInnerError::into_error)
                .context(|| "writing the output file".to_string())?
                .commit(),
            Writer::Seekable(mut w) => w.flush().context(|| "writing the output".to_string()),
            Writer::Stream(mut w) => w.flush().context(|| "writing the output".to_string()),
        }
    }
}
