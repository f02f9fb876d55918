//! Text from arguments, files and standard input, read a paragraph at a time so
//! that a long pipe starts speaking before it ends and memory stays bounded:
//! a line longer than [`MAX_PARAGRAPH`] (or input with no line end at all,
//! `-f /dev/zero`) is read in pieces of that size, cut after a sentence, or
//! at a space, where there is one. Standard input and files are read on a thread of their own, so
//! that SIGINT or SIGTERM ends a wait for input at once.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Result, bail};

/// One place text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Text(String),
    File(PathBuf),
    Stdin,
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Text(_) => "the command line".to_string(),
            Source::File(path) => path.display().to_string(),
            Source::Stdin => "standard input".to_string(),
        }
    }

    fn open(&self) -> Result<Box<dyn BufRead>> {
        Ok(match self {
            Source::Text(text) => Box::new(std::io::Cursor::new(text.clone().into_bytes())),
            Source::Stdin => Box::new(BufReader::new(Background::new(std::io::stdin()))),
            Source::File(path) => {
                if path.is_dir() {
                    bail!("{} is a directory, not a text file", path.display());
                }
                // Opened on the reading thread: opening a FIFO waits for its writer.
                let path = path.clone();
                Box::new(BufReader::new(Background::open(move || {
                    File::open(&path).map_err(|e| {
                        io::Error::new(
                            e.kind(),
                            format!("cannot read text file {}: {e}", path.display()),
                        )
                    })
                })))
            }
        })
    }
}

/// A reader that reads on a thread of its own, one piece ahead, and gives
/// up waiting when a signal comes.
struct Background {
    pieces: Receiver<io::Result<Vec<u8>>>,
    piece: Vec<u8>,
    at: usize,
    ended: bool,
}

/// What [`Background`] reports when a signal ends a wait.
#[derive(Debug)]
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted while waiting for input")
    }
}

impl std::error::Error for Stopped {}

impl Background {
    fn new(inner: impl Read + Send + 'static) -> Self {
        Self::open(move || Ok(inner))
    }

    fn open<R: Read>(open: impl FnOnce() -> io::Result<R> + Send + 'static) -> Self {
        let (tx, pieces) = mpsc::sync_channel(1);
        std::thread::spawn(move || {
            let mut inner = match open() {
                Ok(inner) => inner,
                Err(e) => return drop(tx.send(Err(e))),
            };
            loop {
                let mut piece = vec![0; 64 * 1024];
                let read = inner.read(&mut piece);
                let last = !matches!(read, Ok(n) if n > 0);
                let sent = tx.send(read.map(|n| {
                    piece.truncate(n);
                    piece
                }));
                if last || sent.is_err() {
                    return;
                }
            }
        });
        Self {
            pieces,
            piece: Vec::new(),
            at: 0,
            ended: false,
        }
    }
}

impl Read for Background {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.piece.len() {
            if self.ended {
                return Ok(0);
            }
            match self.pieces.recv_timeout(Duration::from_millis(50)) {
                Ok(Ok(piece)) => {
                    self.ended = piece.is_empty();
                    (self.piece, self.at) = (piece, 0);
                }
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Ok(Err(e)) => {
                    self.ended = true;
                    return Err(e);
                }
                Err(RecvTimeoutError::Timeout) if crate::signals::received() => {
                    return Err(io::Error::other(Stopped));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => self.ended = true,
            }
        }
        let n = out.len().min(self.piece.len() - self.at);
        out[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Lines of several sources, in order, each checked to be UTF-8; a line
/// longer than [`MAX_PARAGRAPH`] comes in pieces.
pub struct Lines {
    sources: std::vec::IntoIter<Source>,
    current: Option<(String, Box<dyn BufRead>, usize)>,
    opened: usize,
    buffer: Vec<u8>,
    /// The end of a piece cut from a long line, read again first.
    carry: Vec<u8>,
}

/// One line of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Where it is, for messages: "FILE, line N".
    pub place: String,
    /// Its text, line end included.
    pub text: String,
    /// Which source it comes from, counting from 1.
    pub source: usize,
}

impl Lines {
    pub fn new(sources: Vec<Source>) -> Self {
        Self {
            sources: sources.into_iter(),
            current: None,
            opened: 0,
            buffer: Vec::new(),
            carry: Vec::new(),
        }
    }

