//! Sentence and clause segmentation: splits normalised text into sentences,
//! each a list of clauses (words plus the punctuation mark that closes them),
//! the way piper-tts 1.8.0 (espeak-ng) does for ordinary Vietnamese prose.
//!
//! The phonemes of a sentence are then, for each clause, the phonemes of its
//! words joined by `" "`, then [`ClauseMark::as_str`], then `" "` if
//! [`ClauseMark::is_followed_by_space`]; clauses are concatenated without
//! anything in between. `"Xin chào các bạn. Hôm nay trời đẹp quá!"` gives the
//! sentences `sˈin tʃˈaː2w kˌaːɜc bˈaː6n.` and `hˈom nˈaj tʃˈəː2j ɗˈɛ6p kwˈaːɜ!`;
//! `"Hà Nội, Việt Nam: đẹp; vui – buồn"` gives one sentence
//! `hˈaː2 nˈo6j, vˈiɛ6t̪ nˈaːm: ɗˈɛ6p; vˈuj; bˈuə2n`.
//!
//! # What piper-tts does (measured with `tools/segment/probe.py`)
//!
//! - `. ? !` close a clause and end the sentence; `, : ;` close a clause
//!   inside it and are followed by a space phoneme, even at the very end of
//!   the text (`"đi,"` gives `ɗˈi, `). An en dash `–` or em dash `—` with
//!   a space after it acts as `;`. Other dashes (`-`, `--`, `―`, `‒`) between
//!   spaces are silent.
//! - A mark counts only when a space, the end of the text, or closing quotes
//!   and brackets follow it (`đi.” Bạn`, `đi”. Bạn`, `đi.) Bạn`). Glued between
//!   letters, `, : ;` and the dashes silently separate the words (`đi,bạn`
//!   reads `ɗˈi bˈaː6n`), while `. ! ?` are read out (`đi.bạn` says `chấm`)
//!   and stay inside the word here.
//! - In a run of marks the first one wins: `?!` gives `?`, `!?` gives `!`,
//!   `!!` and `!!!` give `!`, `,.` gives `,`, `– ,` gives `;`, `..` gives `.`.
//!   Marks are collapsed even when separated by spaces (`đi. . Bạn`).
//! - A mark with no word before it in its clause is ignored: `". . ."`,
//!   `", ,"`, a dialogue dash at the start of a line, `đi. – Bạn`.
//! - Text without a final mark still ends a sentence, whose last clause then
//!   has no mark (`"đi"` gives `ɗˈi`).
//! - Leading, trailing and repeated whitespace of any kind (tabs, no-break
//!   space, zero-width space, ideographic space) only separates words.
//! - Quotes (`" “ ” ‘ ’ ' « »`), brackets (`( ) [ ] { }`), `/ \ | • · _`
//!   are silent and separate words (`tôi/đi` reads `t̪ˈoj ɗˈi`); a hyphen or
//!   apostrophe inside a word glues the neighbouring syllables (`đi-bạn`
//!   reads `ɗˈibˈaː6n`), so they stay inside the word for the word stage.
//! - A single line break is a space; a blank line (two line breaks, possibly
//!   with spaces between) ends the sentence.
//! - A final `.”` makes espeak return an empty last sentence, which
//!   `PiperVoice` drops before synthesis; sentences without words are dropped
//!   here too. `PiperVoice`'s `[[ raw phonemes ]]` blocks are cut out before
//!   this step (`phonemes.rs`); other brackets are silent.
//!
//! # Deviations, where piper-tts's behaviour is an accident
//!
//! - Ellipsis (`…`, or three dots or more): espeak ends the clause without a
//!   mark and without a space, gluing the last syllable to the next one
//!   (`buồn… hết` reads `bˈuə2nhˈeɜt̪`). Here it closes the clause with a
//!   comma (`bˈuə2n, hˈeɜt̪`); at the end of a sentence it leaves no mark,
//!   as in piper; a mark right after it takes its place (`…?` is a question).
//!   Glued between two words (`đi…bạn`) it only separates them.
//! - A period followed by a lowercase word: espeak takes it for an
//!   abbreviation and drops it, so all-lowercase text becomes one run-on
//!   sentence (and a period between spaces is read out as `chấm`). Here a
//!   period always ends the sentence; abbreviations are the normaliser's job.
//! - A blank line: espeak drops the mark before it. Here the mark is kept.
//! - A line break after a line that does not end with a mark ends the
//!   sentence, so a file with one sentence per line and no final periods is
//!   read sentence by sentence (piper runs the lines together). A line ending
//!   with `, : ;` or a dash continues the sentence, as in piper. Hard-wrapped
//!   prose should be unwrapped before it reaches vtts.
//! - A mark at the start of a word (`đi ,bạn`) closes the clause before it
//!   (espeak ignores `,` there and reads `.` as `chấm`).
//! - espeak cuts a clause longer than about 730 bytes (or 300 words) and glues
//!   the two halves; here a clause is never cut.
//! - Only `\n` is a line break; `\r` and the Unicode line and paragraph
//!   separators are plain whitespace, as in espeak. Fullwidth and CJK marks
//!   (`。，？！`) are ordinary word characters.
//!
//! Other symbols (`& * # % ~`) stay inside the words: the normaliser is
//! expected to have turned them into Vietnamese words already.

