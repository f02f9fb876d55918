//! vtts-text: Vietnamese text to Piper phoneme ids, exactly as piper-tts
//! phonemises ordinary Vietnamese text, and reading numbers, dates, units
//! and abbreviations as a newsreader would.
//!
//! The steps, each a module: [`lexicon`] puts the user's readings in first,
//! and `[[ phonemes ]]` blocks are cut out (`phonemes.rs`); [`normalize`]
//! rewrites written forms as words;
//! [`segment`] splits the text into sentences and clauses (this is where a
//! sentence ends); [`g2p`] reads every word as espeak-ng does; [`ids`] turns a
//! sentence's phonemes into the ids a voice reads (this is where ids are
//! made). Their tables are data files under `data/`, read by `data.rs`.
//!
//! No I/O, no ONNX Runtime: everything here is a pure function of the text.
#![deny(missing_docs)]

mod data;
pub mod g2p;
pub mod ids;
pub mod lexicon;
pub mod normalize;
mod phonemes;
pub mod segment;
mod stream;

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

pub use ids::{PhonemeIdMap, SentenceIds};
pub use lexicon::{Lexicon, LexiconError};
pub use normalize::Dialect;
pub use segment::{Clause, ClauseMark, Sentence};
pub use stream::settled;

/// Quotes (but not the apostrophes, which can be inside a word), brackets
/// and the Spanish ¡ ¿: marks around words that are never read.
pub(crate) fn is_quote_or_bracket(c: char) -> bool {
    matches!(
        c,
        '"' | '“'
            | '”'
            | '„'
            | '‟'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '¡'
            | '¿'
    )
}

/// The runs of non-whitespace in `text`, each with the whitespace before
/// it, as byte ranges `(gap, token)`: how the normaliser and the segmenter
/// both cut text into tokens.
pub(crate) fn spans(text: &str) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
    let mut chars = text.char_indices().peekable();
    let mut gap_start = 0;
    std::iter::from_fn(move || {
        let start = loop {
            let &(i, c) = chars.peek()?;
            if !is_space(c) {
                break i;
            }
            chars.next();
        };
        let end = loop {
            match chars.peek() {
                Some(&(i, c)) if is_space(c) => break i,
                Some(_) => {
                    chars.next();
                }
                None => break text.len(),
            }
        };
        let gap = gap_start..start;
        gap_start = end;
        Some((gap, start..end))
    })
}

/// Whitespace as vtts reads it: Unicode's, and the invisible word breaks
/// (zero-width space, word joiner, byte-order mark).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// One sentence ready for a voice: its text and its phonemes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemizedSentence {
    /// The sentence as written (after normalisation).
    pub text: String,
    /// The phonemes, one Unicode codepoint each (NFD), as piper-tts splits them.
    pub phonemes: String,
}

/// How text is read: the user's lexicon first, then numbers and other
/// written forms in a dialect.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// How numbers are said.
    pub dialect: Dialect,
    /// The user's own readings, applied before the built-in ones.
    pub lexicon: Lexicon,
}

impl From<Dialect> for Reading {
    fn from(dialect: Dialect) -> Reading {
        Reading {
            dialect,
            lexicon: Lexicon::default(),
        }
    }
}

impl Reading {
    /// A stable description of everything that shapes the reading, for
    /// cache keys.
    pub fn fingerprint(&self) -> String {
        format!("{} {}", self.dialect.name(), self.lexicon.fingerprint())
    }

    /// `text` cut into text to read (NFC) and phonemes to say exactly as
    /// they are written.
    fn pieces(&self, text: &str) -> Vec<phonemes::Piece> {
        phonemes::split(text, |part| {
            self.lexicon.apply(&part.nfc().collect::<String>())
        })
    }
}

/// Splits `text` into sentences, in order, without phonemising them yet:
/// the lexicon and the built-in readings of written forms (numbers, dates,
/// abbreviations...) are applied first, and `[[ phonemes ]]` kept as given.
pub fn sentences(text: &str, reading: &Reading) -> Vec<Sentence> {
    phonemes::sentences(&reading.pieces(text), |text| {
        segment::sentences(&normalize::normalize(text, reading.dialect))
    })
}

