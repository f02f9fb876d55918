//! Text from arguments, files and standard input, read a paragraph at a time so
//! that a long pipe starts speaking before it ends and memory stays bounded.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

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
            Source::Stdin => Box::new(BufReader::new(std::io::stdin())),
            Source::File(path) => {
                if path.is_dir() {
                    bail!("{} is a directory, not a text file", path.display());
                }
                let file = File::open(path)
                    .with_context(|| format!("cannot read text file {}", path.display()))?;
                Box::new(BufReader::new(file))
            }
        })
    }
}

/// Lines of several sources, in order, each checked to be UTF-8.
pub struct Lines {
    sources: std::vec::IntoIter<Source>,
    current: Option<(String, Box<dyn BufRead>, usize)>,
    opened: usize,
    buffer: Vec<u8>,
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
            let read = reader
                .read_until(b'\n', &mut self.buffer)
                .with_context(|| format!("reading {name}"))?;
            if read == 0 {
                self.current = None;
                continue;
            }
            *line_number += 1;
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
/// so that text without blank lines still streams.
const MAX_PARAGRAPH: usize = 64 * 1024;

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
    fn long_text_without_blank_lines_is_cut_at_line_ends() {
        let line = "Câu này khá dài. ".repeat(100) + "\n";
        let text = line.repeat(100);
        let parts = paragraphs(vec![Source::Text(text.clone())]);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.ends_with('\n')));
        assert_eq!(parts.concat(), text);
    }
}