/// The punctuation that closes a clause, as piper-tts writes it into the phonemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseMark {
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `;`, and the dashes `–` and `—`.
    Semicolon,
    /// `.`
    Period,
    /// `?`
    Question,
    /// `!`
    Exclamation,
    /// The last clause of a sentence that ends without a mark (end of text,
    /// end of line, blank line, or after an ellipsis).
    None,
}

impl ClauseMark {
    /// The phoneme piper-tts writes for the mark.
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseMark::Comma => ",",
            ClauseMark::Colon => ":",
            ClauseMark::Semicolon => ";",
            ClauseMark::Period => ".",
            ClauseMark::Question => "?",
            ClauseMark::Exclamation => "!",
            ClauseMark::None => "",
        }
    }

    /// Whether the mark itself ends the sentence. [`ClauseMark::None`] does
    /// not: its sentence ended for another reason (see the module docs).
    pub fn ends_sentence(self) -> bool {
        matches!(
            self,
            ClauseMark::Period | ClauseMark::Question | ClauseMark::Exclamation
        )
    }

    /// Whether piper-tts writes a space phoneme after the mark.
    pub fn is_followed_by_space(self) -> bool {
        matches!(
            self,
            ClauseMark::Comma | ClauseMark::Colon | ClauseMark::Semicolon
        )
    }
}

/// Words up to a clause mark, or raw phonemes given inline. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Its words, as written, without the punctuation around them.
    pub words: Vec<String>,
    /// The mark that closes it.
    pub mark: ClauseMark,
    /// Phonemes given as they are (`[[ ... ]]`), with the spaces piper-tts
    /// puts around them; `words` is then empty and `mark` none.
    pub phonemes: Option<String>,
}

/// One sentence: one ONNX run, one audio chunk.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    /// Its clauses, in order.
    pub clauses: Vec<Clause>,
    /// The sentence as written in the input, from its first word to its last
    /// word or mark, for display and logs.
    pub text: String,
}

/// Splits NFC text into sentences the way piper-tts does for ordinary
/// Vietnamese prose (the deviations are listed in the module docs).
///
/// Sentences without words are dropped. Runs in linear time.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut builder = Builder::new(text);
    for (gap, span) in crate::spans(text) {
        builder.gap(text[gap].matches('\n').count());
        builder.token(span.start, span.end);
    }
    builder.finish()
}

/// A mark as read from the text, before it is placed in a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Clause(ClauseMark),
    Ellipsis,
}

/// Clause punctuation, when it stands at the edge of a word.
fn mark_of(c: char) -> Option<Mark> {
    let mark = match c {
        ',' => ClauseMark::Comma,
        ':' => ClauseMark::Colon,
        ';' | '–' | '—' => ClauseMark::Semicolon,
        '.' => ClauseMark::Period,
        '?' => ClauseMark::Question,
        '!' => ClauseMark::Exclamation,
        '…' => return Some(Mark::Ellipsis),
        _ => return None,
    };
    Some(Mark::Clause(mark))
}

