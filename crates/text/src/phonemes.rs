//! Raw phonemes inside the text, as piper-tts takes them: `[[ phonemes ]]`
//! is said as exactly those phonemes (one per character, spaces included),
//! and a lexicon row may give phonemes the same way.
//!
//! piper-tts 1.8.0 (`PiperVoice.phonemize`) cuts the text at each `[[` and
//! the first `]]` after it on the same line, and then:
//! - appends the block's phonemes, without the whitespace around them, to
//!   the sentence being built (it never ends a sentence, and starts one only
//!   at the start of the text);
//! - puts a space phoneme before them when the text before ends with a
//!   space, and after them when the text after starts with one;
//! - continues that sentence with the first sentence of the text after the
//!   block ("Một câu. [[ ɓ ]] hai câu." is one sentence).
//!
//! vtts does the same, so ids stay equal to piper-tts's; the text between
//! blocks is normalised and segmented as usual. An unclosed `[[` is text.

use crate::segment::{Clause, ClauseMark, Sentence};

/// Text to read, or phonemes to say as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    /// Without the brackets and the whitespace inside them.
    Phonemes(String),
}

/// Appends `text` to the pieces, joining it to text already last.
pub(crate) fn push_text(pieces: &mut Vec<Piece>, text: String) {
    if text.is_empty() {
        return;
    }
    match pieces.last_mut() {
        Some(Piece::Text(last)) => last.push_str(&text),
        _ => pieces.push(Piece::Text(text)),
    }
}

/// `text` cut at its `[[ ... ]]` blocks; `read` cuts each run of text
/// further (the lexicon may turn words into phonemes).
pub(crate) fn split(text: &str, mut read: impl FnMut(&str) -> Vec<Piece>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = text;
    let mut add_text = |pieces: &mut Vec<Piece>, text: &str| {
        for piece in read(text) {
            match piece {
                Piece::Text(text) => push_text(pieces, text),
                raw => pieces.push(raw),
            }
        }
    };
    while let Some(open) = rest.find("[[") {
        let inside = &rest[open + 2..];
        match close(inside) {
            Ok(close) => {
                add_text(&mut pieces, &rest[..open]);
                pieces.push(Piece::Phonemes(inside[..close].trim().to_owned()));
                rest = &inside[close + 2..];
            }
            Err(line_end) => {
                // Text up to the line end; a block may open on a later line.
                let end = open + 2 + line_end;
                add_text(&mut pieces, &rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    add_text(&mut pieces, rest);
    pieces
}

/// Where the first `]]` of `inside` is, or where its line ends first: one
/// scan up to whichever comes first, so that text is read once.
fn close(inside: &str) -> Result<usize, usize> {
    let bytes = inside.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' => return Err(i),
            b']' if bytes.get(i + 1) == Some(&b']') => return Ok(i),
            _ => {}
        }
    }
    Err(bytes.len())
}

/// The sentences of `pieces`, each run of text read into sentences by
/// `read`, the phonemes placed as piper-tts places them.
pub(crate) fn sentences(
    pieces: &[Piece],
    mut read: impl FnMut(&str) -> Vec<Sentence>,
) -> Vec<Sentence> {
    let mut out: Vec<Sentence> = Vec::new();
    let mut continues = false;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Phonemes(raw) => {
                let text_before =
                    |ends: fn(&str) -> bool| match i.checked_sub(1).map(|j| &pieces[j]) {
                        Some(Piece::Text(text)) => ends(text),
                        _ => false,
                    };
                let mut phonemes = String::new();
                if text_before(|t| t.ends_with(' ')) {
                    phonemes.push(' ');
                }
                phonemes.push_str(raw);
                if matches!(pieces.get(i + 1), Some(Piece::Text(t)) if t.starts_with(' ')) {
                    phonemes.push(' ');
                }
                if out.is_empty() {
                    out.push(Sentence::default());
                }
                let last = out.last_mut().expect("a sentence");
                join_text(&mut last.text, &format!("[[ {raw} ]]"));
                last.clauses.push(Clause {
                    words: Vec::new(),
                    mark: ClauseMark::None,
                    phonemes: Some(phonemes),
                });
                continues = true;
            }
            Piece::Text(text) => {
                let mut read = read(text).into_iter();
                if continues && let (Some(last), Some(first)) = (out.last_mut(), read.next()) {
                    join_text(&mut last.text, &first.text);
                    last.clauses.extend(first.clauses);
                }
                out.extend(read);
                continues = false;
            }
        }
    }
    out
}

fn join_text(text: &mut String, more: &str) {
    if !text.is_empty() && !more.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Piece {
        Piece::Text(s.to_owned())
    }

    fn raw(s: &str) -> Piece {
        Piece::Phonemes(s.to_owned())
    }

    fn split_plain(s: &str) -> Vec<Piece> {
        split(s, |t| vec![text(t)])
    }

    #[test]
    fn blocks_are_cut_out_without_their_inner_whitespace() {
        assert_eq!(
            split_plain("xin [[ a b ]] chào"),
            [text("xin "), raw("a b"), text(" chào")]
        );
        assert_eq!(split_plain("[[x]]"), [raw("x")]);
        assert_eq!(
            split_plain("a [[b]][[c]] d"),
            [text("a "), raw("b"), raw("c"), text(" d")]
        );
    }

    #[test]
    fn splitting_takes_linear_time() {
        for text in ["[[a]]".repeat(200_000), "[[ a\n".repeat(200_000) + "]]"] {
            let started = std::time::Instant::now();
            assert!(!split_plain(&text).is_empty());
            assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        }
    }

    #[test]
    fn an_unclosed_block_or_one_across_lines_is_text() {
        assert_eq!(split_plain("a [[ b"), [text("a [[ b")]);
        assert_eq!(split_plain("a [[ b\nc ]] d"), [text("a [[ b\nc ]] d")]);
        assert_eq!(split_plain("a [[ b\n[[c]]"), [text("a [[ b\n"), raw("c")]);
        assert_eq!(split_plain("]] a"), [text("]] a")]);
    }
}