/// `text` as it is read: the lexicon applied, written forms read out, and
/// phonemes written as `[[ phonemes ]]` blocks.
pub fn spoken_text(text: &str, reading: &Reading) -> String {
    let mut out = String::new();
    for piece in reading.pieces(text) {
        match piece {
            phonemes::Piece::Text(text) => {
                out.push_str(&normalize::normalize(&text, reading.dialect))
            }
            phonemes::Piece::Phonemes(raw) => {
                out.push_str("[[ ");
                out.push_str(&raw);
                out.push_str(" ]]");
            }
        }
    }
    out
}

/// The phonemes of one sentence: per clause, its words' phonemes joined by
/// spaces, then the clause mark, then a space after `, : ;` — piper-tts's layout.
/// Returns `None` for a sentence with nothing to say (only symbols, say).
pub fn phonemize_sentence(sentence: &Sentence) -> Option<PhonemizedSentence> {
    let mut all = String::new();
    let mut spoken = false;
    for clause in &sentence.clauses {
        // Raw phonemes are said codepoint by codepoint as written, as
        // piper-tts does; the rest is split into NFD codepoints.
        if let Some(raw) = &clause.phonemes {
            all.push_str(raw);
            spoken |= !raw.trim().is_empty();
            continue;
        }
        let mut phonemes = String::new();
        let mut first = true;
        for word in &clause.words {
            let before = phonemes.len();
            if !first {
                phonemes.push(' ');
            }
            let start = phonemes.len();
            g2p::word_phonemes(word, &mut phonemes);
            if phonemes.len() == start {
                phonemes.truncate(before);
            } else {
                first = false;
                spoken = true;
            }
        }
        phonemes.push_str(clause.mark.as_str());
        if clause.mark.is_followed_by_space() {
            phonemes.push(' ');
        }
        all.extend(phonemes.nfd());
    }
    spoken.then(|| PhonemizedSentence {
        text: sentence.text.clone(),
        phonemes: all,
    })
}

/// Cuts a sentence's phonemes into pieces of at most `max` phonemes, so that
/// no model run is longer than the caller can afford (a run's memory grows
/// with the length of its audio).
///
/// A sentence that fits is one piece, unchanged. A longer one is halved at
/// the clause break (after `, : ;` and their space) nearest its middle, else
/// at the word break nearest its middle, else in the middle, and each half
/// again until every piece fits. Concatenated, the pieces give back `phonemes`.
pub fn pieces(phonemes: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    cut(phonemes, max.max(1), &mut pieces);
    pieces
}

fn cut<'a>(phonemes: &'a str, max: usize, pieces: &mut Vec<&'a str>) {
    let len = phonemes.chars().count();
    if len <= max {
        pieces.push(phonemes);
        return;
    }
    let middle = len / 2;
    // (distance from the middle, byte offset) of the best break of each kind.
    let mut clause: Option<(usize, usize)> = None;
    let mut word: Option<(usize, usize)> = None;
    let mut half = 0;
    let mut previous = None;
    for (i, (offset, c)) in phonemes.char_indices().enumerate() {
        if i == middle {
            half = offset;
        }
        if i > 0 && previous == Some(' ') {
            let candidate = Some((i.abs_diff(middle), offset));
            let after_mark = phonemes[..offset - 1].ends_with([',', ':', ';']);
            let best = if after_mark { &mut clause } else { &mut word };
            if candidate < *best || best.is_none() {
                *best = candidate;
            }
        }
        previous = Some(c);
    }
    let at = clause.or(word).map_or(half, |(_, offset)| offset);
    cut(&phonemes[..at], max, pieces);
    cut(&phonemes[at..], max, pieces);
}