/// Silent characters that separate words wherever they are.
fn is_separator(c: char) -> bool {
    crate::is_quote_or_bracket(c) || matches!(c, '/' | '\\' | '|' | '•' | '·' | '_' | '―' | '‒')
}

/// Silent at the edge of a word, but joining syllables inside it.
fn is_edge_only(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '\'' | '‘' | '’' | '‚' | '‛')
}

/// Characters that are not part of a word when they stand at its edge.
fn is_affix(c: char) -> bool {
    mark_of(c).is_some() || is_separator(c) || is_edge_only(c)
}

/// Splits a word body at glued marks and separators, which piper-tts
/// treats as silent word breaks.
fn is_body_break(c: char) -> bool {
    is_separator(c) || matches!(c, ',' | ':' | ';' | '–' | '—' | '…')
}

struct Builder<'a> {
    text: &'a str,
    sentences: Vec<Sentence>,
    clauses: Vec<Clause>,
    words: Vec<String>,
    /// The last clause was closed by an ellipsis and no word followed yet:
    /// its provisional comma may still be replaced or removed.
    after_ellipsis: bool,
    /// Byte range of the current sentence in `text`.
    span: Option<(usize, usize)>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            text,
            sentences: Vec::new(),
            clauses: Vec::new(),
            words: Vec::new(),
            after_ellipsis: false,
            span: None,
        }
    }

    /// Whitespace between two tokens, containing `newlines` line breaks.
    fn gap(&mut self, newlines: usize) {
        let blank_line = newlines >= 2;
        // A line ending with `, : ;` or a dash continues the sentence.
        let open_line = newlines == 1 && (!self.words.is_empty() || self.after_ellipsis);
        if blank_line || open_line {
            self.end_sentence();
        }
    }

    /// A whitespace-free token at `start..end`: leading marks, a word body
    /// that may hold several words, trailing marks.
    fn token(&mut self, start: usize, end: usize) {
        let token = &self.text[start..end];
        let body_start = token
            .char_indices()
            .find(|&(_, c)| !is_affix(c))
            .map_or(token.len(), |(i, _)| i);
        let body_end = token[body_start..]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_affix(c))
            .map_or(body_start, |(i, c)| body_start + i + c.len_utf8());
        self.marks(start, &token[..body_start]);
        self.body(start + body_start, &token[body_start..body_end]);
        self.marks(start + body_end, &token[body_end..]);
    }

    /// A run of marks and silent characters starting at byte `offset`.
    fn marks(&mut self, offset: usize, run: &str) {
        // Dots are read as a group: one or two make a period, more an ellipsis.
        let mut dots: Option<(usize, bool)> = None;
        let mut dots_end = 0;
        for (i, c) in run.char_indices() {
            let at = offset + i;
            if c == '.' || c == '…' {
                let (count, ellipsis) = dots.unwrap_or((0, false));
                dots = Some((count + 1, ellipsis || c == '…'));
                dots_end = at + c.len_utf8();
                continue;
            }
            if let Some(group) = dots.take() {
                self.apply(dots_mark(group), dots_end);
            }
            if let Some(mark) = mark_of(c) {
                self.apply(mark, at + c.len_utf8());
            }
        }
        if let Some(group) = dots {
            self.apply(dots_mark(group), dots_end);
        }
    }

    fn body(&mut self, offset: usize, body: &str) {
        let mut piece_start = 0;
        for (i, c) in body.char_indices() {
            if is_body_break(c) {
                self.word(offset + piece_start, &body[piece_start..i]);
                piece_start = i + c.len_utf8();
            }
        }
        self.word(offset + piece_start, &body[piece_start..]);
    }

    fn word(&mut self, offset: usize, piece: &str) {
        let trimmed = piece.trim_start_matches(is_affix);
        let start = offset + (piece.len() - trimmed.len());
        let word = trimmed.trim_end_matches(is_affix);
        if word.is_empty() {
            return;
        }
        self.words.push(word.to_owned());
        self.after_ellipsis = false;
        self.extend_span(start, start + word.len());
    }

    /// Places a mark that ends at byte `end` in the text.
    fn apply(&mut self, mark: Mark, end: usize) {
        let mark = if !self.words.is_empty() {
            let (clause_mark, after_ellipsis) = match mark {
                Mark::Clause(m) => (m, false),
                Mark::Ellipsis => (ClauseMark::Comma, true),
            };
            let words = std::mem::take(&mut self.words);
            self.clauses.push(Clause {
                words,
                mark: clause_mark,
                phonemes: None,
            });
            self.after_ellipsis = after_ellipsis;
            clause_mark
        } else if let (true, Mark::Clause(m), Some(last)) =
            (self.after_ellipsis, mark, self.clauses.last_mut())
        {
            last.mark = m;
            self.after_ellipsis = false;
            m
        } else {
            return;
        };
        if let Some((start, _)) = self.span {
            self.span = Some((start, end));
        }
        if mark.ends_sentence() {
            self.end_sentence();
        }
    }

    fn extend_span(&mut self, start: usize, end: usize) {
        let start = self.span.map_or(start, |(s, _)| s);
        self.span = Some((start, end));
    }

    fn end_sentence(&mut self) {
        if !self.words.is_empty() {
            let words = std::mem::take(&mut self.words);
            self.clauses.push(Clause {
                words,
                mark: ClauseMark::None,
                phonemes: None,
            });
        } else if self.after_ellipsis
            && let Some(last) = self.clauses.last_mut()
        {
            last.mark = ClauseMark::None;
        }
        self.after_ellipsis = false;
        let span = self.span.take();
        if let Some((start, end)) = span
            && !self.clauses.is_empty()
        {
            self.sentences.push(Sentence {
                clauses: std::mem::take(&mut self.clauses),
                text: self.text[start..end].to_owned(),
            });
        }
        self.clauses.clear();
    }

    fn finish(mut self) -> Vec<Sentence> {
        self.end_sentence();
        self.sentences
    }
}

