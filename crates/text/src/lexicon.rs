//! The user's lexicon: written forms the user wants said their way, given
//! as a tab-separated file (`--lexicon FILE`). Each row maps a written form
//! to spoken Vietnamese words, or to raw phonemes written as piper writes
//! them, `[[ phonemes ]]`.
//!
//! It is applied before the built-in normaliser, only at word boundaries:
//! a form matches where the character before it and the character after it
//! are not letters or digits (or are the start or the end of the text), and
//! not a mark such as `.` `/` `-` that joins it to more letters or digits
//! ("2/9" does not match inside "2/9/2024", nor "vtts" inside "vtts.vn"). Where
//! forms overlap, the one that starts first wins, and of those starting at
//! the same place the longest. A form written all in lower case matches in
//! any case ("vtts" matches "VTTS" and "Vtts"); a form with a capital letter
//! matches only as written ("PIN" is not "pin").
//!
//! The file is UTF-8: one `written<TAB>spoken` row per line; empty lines and
//! lines starting with `#` are comments. A row without exactly one tab, with
//! an empty side, with spaces around a side, with a `[[` block that is not
//! the whole spoken side, or with a written form given twice is an error
//! that names the file and the line.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use crate::phonemes::{self, Piece};

/// The longest written form, in characters: it bounds the work per position
/// of the text.
pub const MAX_FORM_CHARS: usize = 200;

/// What a written form is said as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spoken {
    Words(String),
    Phonemes(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// NFC; lower case when `any_case`.
    written: String,
    any_case: bool,
    spoken: Spoken,
}

/// A parsed lexicon; cheap to clone. The default is empty.
#[derive(Debug, Clone, Default)]
pub struct Lexicon(Arc<Entries>);

#[derive(Debug, Default)]
struct Entries {
    /// By the key of their first character or word (see [`key_at`]), each
    /// list longest first.
    by_key: HashMap<String, Vec<Entry>>,
    /// A digest of the rows, for cache keys.
    digest: u64,
    count: usize,
}

/// A row of a lexicon file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    /// The file, as the user named it.
    pub source: String,
    /// 1-based.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lexicon {}, line {}: {}",
            self.source, self.line, self.message
        )
    }
}

impl std::error::Error for LexiconError {}

impl PartialEq for Lexicon {
    fn eq(&self, other: &Lexicon) -> bool {
        self.0.digest == other.0.digest && self.0.count == other.0.count
    }
}

impl Lexicon {
    /// Parses the text of a lexicon file; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Lexicon, LexiconError> {
        let mut by_key: HashMap<String, Vec<Entry>> = HashMap::new();
        let mut lines_of: HashMap<(String, bool), usize> = HashMap::new();
        let mut digest = Fnv::default();
        let mut count = 0;
        // Editors on Windows may start a UTF-8 file with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            let error = |message: String| LexiconError {
                source: source.to_owned(),
                line: line_number,
                message,
            };
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = entry(line).map_err(error)?;
            let seen = (entry.written.clone(), entry.any_case);
            if let Some(first) = lines_of.insert(seen, line_number) {
                return Err(error(format!(
                    "{:?} is already on line {first}: keep one of the two rows",
                    entry.written
                )));
            }
            digest.write(line.as_bytes());
            digest.write(b"\n");
            count += 1;
            let key = key_at(&entry.written, 0).to_lowercase();
            by_key.entry(key).or_default().push(entry);
        }
        for entries in by_key.values_mut() {
            // Longest first; of two alike, the one written with capitals.
            entries.sort_by_key(|e| (std::cmp::Reverse(e.written.len()), e.any_case));
        }
        Ok(Lexicon(Arc::new(Entries {
            by_key,
            digest: digest.0,
            count,
        })))
    }

    /// How many rows it has.
    pub fn len(&self) -> usize {
        self.0.count
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.0.count == 0
    }

    /// A short text that differs between lexicons, for cache keys.
    pub fn fingerprint(&self) -> String {
        format!("{}:{:016x}", self.0.count, self.0.digest)
    }

    /// `text` (NFC) cut into pieces: text with the lexicon's words in place of
    /// the forms it lists, and the raw phonemes of forms given as phonemes.
    pub(crate) fn apply(&self, text: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        if self.is_empty() {
            phonemes::push_text(&mut pieces, text.to_owned());
            return pieces;
        }
        let mut plain = String::new();
        let mut copied = 0;
        let mut at = 0;
        while at < text.len() {
            let found = self.starts_word(text, at).then(|| self.longest(text, at));
            match found.flatten() {
                Some((end, spoken)) => {
                    plain.push_str(&text[copied..at]);
                    match spoken {
                        Spoken::Words(words) => plain.push_str(words),
                        Spoken::Phonemes(raw) => {
                            phonemes::push_text(&mut pieces, std::mem::take(&mut plain));
                            pieces.push(Piece::Phonemes(raw.clone()));
                        }
                    }
                    copied = end;
                    at = end;
                }
                None => at += text[at..].chars().next().map_or(1, char::len_utf8),
            }
        }
        plain.push_str(&text[copied..]);
        phonemes::push_text(&mut pieces, plain);
        pieces
    }

    fn starts_word(&self, text: &str, at: usize) -> bool {
        let mut before = text[..at].chars().rev();
        let joined = match (before.next(), before.next()) {
            (Some(c), _) if c.is_alphanumeric() => true,
            (Some(c), Some(d)) => is_joiner(c) && d.is_alphanumeric(),
            _ => false,
        };
        !joined && !text[at..].starts_with(char::is_whitespace)
    }

    /// The longest entry matching at `at` and ending at a word boundary.
    fn longest(&self, text: &str, at: usize) -> Option<(usize, &Spoken)> {
        let key = key_at(text, at).to_lowercase();
        let entries = self.0.by_key.get(&key)?;
        entries.iter().find_map(|entry| {
            let end = matches_at(text, at, entry)?;
            let mut after = text[end..].chars();
            let joined = match (after.next(), after.next()) {
                (Some(c), _) if c.is_alphanumeric() => true,
                (Some(c), Some(d)) => is_joiner(c) && d.is_alphanumeric(),
                _ => false,
            };
            (!joined).then_some((end, &entry.spoken))
        })
    }
}