/// Phonemises all of `text`, sentence by sentence.
pub fn phonemize(text: &str, reading: &Reading) -> impl Iterator<Item = PhonemizedSentence> {
    sentences(text, reading)
        .into_iter()
        .filter_map(|sentence| phonemize_sentence(&sentence))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_phonemes(text: &str) -> Vec<String> {
        phonemize(text, &Reading::default())
            .map(|s| s.phonemes)
            .collect()
    }

    #[test]
    fn decomposed_input_reads_like_precomposed_input() {
        let corpus = include_str!("../../../tests/data/corpus.txt");
        for line in corpus.lines().filter(|l| !l.is_empty()) {
            let nfd: String = line.nfd().collect();
            assert_ne!(nfd, line);
            assert_eq!(all_phonemes(&nfd), all_phonemes(line), "{line}");
        }
    }

    #[test]
    fn clauses_are_laid_out_as_piper_does() {
        assert_eq!(
            all_phonemes("Hà Nội, Việt Nam: đẹp; vui – buồn."),
            vec![
                "hˈaː2 nˈo6j, vˈiɛ6t̪ nˈaːm: ɗˈɛ6p; vˈuj; bˈuə2n."
                    .nfd()
                    .collect::<String>()
            ]
        );
    }

    #[test]
    fn a_sentence_that_fits_is_one_piece() {
        assert_eq!(pieces("ɗˈi, bˈaː6n.", 12), vec!["ɗˈi, bˈaː6n."]);
    }

    #[test]
    fn long_sentences_are_cut_at_the_clause_break_nearest_the_middle() {
        let phonemes = "aa bb, cc dd ee ff, gg hh; ii jj.";
        assert_eq!(
            pieces(phonemes, 20),
            vec!["aa bb, cc dd ee ff, ", "gg hh; ii jj."]
        );
        assert_eq!(
            pieces(phonemes, 10),
            vec!["aa bb, ", "cc dd ", "ee ff, ", "gg hh; ", "ii jj."]
        );
    }

    #[test]
    fn without_clauses_the_cut_is_at_a_word_and_without_words_anywhere() {
        assert_eq!(pieces("aa bb cc dd", 6), vec!["aa bb ", "cc dd"]);
        assert_eq!(pieces("abcdefg", 3), vec!["abc", "de", "fg"]);
    }

    #[test]
    fn pieces_always_fit_and_give_back_the_sentence() {
        let corpus = include_str!("../../../tests/data/corpus.txt");
        let all: String = all_phonemes(corpus).concat();
        for max in [1, 7, 40, 150, 1000] {
            let cut = pieces(&all, max);
            assert_eq!(cut.concat(), all);
            assert!(
                cut.iter()
                    .all(|p| !p.is_empty() && p.chars().count() <= max)
            );
        }
    }

    fn reading(rows: &str) -> Reading {
        Reading {
            dialect: Dialect::North,
            lexicon: Lexicon::parse(rows, "test.tsv").unwrap(),
        }
    }

    #[test]
    fn raw_phonemes_keep_their_codepoints_and_do_not_end_sentences() {
        let said: Vec<String> = phonemize("Đọc [[ ã ]] thử. Hết.", &Reading::default())
            .map(|s| s.phonemes)
            .collect();
        // A precomposed ã, as written, between NFD phonemes.
        let nfd = |s: &str| s.nfd().collect::<String>();
        let first = format!("{} \u{e3} {}", nfd("ɗˈɔ6k"), nfd("tˈy4."));
        assert_eq!(said, [first, nfd("hˈeɜt̪.")]);
    }

    #[test]
    fn the_lexicon_comes_before_the_normaliser_and_may_give_phonemes() {
        let reading = reading("2/9\tquốc khánh\nPIN\t[[ pˈin ]]\n");
        assert_eq!(
            spoken_text("Ngày 2/9, thay PIN, ngày 3/9.", &reading),
            "Ngày quốc khánh, thay [[ pˈin ]], ngày mùng ba tháng chín."
        );
        let said: Vec<String> = phonemize("thay PIN", &reading)
            .map(|s| s.phonemes)
            .collect();
        assert_eq!(said, ["tˈaj pˈin".nfd().collect::<String>()]);
        assert_eq!(
            spoken_text("Ngày 2/9.", &Reading::default()),
            "Ngày mùng hai tháng chín."
        );
    }

    #[test]
    fn a_lexicon_changes_the_fingerprint() {
        assert_ne!(
            reading("a\tb\n").fingerprint(),
            Reading::default().fingerprint()
        );
        assert_ne!(
            Reading::from(Dialect::South).fingerprint(),
            Reading::default().fingerprint()
        );
    }

    #[test]
    fn a_sentence_of_symbols_only_is_skipped() {
        assert_eq!(all_phonemes("Một. ☃ ☃. Hai.").len(), 2);
    }
}