fn dots_mark((count, has_ellipsis_char): (usize, bool)) -> Mark {
    if has_ellipsis_char || count >= 3 {
        Mark::Ellipsis
    } else {
        Mark::Clause(ClauseMark::Period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The piper phoneme formula with each word standing for its own phonemes.
    fn render(sentence: &Sentence, phonemes: impl Fn(&str) -> String) -> String {
        let mut out = String::new();
        for clause in &sentence.clauses {
            let words: Vec<String> = clause.words.iter().map(|w| phonemes(w)).collect();
            out.push_str(&words.join(" "));
            out.push_str(clause.mark.as_str());
            if clause.mark.is_followed_by_space() {
                out.push(' ');
            }
        }
        out
    }

    /// Each sentence of `text` rendered with words as their own phonemes.
    fn read(text: &str) -> Vec<String> {
        sentences(text)
            .iter()
            .map(|s| render(s, str::to_owned))
            .collect()
    }

    fn marks(text: &str) -> Vec<Vec<ClauseMark>> {
        sentences(text)
            .iter()
            .map(|s| s.clauses.iter().map(|c| c.mark).collect())
            .collect()
    }

    /// Every line of the corpus, segmented here and phonemised word by word
    /// with piper-tts's own per-word phonemes, gives piper-tts's sentences.
    #[test]
    fn corpus_matches_piper_sentence_by_sentence() {
        let golden = include_str!("../../../tests/data/corpus_golden.txt");
        let mut words = std::collections::HashMap::new();
        let mut cases: Vec<(&str, Vec<&str>)> = Vec::new();
        for line in golden.lines().filter(|l| !l.starts_with('#')) {
            match line.split_once('\t') {
                Some(("W", rest)) => {
                    let (word, ipa) = rest.split_once('\t').expect("word and phonemes");
                    words.insert(word, ipa);
                }
                Some(("T", text)) => cases.push((text, Vec::new())),
                Some(("S", ipa)) => cases.last_mut().expect("a text first").1.push(ipa),
                _ => panic!("bad golden line {line:?}"),
            }
        }
        assert!(cases.len() >= 320);
        let ipa = |w: &str| {
            words
                .get(w)
                .map_or_else(|| format!("<{w}>"), |p| p.to_string())
        };
        for (text, expected) in cases {
            let got: Vec<String> = sentences(text).iter().map(|s| render(s, ipa)).collect();
            assert_eq!(got, expected, "{text}");
        }
    }

    #[test]
    fn formula_reproduces_piper_for_the_reference_example() {
        let ipa = |w: &str| {
            match w {
                "Xin" => "sˈin",
                "chào" => "tʃˈaː2w",
                "các" => "kˌaːɜc",
                "bạn" => "bˈaː6n",
                "Hôm" => "hˈom",
                "nay" => "nˈaj",
                "trời" => "tʃˈəː2j",
                "đẹp" => "ɗˈɛ6p",
                "quá" => "kwˈaːɜ",
                other => panic!("no phonemes for {other}"),
            }
            .to_owned()
        };
        let got: Vec<String> = sentences("Xin chào các bạn. Hôm nay trời đẹp quá!")
            .iter()
            .map(|s| render(s, ipa))
            .collect();
        assert_eq!(
            got,
            [
                "sˈin tʃˈaː2w kˌaːɜc bˈaː6n.",
                "hˈom nˈaj tʃˈəː2j ɗˈɛ6p kwˈaːɜ!"
            ]
        );
    }

    #[test]
    fn period_question_and_exclamation_end_sentences() {
        assert_eq!(
            read("Tôi đi. Bạn về? Ừ! Xong"),
            ["Tôi đi.", "Bạn về?", "Ừ!", "Xong"]
        );
    }

    #[test]
    fn comma_colon_and_semicolon_close_clauses_inside_a_sentence() {
        assert_eq!(
            marks("Hà Nội, Việt Nam: đẹp; vui."),
            [[
                ClauseMark::Comma,
                ClauseMark::Colon,
                ClauseMark::Semicolon,
                ClauseMark::Period
            ]]
        );
        assert_eq!(
            read("Hà Nội, Việt Nam: đẹp; vui."),
            ["Hà Nội, Việt Nam: đẹp; vui."]
        );
    }

    #[test]
    fn en_and_em_dashes_act_as_semicolons() {
        assert_eq!(read("vui – buồn — hết"), ["vui; buồn; hết"]);
    }

    #[test]
    fn final_comma_keeps_its_space() {
        assert_eq!(read("Tôi đi,"), ["Tôi đi, "]);
    }

    #[test]
    fn text_without_final_mark_ends_with_no_mark() {
        assert_eq!(marks("Tôi đi"), [[ClauseMark::None]]);
    }

    #[test]
    fn first_mark_of_a_run_wins() {
        assert_eq!(
            read("Thật à?! Hay quá!? Ôi!!! Thôi,. Được;."),
            ["Thật à?", "Hay quá!", "Ôi!", "Thôi, Được; "]
        );
    }

    #[test]
    fn marks_separated_by_spaces_collapse() {
        assert_eq!(
            read("Tôi đi. . Bạn, , về – , nhé"),
            ["Tôi đi.", "Bạn, về; nhé"]
        );
    }

    #[test]
    fn marks_with_no_word_before_are_ignored() {
        assert_eq!(read(". , Tôi đi"), ["Tôi đi"]);
        assert_eq!(read("– Chào anh. – Chào em."), ["Chào anh.", "Chào em."]);
    }

    #[test]
    fn text_of_only_marks_has_no_sentences() {
        assert!(sentences(". . .").is_empty());
        assert!(sentences(", ,").is_empty());
        assert!(sentences("“…”").is_empty());
    }

    #[test]
    fn empty_and_blank_text_has_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences(" \t\n\n \r\n").is_empty());
    }

    #[test]
    fn two_dots_are_a_period() {
        assert_eq!(read("Tôi đi.. Bạn về"), ["Tôi đi.", "Bạn về"]);
    }

    #[test]
    fn ellipsis_inside_a_sentence_becomes_a_comma() {
        assert_eq!(read("vui… buồn"), ["vui, buồn"]);
    }

    #[test]
    fn three_or_more_dots_are_an_ellipsis() {
        assert_eq!(read("vui... buồn.... hết"), ["vui, buồn, hết"]);
    }

    #[test]
    fn ellipsis_at_the_end_leaves_no_mark() {
        assert_eq!(marks("Thôi…"), [[ClauseMark::None]]);
    }

    #[test]
    fn mark_after_an_ellipsis_replaces_it() {
        assert_eq!(
            read("Thật sao…? Ừ…! Vậy…, thôi"),
            ["Thật sao?", "Ừ!", "Vậy, thôi"]
        );
    }

    #[test]
    fn ellipsis_after_a_mark_is_ignored() {
        assert_eq!(read("vui,... buồn;… hết"), ["vui, buồn; hết"]);
    }

    #[test]
    fn ellipsis_before_a_word_closes_the_clause() {
        assert_eq!(read("vui …buồn"), ["vui, buồn"]);
    }

    #[test]
    fn period_before_a_lowercase_word_ends_the_sentence() {
        assert_eq!(read("xin chào. tôi là an."), ["xin chào.", "tôi là an."]);
    }

    #[test]
    fn question_before_a_lowercase_word_ends_the_sentence() {
        assert_eq!(read("đi à? ừ"), ["đi à?", "ừ"]);
    }

    #[test]
    fn mark_at_the_start_of_a_word_closes_the_clause_before() {
        assert_eq!(read("Tôi đi ,bạn về .Xong"), ["Tôi đi, bạn về.", "Xong"]);
    }

    #[test]
    fn glued_comma_colon_and_semicolon_only_separate_words() {
        assert_eq!(read("đi,về:ăn;ngủ"), ["đi về ăn ngủ"]);
    }

    #[test]
    fn glued_dash_only_separates_words() {
        assert_eq!(read("Hà Nội–Huế—Vinh"), ["Hà Nội Huế Vinh"]);
    }

    #[test]
    fn period_glued_between_letters_stays_in_the_word() {
        assert_eq!(
            sentences("vnexpress.net")[0].clauses[0].words,
            ["vnexpress.net"]
        );
    }

    #[test]
    fn hyphen_inside_a_word_stays() {
        assert_eq!(
            sentences("Bà Rịa-Vũng Tàu")[0].clauses[0].words,
            ["Bà", "Rịa-Vũng", "Tàu"]
        );
    }

    #[test]
    fn hyphens_between_spaces_and_at_word_edges_are_silent() {
        assert_eq!(
            read("Hà Nội - Huế -- Vinh -xa- gần"),
            ["Hà Nội Huế Vinh xa gần"]
        );
    }

    #[test]
    fn other_dashes_are_silent() {
        assert_eq!(read("Hà Nội ― Huế ‒ Vinh"), ["Hà Nội Huế Vinh"]);
    }

    #[test]
    fn quotes_are_removed_from_words() {
        assert_eq!(
            read("Anh nói \"đi\", “về” và ‘ở’ hay 'ngủ' «mãi»"),
            ["Anh nói đi, về và ở hay ngủ mãi"]
        );
    }

    #[test]
    fn apostrophe_inside_a_word_stays() {
        assert_eq!(sentences("tôi'đi")[0].clauses[0].words, ["tôi'đi"]);
    }

    #[test]
    fn mark_before_a_closing_quote_counts() {
        assert_eq!(read("“Tôi đi.” Bạn về"), ["Tôi đi.", "Bạn về"]);
        assert_eq!(read("Nó hỏi: “Ai?” Không ai"), ["Nó hỏi: Ai?", "Không ai"]);
    }

    #[test]
    fn mark_after_a_closing_quote_counts() {
        assert_eq!(read("Anh nói “đi”. Bạn về"), ["Anh nói đi.", "Bạn về"]);
    }

    #[test]
    fn brackets_are_removed_and_marks_around_them_count() {
        assert_eq!(
            read("Tôi (và bạn) đi [xa]. (Rồi về.) Hết"),
            ["Tôi và bạn đi xa.", "Rồi về.", "Hết"]
        );
    }

    #[test]
    fn slash_and_other_silent_symbols_separate_words() {
        assert_eq!(read("đi/về|ăn•ngủ·chơi_xa"), ["đi về ăn ngủ chơi xa"]);
    }

    #[test]
    fn other_symbols_stay_in_words_for_the_normaliser() {
        assert_eq!(sentences("a & b")[0].clauses[0].words, ["a", "&", "b"]);
    }

    #[test]
    fn any_whitespace_separates_words() {
        assert_eq!(
            read("  Tôi\t\tđi\u{a0}học\u{200b}về\u{3000}nhà  "),
            ["Tôi đi học về nhà"]
        );
    }

    #[test]
    fn line_without_a_mark_ends_the_sentence() {
        assert_eq!(read("Xin chào\nTạm biệt"), ["Xin chào", "Tạm biệt"]);
    }

    #[test]
    fn line_ending_with_a_comma_continues_the_sentence() {
        assert_eq!(
            read("Tôi đi,\nbạn về –\nrồi thôi"),
            ["Tôi đi, bạn về; rồi thôi"]
        );
    }

    #[test]
    fn line_ending_with_an_ellipsis_ends_the_sentence() {
        assert_eq!(read("Thôi…\nvề"), ["Thôi", "về"]);
    }

    #[test]
    fn blank_line_ends_the_sentence_and_keeps_the_mark() {
        assert_eq!(read("Tôi đi,\n\nBạn về"), ["Tôi đi, ", "Bạn về"]);
        assert_eq!(read("Tôi đi,\n \t\nBạn về"), ["Tôi đi, ", "Bạn về"]);
    }

    #[test]
    fn windows_line_breaks_work_like_unix_ones() {
        assert_eq!(
            read("Một\r\nHai,\r\nba\r\n\r\nBốn"),
            ["Một", "Hai, ba", "Bốn"]
        );
    }

    #[test]
    fn carriage_return_alone_is_a_space() {
        assert_eq!(read("Một\rhai"), ["Một hai"]);
    }

    #[test]
    fn sentence_text_is_the_original_span() {
        let texts: Vec<String> = sentences("  – “Xin chào,  bạn!” Tôi\nđi… ")
            .into_iter()
            .map(|s| s.text)
            .collect();
        assert_eq!(texts, ["Xin chào,  bạn!", "Tôi", "đi…"]);
    }

    #[test]
    fn sentence_text_spans_lines_when_the_sentence_does() {
        assert_eq!(sentences("Một,\nhai.")[0].text, "Một,\nhai.");
    }

    #[test]
    fn clauses_are_never_empty() {
        for text in [". , ; : ! ? … – —", "a , , b", "… a …", "a\n\n,\n\nb"] {
            for sentence in sentences(text) {
                assert!(
                    sentence.clauses.iter().all(|c| !c.words.is_empty()),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn only_the_last_clause_can_lack_a_mark() {
        for sentence in sentences("a… b\nc\n\nd, e… f? g") {
            let (_, rest) = sentence.clauses.split_last().unwrap();
            assert!(rest.iter().all(|c| c.mark != ClauseMark::None));
        }
    }

    #[test]
    fn arbitrary_text_does_not_panic() {
        let alphabet: Vec<char> =
            "aà̀ đ.,;:!?…–—-'\"“”()[]/\\ \n\r\t\u{a0}\u{200b}\u{feff}\u{301}😀。？"
                .chars()
                .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            for sentence in sentences(&text) {
                assert!(!sentence.clauses.is_empty());
                assert!(text.contains(&sentence.text));
            }
        }
    }

    #[test]
    fn huge_input_is_handled_in_linear_time() {
        let words = "Tôi đi học, ".repeat(100_000);
        let dots = ".".repeat(1_000_000);
        let glued = "a,".repeat(500_000);
        assert_eq!(sentences(&words).len(), 1);
        assert!(sentences(&dots).is_empty());
        assert_eq!(sentences(&glued)[0].clauses[0].words.len(), 500_000);
    }
}