/// Marks that join letters and digits into one written form ("2/9/2024",
/// "4.0.1", "vtts.vn"), so a form does not end or start beside them.
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '/' | '-' | ',' | ':' | '@' | '_')
}

/// A row: the written form and what it is said as.
fn entry(line: &str) -> Result<Entry, String> {
    let Some((written, spoken)) = line.split_once('\t') else {
        return Err("expected the written form, a tab, then what to say".into());
    };
    if spoken.contains('\t') {
        return Err("more than one tab: a row is the written form, a tab, then what to say".into());
    }
    for (side, name) in [(written, "written form"), (spoken, "spoken side")] {
        if side.trim().is_empty() {
            return Err(format!("the {name} is empty"));
        }
        if side.trim() != side {
            return Err(format!("the {name} {side:?} has spaces around it"));
        }
    }
    let written: String = written.nfc().collect();
    if written.chars().count() > MAX_FORM_CHARS {
        return Err(format!(
            "the written form is longer than {MAX_FORM_CHARS} characters"
        ));
    }
    if written.contains("[[") || written.contains("]]") {
        return Err("a written form cannot hold [[ or ]]".into());
    }
    let spoken = if let Some(inner) = spoken.strip_prefix("[[").and_then(|s| s.strip_suffix("]]")) {
        if inner.contains("[[") || inner.contains("]]") || inner.trim().is_empty() {
            return Err(format!(
                "{spoken:?}: raw phonemes are one block, [[ phonemes ]]"
            ));
        }
        Spoken::Phonemes(inner.trim().to_owned())
    } else if spoken.contains("[[") || spoken.contains("]]") {
        return Err(format!(
            "{spoken:?}: the spoken side is either words or one [[ phonemes ]] block"
        ));
    } else {
        Spoken::Words(spoken.nfc().collect())
    };
    let any_case = !written.chars().any(char::is_uppercase);
    Ok(Entry {
        written,
        any_case,
        spoken,
    })
}

/// The key entries are filed under: the run of letters and digits that
/// starts at `at`, or the one character there.
fn key_at(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphanumeric() => {
            let end = chars
                .find(|&(_, c)| !c.is_alphanumeric())
                .map_or(rest.len(), |(i, _)| i);
            &rest[..end]
        }
        Some((_, c)) => &rest[..c.len_utf8()],
        None => rest,
    }
}

/// Where `entry` ends if it is written at `at`, by its case rule.
fn matches_at(text: &str, at: usize, entry: &Entry) -> Option<usize> {
    let rest = &text[at..];
    if !entry.any_case {
        return rest
            .starts_with(&entry.written)
            .then(|| at + entry.written.len());
    }
    let mut wanted = entry.written.chars().peekable();
    for (i, c) in rest.char_indices() {
        if wanted.peek().is_none() {
            return Some(at + i);
        }
        for lower in c.to_lowercase() {
            if wanted.next() != Some(lower) {
                return None;
            }
        }
    }
    wanted.peek().is_none().then_some(text.len())
}