    fn next_line(&mut self) -> Result<Option<Line>> {
        loop {
            let Some((name, reader, line_number)) = self.current.as_mut() else {
                match self.sources.next() {
                    Some(source) => {
                        self.current = Some((source.name(), source.open()?, 0));
                        self.opened += 1;
                        continue;
                    }
                    None => return Ok(None),
                }
            };
            self.buffer.clear();
            let continued = !self.carry.is_empty();
            self.buffer.append(&mut self.carry);
            let room = (MAX_PARAGRAPH - self.buffer.len().min(MAX_PARAGRAPH)) as u64;
            let read = reader
                .by_ref()
                .take(room.max(1))
                .read_until(b'\n', &mut self.buffer)
                .map_err(
                    |e| match e.get_ref().is_some_and(|inner| inner.is::<Stopped>()) {
                        true => anyhow::Error::new(vtts_core::Error::Interrupted),
                        false => anyhow::Error::new(e).context(format!("reading {name}")),
                    },
                )?;
            if read == 0 && self.buffer.is_empty() {
                self.current = None;
                continue;
            }
            if !self.buffer.ends_with(b"\n") && self.buffer.len() >= MAX_PARAGRAPH {
                self.carry = self.buffer.split_off(cut(&self.buffer));
            }
            if !continued {
                *line_number += 1;
            }
            let place = format!("{name}, line {line_number}");
            let text = String::from_utf8(std::mem::take(&mut self.buffer)).map_err(|e| {
                anyhow::anyhow!(
                    "{place}: not valid UTF-8 text (byte {} of the line); \
                     vtts reads UTF-8 only — convert the file first, e.g. with iconv",
                    e.utf8_error().valid_up_to() + 1
                )
            })?;
            return Ok(Some(Line {
                place,
                text,
                source: self.opened,
            }));
        }
    }
}

impl Iterator for Lines {
    type Item = Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.next_line().transpose();
        if matches!(next, Some(Err(_))) {
            // After an error nothing more is read.
            self.current = None;
            self.sources = Vec::new().into_iter();
        }
        next
    }
}

/// Paragraphs (text up to a blank line or the end of a source) of several
/// sources, in order.
pub struct Paragraphs {
    lines: std::iter::Peekable<Lines>,
}

/// A paragraph is also cut at a line end once it grows past this many bytes,
/// so that text without blank lines still streams; a longer line is read in
/// pieces of this size.
const MAX_PARAGRAPH: usize = 64 * 1024;

/// Where to cut a piece of a long line: after its last whole sentence (as
/// the segmenter sees it, `vtts_text::settled`), else after its last space,
/// else before its last character (never inside one).
fn cut(piece: &[u8]) -> usize {
    let valid = match std::str::from_utf8(piece) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&piece[..e.valid_up_to()]).unwrap_or_default(),
    };
    let sentences = vtts_text::settled(valid, &vtts_text::Reading::default());
    if sentences > 0 {
        return sentences;
    }
    if let Some(space) = piece.iter().rposition(|b| b.is_ascii_whitespace()) {
        return space + 1;
    }
    match piece.iter().rposition(|&b| b & 0xC0 != 0x80) {
        Some(0) | None => piece.len(),
        Some(start) => start,
    }
}

impl Paragraphs {
    pub fn new(sources: Vec<Source>) -> Self {
        Self {
            lines: Lines::new(sources).peekable(),
        }
    }
}

impl Iterator for Paragraphs {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut paragraph = String::new();
        let mut source = None;
        while let Some(line) = self.lines.next_if(|next| match (next, source) {
            (Ok(line), Some(current)) => line.source == current,
            _ => true,
        }) {
            let line = match line {
                Ok(line) => line,
                Err(e) => return Some(Err(e)),
            };
            if line.text.trim().is_empty() {
                if paragraph.is_empty() {
                    continue;
                }
                break;
            }
            source = Some(line.source);
            paragraph.push_str(&line.text);
            if paragraph.len() >= MAX_PARAGRAPH {
                break;
            }
        }
        (!paragraph.is_empty()).then_some(Ok(paragraph))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(sources: Vec<Source>) -> Vec<String> {
        Paragraphs::new(sources).map(Result::unwrap).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        let text = "Một.\nHai.\n\n  \nBa.".to_string();
        assert_eq!(
            paragraphs(vec![Source::Text(text)]),
            vec!["Một.\nHai.\n", "Ba."]
        );
    }

    #[test]
    fn sources_are_read_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "tệp\n").unwrap();
        let sources = vec![Source::Text("chữ".into()), Source::File(path)];
        assert_eq!(paragraphs(sources), vec!["chữ", "tệp\n"]);
    }

    #[test]
    fn invalid_utf8_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.txt");
        std::fs::write(&path, b"ok\nVi\xeat\n").unwrap();
        let error = Paragraphs::new(vec![Source::File(path)])
            .find_map(Result::err)
            .unwrap();
        let message = format!("{error:#}");
        assert!(
            message.contains("latin1.txt, line 2: not valid UTF-8"),
            "{message}"
        );
    }

    #[test]
    fn a_directory_is_not_a_text_file() {
        let dir = tempfile::tempdir().unwrap();
        let error = Paragraphs::new(vec![Source::File(dir.path().to_path_buf())])
            .find_map(Result::err)
            .unwrap();
        assert!(format!("{error:#}").contains("is a directory"));
    }

    #[test]
    fn a_line_without_end_comes_in_bounded_pieces_and_nothing_is_lost() {
        let text = "Một câu khá dài không xuống dòng. ".repeat(10_000);
        let lines: Vec<Line> = Lines::new(vec![Source::Text(text.clone())])
            .map(Result::unwrap)
            .collect();
        assert!(lines.len() > 4);
        assert!(lines.iter().all(|l| l.text.len() <= MAX_PARAGRAPH));
        assert!(lines.iter().all(|l| l.place.ends_with("line 1")));
        // Cut after whole sentences.
        assert!(
            lines[..lines.len() - 1]
                .iter()
                .all(|l| l.text.ends_with(". "))
        );
        let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined, text);
        // No space at all: cut between characters, never inside one.
        let dense = "ữ".repeat(50_000);
        let lines: Vec<Line> = Lines::new(vec![Source::Text(dense.clone())])
            .map(Result::unwrap)
            .collect();
        assert!(lines.len() > 1);
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<String>(),
            dense
        );
    }

    #[test]
    fn long_text_without_blank_lines_is_cut_at_line_ends() {
        let line = "Câu này khá dài. ".repeat(100) + "\n";
        let text = line.repeat(100);
        let parts = paragraphs(vec![Source::Text(text.clone())]);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.ends_with('\n')));
        assert_eq!(parts.concat(), text);
    }
}