/// FNV-1a, 64 bits: a digest that is the same on every machine and build.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(rows: &str) -> Lexicon {
        Lexicon::parse(rows, "test.tsv").unwrap()
    }

    /// The pieces, with phonemes shown as [[...]].
    fn applied(lexicon: &Lexicon, text: &str) -> String {
        lexicon
            .apply(text)
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Phonemes(raw) => format!("[[{raw}]]"),
            })
            .collect()
    }

    #[test]
    fn forms_match_at_word_boundaries_only() {
        let lex = lexicon("vtts\tvê tê tê ét\n");
        assert_eq!(applied(&lex, "dùng vtts đi"), "dùng vê tê tê ét đi");
        assert_eq!(applied(&lex, "(vtts)."), "(vê tê tê ét).");
        assert_eq!(applied(&lex, "vttsx avtts vtts2"), "vttsx avtts vtts2");
        assert_eq!(applied(&lex, "vtts"), "vê tê tê ét");
    }

    #[test]
    fn lower_case_forms_match_any_case_and_capitals_only_themselves() {
        let lex = lexicon("vtts\tvê tê tê ét\nPIN\tpin\n");
        assert_eq!(applied(&lex, "VTTS Vtts"), "vê tê tê ét vê tê tê ét");
        assert_eq!(applied(&lex, "PIN pin Pin"), "pin pin Pin");
    }

    #[test]
    fn the_longest_form_at_a_place_wins_and_the_first_place_wins() {
        let lex = lexicon("Hà Nội\tthủ đô\nHà Nội Mới\tbáo\nNội Mới Xa\tx\n");
        assert_eq!(applied(&lex, "đọc Hà Nội Mới nhé"), "đọc báo nhé");
        assert_eq!(applied(&lex, "ở Hà Nội nhé"), "ở thủ đô nhé");
        assert_eq!(applied(&lex, "Hà Nội Mới Xa"), "báo Xa");
    }

    #[test]
    fn forms_do_not_match_inside_longer_written_forms() {
        let lex = lexicon("2/9\tquốc khánh\nvtts\tvê\n");
        assert_eq!(
            applied(&lex, "ngày 2/9, không phải 2/9/2024"),
            "ngày quốc khánh, không phải 2/9/2024"
        );
        assert_eq!(
            applied(&lex, "vtts.vn và www.vtts và vtts."),
            "vtts.vn và www.vtts và vê."
        );
        assert_eq!(applied(&lex, "(2/9) 12/9 2/90"), "(quốc khánh) 12/9 2/90");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_row() {
        let lex = lexicon("\u{feff}vtts\tvê\n");
        assert_eq!(applied(&lex, "vtts"), "vê");
        assert!(Lexicon::parse("\u{feff}# c\n", "x").is_ok());
    }

    #[test]
    fn forms_may_hold_punctuation_and_spaces() {
        let lex = lexicon("C++\txê cộng cộng\nTP. HCM\tthành phố\n.NET\tđót nét\n");
        assert_eq!(
            applied(&lex, "học C++ ở TP. HCM"),
            "học xê cộng cộng ở thành phố"
        );
        assert_eq!(applied(&lex, "dùng .NET"), "dùng đót nét");
        assert_eq!(applied(&lex, "ASP.NET"), "ASP.NET");
    }

    #[test]
    fn phonemes_become_their_own_piece() {
        let lex = lexicon("vtts\t[[ vˈe t̪ˈe ]]\n");
        assert_eq!(
            lex.apply("xin vtts ạ"),
            [
                Piece::Text("xin ".into()),
                Piece::Phonemes("vˈe t̪ˈe".into()),
                Piece::Text(" ạ".into())
            ]
        );
    }

    #[test]
    fn bad_rows_name_their_line() {
        for (rows, line, needle) in [
            ("# c\nvtts\n", 2, "a tab"),
            ("a\tb\tc\n", 1, "more than one tab"),
            ("\tb\n", 1, "written form is empty"),
            ("a\t \n", 1, "spoken side is empty"),
            ("a \tb\n", 1, "spaces around"),
            ("a\tb\n\nA\tc\na\td\n", 4, "already on line 1"),
            ("a\t[[ b\n", 1, "either words or one"),
            ("a\t[[ ]]\n", 1, "one block"),
            ("a\tx [[b]]\n", 1, "either words or one"),
            ("[[a]]\tb\n", 1, "cannot hold"),
        ] {
            let error = Lexicon::parse(rows, "my.tsv").unwrap_err();
            assert_eq!(error.line, line, "{rows:?}: {error}");
            assert!(error.to_string().contains(needle), "{rows:?}: {error}");
            assert!(error.to_string().starts_with("lexicon my.tsv, line "));
        }
        let long = format!("{}\tb\n", "a".repeat(MAX_FORM_CHARS + 1));
        assert!(Lexicon::parse(&long, "x").is_err());
    }

    #[test]
    fn a_form_in_both_cases_is_two_rows() {
        let lex = lexicon("pin\tpin\nPIN\tpê i en\n");
        assert_eq!(applied(&lex, "PIN pin Pin"), "pê i en pin pin");
        assert_eq!(lex.len(), 2);
    }

    #[test]
    fn fingerprints_differ_with_the_rows() {
        assert_eq!(
            lexicon("a\tb\n").fingerprint(),
            lexicon("a\tb\n").fingerprint()
        );
        assert_ne!(
            lexicon("a\tb\n").fingerprint(),
            lexicon("a\tc\n").fingerprint()
        );
        assert_ne!(lexicon("").fingerprint(), lexicon("a\tb\n").fingerprint());
    }

    #[test]
    fn matching_takes_linear_time() {
        // 501 forms share the first word "a": each place tries them all.
        let rows: String = (0..500).map(|i| format!("a b{i}\tx\n")).collect();
        let lex = lexicon(&format!("{rows}a\ty\n"));
        let text = "a b a1 ".repeat(50_000);
        let started = std::time::Instant::now();
        let out = applied(&lex, &text);
        assert!(out.starts_with("y b a1 y b"), "{}", &out[..20]);
        assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    }
}
