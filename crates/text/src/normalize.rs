//! Text as it reaches the segmenter: Unicode NFC (so text typed with
//! combining marks reads like precomposed text), then written forms rewritten
//! as the Vietnamese words a newsreader would say, so that the segmenter and
//! the phonemiser see only Vietnamese syllables and ordinary punctuation.
//!
//! The text is read token by token (runs without whitespace); whitespace
//! between tokens is kept as it is. Quotes, brackets and the marks `. , ; :
//! ! ? …` around a token are kept too, so a sentence keeps its final period
//! ("Giá 50.000đ." is "Giá năm mươi nghìn đồng."), while a period that belongs
//! to an abbreviation is swallowed ("TP. Vinh", "GS.TS. An"). The one or two
//! words before a token decide what it is ("ngày 2/9" is a date, "3/4 số
//! dân" a fraction; "thế kỷ XXI" a Roman numeral; "thứ 4" an ordinal);
//! those words are listed in `data/normalize/contexts.tsv`.
//!
//! What is rewritten:
//! - numbers: integers with the spoken rules (mốt, lăm, tư, linh/lẻ,
//!   mười/mươi, không trăm, nghìn/ngàn, triệu, tỷ), thousands separated by
//!   `.` or spaces, negatives (âm), decimals with `,` (phẩy) and with `.`
//!   when the groups are not thousands ("2.5" hai phẩy năm), percent,
//!   ordinals, ranges ("10-15" mười đến mười lăm), fractions, numbers with a
//!   leading zero digit by digit (codes), versions ("4.0" bốn chấm không),
//!   signs between numbers ("3 x 4" ba nhân bốn; "5 - 3 = 2" năm trừ ba);
//! - phone numbers digit by digit in their groups: 09xx xxx xxx, +84 with
//!   spaces, dots or dashes, hotlines 1800/1900;
//! - dates (dd/mm/yyyy, d/m, mm/yyyy, yyyy-mm-dd, dd-mm-yyyy, dd.mm.yyyy),
//!   with mùng for days 1–10 and tháng tư for April ("tháng 4" too), a
//!   quarter or term with its year ("quý 3/2024", "Q3/2024"), streets named
//!   after a date ("đường 3/2" ba tháng hai), house numbers ("số 12/3"
//!   mười hai trên ba), weekdays (T2 thứ hai, CN chủ nhật), and times (7h30,
//!   7g30, 14:45, hh:mm:ss);
//! - money and units after numbers (`data/normalize/units.tsv`);
//! - abbreviations (`abbreviations.tsv`), loanwords (`loanwords.tsv`),
//!   acronyms said as words (`acronyms.tsv`: NATO na tô), other all-capital
//!   acronyms spelled with the letter names of `data/letters.tsv` (VTV is vê
//!   tê vê; all-capital Vietnamese words such as ANH stay words), Roman
//!   numerals after the words that announce them;
//! - e-mail and web addresses, and the symbols of `symbols.tsv`. A slash
//!   between words is "một" after something counted ("triệu/tháng",
//!   "đồng/kg") and "hoặc" between two Vietnamese words ("ông/bà"); between
//!   others it stays ("và/hoặc"), and the segmenter reads it as a silent
//!   word break.
//!
//! Anything else is kept exactly as written: plain Vietnamese prose comes out
//! unchanged, which keeps the phonemes identical to piper-tts's.
//!
//! # Dialects
//! [`Dialect::North`] (the default) says nghìn, linh (105 một trăm linh năm)
//! and tư after mươi (24 hai mươi tư); [`Dialect::South`] says ngàn, lẻ (một
//! trăm lẻ năm) and bốn (hai mươi bốn). Both say mốt, lăm, mùng, tháng tư and
//! thứ tư. (Issue 4 pairs lẻ with the north and linh with the south; it is
//! the other way round in speech, and the table follows speech.)
//!
//! # Never losing text
//! The output is the input with some disjoint spans replaced, in order (see
//! `rewrites`); everything outside them is copied byte for byte. A span is
//! replaced only when it holds a digit, a symbol, or a form the tables or the
//! acronym rule know; its replacement is never empty when the span holds a
//! letter or digit, and keeps the span's surrounding quotes, brackets and
//! marks. A lower-case Vietnamese word standing alone is never replaced,
//! except a unit after a number ("5 ha"). Reading is linear in the length of
//! the text and never panics.

mod numbers;
mod read;
mod tables;
mod web;
mod words;

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use tables::{AbbreviationKind, Context, TABLES};

/// How numbers are said: the two standard variants of spoken Vietnamese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// nghìn, một trăm linh năm, hai mươi tư.
    #[default]
    North,
    /// ngàn, một trăm lẻ năm, hai mươi bốn.
    South,
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "north" => Ok(Dialect::North),
            "south" => Ok(Dialect::South),
            _ => Err(format!("unknown dialect {s:?}: use north or south")),
        }
    }
}

impl Dialect {
    /// Both dialects, the default first.
    pub const ALL: [Dialect; 2] = [Dialect::North, Dialect::South];

    /// The name flags and requests use.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::North => "north",
            Dialect::South => "south",
        }
    }

    /// What the dialect says, for help texts.
    pub fn description(self) -> &'static str {
        match self {
            Dialect::North => "nghìn, một trăm linh năm, hai mươi tư",
            Dialect::South => "ngàn, một trăm lẻ năm, hai mươi bốn",
        }
    }

    fn thousand(self) -> &'static str {
        match self {
            Dialect::North => "nghìn",
            Dialect::South => "ngàn",
        }
    }

    /// Between hundreds and a lone unit: 105.
    fn zero_tens(self) -> &'static str {
        match self {
            Dialect::North => "linh",
            Dialect::South => "lẻ",
        }
    }

    /// A final 4 after mươi: 24.
    fn four_after_tens(self) -> &'static str {
        match self {
            Dialect::North => "tư",
            Dialect::South => "bốn",
        }
    }

    /// A table reading in this dialect ("k" is nghìn or ngàn).
    fn adapt(self, reading: &str) -> String {
        reading
            .split(' ')
            .map(|word| {
                if word == "nghìn" {
                    self.thousand()
                } else {
                    word
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// NFC, then written forms -> spoken Vietnamese, numbers said as `dialect`
/// says them.
pub fn normalize(text: &str, dialect: Dialect) -> String {
    let text: String = text.nfc().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut copied = 0;
    for rewrite in rewrites(&text, dialect) {
        out.push_str(&text[copied..rewrite.span.start]);
        out.push_str(&rewrite.spoken);
        copied = rewrite.span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// A span of the input and what is said instead.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rewrite {
    span: Range<usize>,
    spoken: String,
}

/// One run of non-whitespace and how it splits.
struct Token<'a> {
    span: Range<usize>,
    prefix: &'a str,
    core: &'a str,
    suffix: &'a str,
    /// The whitespace before the token.
    gap: &'a str,
}

impl Token<'_> {
    fn on_new_line(&self) -> bool {
        self.gap.contains('\n')
    }
}

/// What the words before a token say about it.
struct Ctx {
    dialect: Dialect,
    /// The previous word of the sentence, lower case, without its marks.
    prev: String,
    /// The word before that and the previous one: "thế kỷ".
    pair: String,
    /// The word before the previous one.
    prev2: String,
    /// The previous token is a number with nothing after it ("5 km").
    after_number: bool,
    /// The previous token is a capitalised foreign name, which a Roman
    /// numeral may follow ("Louis XIV", "Elizabeth II").
    after_name: bool,
    /// The token before or after is a Vietnamese word in capitals, as in a
    /// headline ("AI LÀ TRIỆU PHÚ"), where "AI" is the word ai.
    among_capitals: bool,
    /// The previous token is a Vietnamese word in capitals.
    after_capitals: bool,
    /// The previous token has no mark after it ("tháng 4", not "tháng, 4").
    prev_bare: bool,
    /// The next token says what a number before it counts: a unit, a
    /// number word or a per word other than năm ("4 triệu", "4 ngày").
    next_counts: bool,
}

impl Ctx {
    fn new(dialect: Dialect) -> Ctx {
        Ctx {
            dialect,
            prev: String::new(),
            pair: String::new(),
            prev2: String::new(),
            after_number: false,
            after_name: false,
            among_capitals: false,
            after_capitals: false,
            prev_bare: false,
            next_counts: false,
        }
    }

    /// The same dialect without any context, for the inner parts of a form.
    fn neutral(&self) -> Ctx {
        Ctx::new(self.dialect)
    }

    fn is(&self, kind: Context) -> bool {
        TABLES.is(kind, &self.prev) || TABLES.is(kind, &self.pair)
    }

    /// After a date word, or after a weekday ("thứ 2, 25/11").
    fn is_date(&self) -> bool {
        self.is(Context::Date) || self.prev2 == "thứ"
    }

    /// The previous token ends a weekday: "T2", "CN", "thứ 2".
    fn after_weekday(&self) -> bool {
        is_weekday(&self.prev) || self.prev2 == "thứ" && self.after_number
    }

    /// Moves past `token`.
    fn advance(&mut self, token: &Token) {
        let lower = token.core.to_lowercase();
        let ends_sentence = token.suffix.contains(['.', '!', '?', '…']);
        self.after_number = token.suffix.is_empty()
            && (token.core.ends_with(|c: char| c.is_ascii_digit())
                || matches!(
                    lower.as_str(),
                    "nghìn" | "ngàn" | "triệu" | "tỷ" | "tỉ" | "trăm" | "chục" | "mươi"
                ));
        let mut chars = token.core.chars();
        self.after_name = token.suffix.is_empty()
            && chars.next().is_some_and(char::is_uppercase)
            && chars.all(char::is_lowercase)
            && !words::is_syllable(token.core);
        self.after_capitals = is_capital_word(token.core);
        self.prev_bare = token.suffix.is_empty();
        if ends_sentence {
            self.prev.clear();
            self.prev2.clear();
        } else {
            self.prev2 = std::mem::replace(&mut self.prev, lower);
        }
        self.pair = format!("{} {}", self.prev2, self.prev);
    }
}

/// Whether `token` says what the number before it counts: "4 triệu",
/// "4 ngày", "4 kg"; "năm" is not counted, as it names the year after a
/// month ("tháng 4 năm 2024").
fn counts(token: &Token) -> bool {
    let lower = token.core.to_lowercase();
    token.prefix.is_empty()
        && lower != "năm"
        && (TABLES.units.contains_key(token.core)
            || TABLES.is(Context::Per, &lower)
            || matches!(
                lower.as_str(),
                "nghìn" | "ngàn" | "triệu" | "tỷ" | "tỉ" | "trăm" | "chục" | "mươi"
            ))
}

/// A Vietnamese word written in capitals: "LÀ", "TRIỆU".
fn is_capital_word(core: &str) -> bool {
    core.chars().count() >= 2 && core.chars().all(char::is_uppercase) && words::is_syllable(core)
}

/// A lower-case word that names or starts a weekday: "thứ", "chủ", "cn",
/// "t2" to "t7".
fn is_weekday(lower: &str) -> bool {
    match lower.as_bytes() {
        [b't', b'2'..=b'7'] => true,
        _ => matches!(lower, "thứ" | "chủ" | "cn"),
    }
}

/// Quotes, apostrophes and brackets, kept around a token.
fn is_wrapper(c: char) -> bool {
    crate::is_quote_or_bracket(c) || matches!(c, '\'' | '‘' | '’')
}

/// Clause and sentence marks, kept after a token.
fn is_mark(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '…')
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    crate::spans(text)
        .map(|(gap, span)| token(text, gap, span.end))
        .collect()
}

/// The token from `gap.end` to `end`, after the whitespace `gap`.
fn token(text: &str, gap: Range<usize>, end: usize) -> Token<'_> {
    let start = gap.end;
    let token = &text[start..end];
    let core_start = token
        .char_indices()
        .find(|&(_, c)| !is_wrapper(c))
        .map_or(token.len(), |(i, _)| i);
    let core_end = token[core_start..]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_wrapper(c) && !is_mark(c))
        .map_or(core_start, |(i, c)| core_start + i + c.len_utf8());
    Token {
        span: start..end,
        prefix: &token[..core_start],
        core: &token[core_start..core_end],
        suffix: &token[core_end..],
        gap: &text[gap],
    }
}

/// The spans of NFC `text` to replace, in order and disjoint.
fn rewrites(text: &str, dialect: Dialect) -> Vec<Rewrite> {
    let tokens = tokens(text);
    let mut rewrites = Vec::new();
    let mut ctx = Ctx::new(dialect);
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let (count, spoken) = match digit_groups(&tokens[i..], &ctx) {
            Some((count, words)) => {
                let suffix = tokens[i + count - 1].suffix;
                (count, Some((words, suffix)))
            }
            None => {
                let next = tokens.get(i + 1);
                ctx.among_capitals =
                    ctx.after_capitals || next.is_some_and(|t| is_capital_word(t.core));
                ctx.next_counts = token.suffix.is_empty() && next.is_some_and(counts);
                (1, read_token(token, &tokens[i + 1..], &ctx))
            }
        };
        let last = &tokens[i + count - 1];
        if let Some((words, suffix)) = spoken {
            rewrites.push(Rewrite {
                span: token.span.start..last.span.end,
                spoken: format!("{}{words}{suffix}", token.prefix),
            });
        }
        ctx.advance(last);
        i += count;
    }
    rewrites
}

/// How many tokens after a sign between numbers are searched for the "="
/// that makes it an equation ("5 - 3 = 2").
const EQUATION_LOOKAHEAD: usize = 3;

/// A token's words and the suffix to write after them: the token's own,
/// less an abbreviation's period ("TP. Vinh"). `rest` is the tokens after it.
fn read_token<'a>(token: &Token<'a>, rest: &[Token], ctx: &Ctx) -> Option<(String, &'a str)> {
    let core = token.core;
    if core.is_empty() {
        return None;
    }
    let next_on_line = rest.first().filter(|n| !n.on_new_line());
    let number_next = next_on_line
        .is_some_and(|n| n.prefix.is_empty() && n.core.starts_with(|c: char| c.is_ascii_digit()));
    // "3 x 4", "5 - 3 = 2", "10 / 2 = 5": a sign between two numbers.
    if token.suffix.is_empty() && ctx.after_number && number_next {
        let in_equation = rest
            .iter()
            .take(EQUATION_LOOKAHEAD)
            .take_while(|t| !t.on_new_line())
            .any(|t| t.core.starts_with('='));
        if let Some(sign) = read::operator(core, in_equation) {
            return Some((sign.to_owned(), ""));
        }
    }
    // "10 - 15": a dash between two numbers; "T2 - T6", "Thứ 2 – Thứ 6"
    // between two weekdays.
    let weekday_next = next_on_line.is_some_and(|n| is_weekday(&n.core.to_lowercase()));
    if matches!(core, "-" | "–" | "—")
        && token.suffix.is_empty()
        && (ctx.after_number && !ctx.is(Context::Score) && number_next
            || ctx.after_weekday() && weekday_next)
    {
        return Some(("đến".to_owned(), ""));
    }
    if let Some(after_period) = token.suffix.strip_prefix('.')
        && !ctx.after_number
    {
        let with_period = format!("{core}.");
        if let Some((reading, kind)) = read::with_period(&with_period) {
            // The period stays when it also ends the sentence.
            let keep = match kind {
                AbbreviationKind::End => {
                    next_on_line.is_none_or(|n| n.core.starts_with(char::is_uppercase))
                }
                _ => next_on_line.is_none(),
            };
            return Some((reading, if keep { token.suffix } else { after_period }));
        }
    }
    read::core(core, ctx).map(|words| (words, token.suffix))
}

/// At most this many groups follow the first in "1 000 000"-style numbers,
/// which bounds the work per token.
const MAX_GROUPS: usize = 6;

/// Numbers written in groups with spaces: "1 000 000" (thousands) or a
/// phone number, read digit by digit: "0912 345 678", "+84 912 345 678",
/// "1900 1234". Returns how many tokens the number takes and its words.
fn digit_groups(tokens: &[Token], ctx: &Ctx) -> Option<(usize, String)> {
    let first = tokens.first()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (plus, lead) = match first.core.strip_prefix('+') {
        Some(code) => (true, code),
        None => (false, first.core),
    };
    if !first.suffix.is_empty() || !digits(lead) {
        return None;
    }
    let mut groups = vec![lead];
    for token in tokens.iter().skip(1).take(MAX_GROUPS) {
        let single_space = matches!(token.gap, " " | "\u{a0}" | "\u{202f}" | "\u{2009}");
        if !single_space || !token.prefix.is_empty() || !digits(token.core) {
            break;
        }
        groups.push(token.core);
        if !token.suffix.is_empty() {
            break;
        }
    }
    let phone_groups = |sizes: std::ops::RangeInclusive<usize>| {
        groups[1..]
            .iter()
            .take_while(|g| sizes.contains(&g.len()))
            .count()
    };
    if plus {
        // "+84 912 345 678", "+84 28 3829 5555": a country code, then groups;
        // "+100 000 000 đồng" is an amount.
        let rest = phone_groups(2..=4);
        let total: usize = groups[..=rest].iter().map(|g| g.len()).sum();
        let thousands = groups[1..=rest].iter().all(|g| g.len() == 3);
        let unit_follows = tokens
            .get(rest + 1)
            .is_some_and(|t| TABLES.units.contains_key(t.core));
        if rest == 0 || lead.len() > 3 {
            return None;
        }
        let spoken = if thousands && (unit_follows || total < read::MIN_PHONE_DIGITS) {
            numbers::integer(&groups[..=rest].concat(), ctx.dialect)
        } else if (read::MIN_PHONE_DIGITS..=read::MAX_PHONE_DIGITS).contains(&total) {
            read::phone(&groups[..=rest])
        } else {
            return None;
        };
        return Some((rest + 1, format!("cộng {spoken}")));
    }
    // "1900 1234", "1800 123 456".
    if let Some(rest) = (1..groups.len().min(3))
        .rev()
        .find(|&rest| read::is_hotline(&groups[..=rest]))
    {
        return Some((rest + 1, read::phone(&groups[..=rest])));
    }
    if ctx.is(Context::Phone) {
        let rest = phone_groups(2..=5);
        return (rest > 0).then(|| (rest + 1, read::phone(&groups[..=rest])));
    }
    if lead.starts_with('0') && (3..=4).contains(&lead.len()) {
        let rest = phone_groups(2..=4);
        let total: usize = groups[..=rest].iter().map(|g| g.len()).sum();
        if rest > 0 && (9..=12).contains(&total) {
            return Some((rest + 1, read::phone(&groups[..=rest])));
        }
        return None;
    }
    if lead.starts_with('0') || lead.len() > 3 {
        return None;
    }
    let rest = groups[1..].iter().take_while(|g| g.len() == 3).count();
    (rest > 0).then(|| {
        (
            rest + 1,
            numbers::integer(&groups[..=rest].concat(), ctx.dialect),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::g2p::syllable_phonemes;
    use crate::is_space;
    use crate::segment::{self, ClauseMark};

    /// The default dialect's reading.
    fn normalize(text: &str) -> String {
        super::normalize(text, Dialect::default())
    }

    fn normalize_with(text: &str, dialect: Dialect) -> String {
        super::normalize(text, dialect)
    }

    const CASES: &str = include_str!("../../../tests/data/normalize_cases.tsv");

    /// (line number, input, northern output, southern output if given).
    fn cases() -> Vec<(usize, String, String, Option<String>)> {
        let unescape = |s: &str| s.replace("\\n", "\n");
        CASES
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.is_empty() && *line != "#" && !line.starts_with("# "))
            .map(|(i, line)| {
                let fields: Vec<&str> = line.split('\t').collect();
                let input = unescape(fields[0]);
                let north = fields.get(1).map_or_else(|| input.clone(), |s| unescape(s));
                (i + 1, input, north, fields.get(2).map(|s| unescape(s)))
            })
            .collect()
    }

    /// The words a rewrite says, without the quotes, brackets and marks
    /// kept around them.
    fn spoken_words(spoken: &str) -> impl Iterator<Item = &str> {
        spoken
            .split(is_space)
            .map(|w| w.trim_matches(|c| is_wrapper(c) || is_mark(c)))
            .filter(|w| !w.is_empty())
    }

    fn is_reading(words: &str) -> bool {
        words.split(' ').all(|w| syllable_phonemes(w).is_some())
    }

    #[test]
    fn table_cases_read_as_expected() {
        let cases = cases();
        assert!(cases.len() >= 400, "only {} cases", cases.len());
        let mut failures = Vec::new();
        for (line, input, north, south) in &cases {
            let got = normalize(input);
            if &got != north {
                failures.push(format!(
                    "line {line}: {input:?}\n  expected {north:?}\n  got      {got:?}"
                ));
            }
            if let Some(south) = south {
                let got = normalize_with(input, Dialect::South);
                if &got != south {
                    failures.push(format!(
                        "line {line} (south): {input:?}\n  expected {south:?}\n  got      {got:?}"
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn every_rewrite_of_the_cases_is_vietnamese_syllables() {
        let mut bad = Vec::new();
        for (line, input, _, _) in cases() {
            let text: String = input.nfc().collect();
            for dialect in [Dialect::North, Dialect::South] {
                for rewrite in rewrites(&text, dialect) {
                    for word in spoken_words(&rewrite.spoken) {
                        if syllable_phonemes(word).is_none() {
                            bad.push(format!("line {line}: {word:?} in {:?}", rewrite.spoken));
                        }
                    }
                }
            }
        }
        assert!(
            bad.is_empty(),
            "{} words are no syllables:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn every_table_reading_is_vietnamese_syllables() {
        let t = &*TABLES;
        let readings = t
            .abbreviations
            .values()
            .map(|a| a.reading)
            .chain(t.units.values().map(|u| u.reading))
            .chain(t.loanwords.values().copied())
            .chain(t.symbols.values().copied())
            .chain(t.web_symbols.values().copied())
            .chain(t.acronyms.values().filter_map(|a| match a {
                tables::Acronym::Word(reading) => Some(*reading),
                tables::Acronym::Spelled => None,
            }))
            .chain(crate::data::letter_names().map(|(_, name)| name));
        let bad: Vec<&str> = readings.filter(|r| !is_reading(r)).collect();
        assert!(bad.is_empty(), "readings with non-syllables: {bad:?}");
    }

    /// A loanword that is itself a syllable would rewrite ordinary words.
    #[test]
    fn no_loanword_is_a_vietnamese_syllable() {
        let syllables: Vec<&&str> = TABLES
            .loanwords
            .keys()
            .filter(|w| syllable_phonemes(w).is_some())
            .collect();
        assert!(syllables.is_empty(), "{syllables:?}");
    }

    #[test]
    fn plain_prose_corpus_is_unchanged() {
        let corpus = include_str!("../../../tests/data/corpus.txt");
        let changed: Vec<String> = corpus
            .lines()
            .filter_map(|line| {
                let got = normalize(line);
                (got != line).then(|| format!("{line:?}\n  became {got:?}"))
            })
            .collect();
        assert!(
            changed.is_empty(),
            "{} lines changed:\n{}",
            changed.len(),
            changed.join("\n")
        );
    }

    /// Spoken forms contain nothing that would be rewritten again.
    #[test]
    fn normalising_twice_changes_nothing() {
        for (line, _, north, south) in cases() {
            for (dialect, text) in [(Dialect::North, Some(north)), (Dialect::South, south)] {
                if let Some(text) = text {
                    assert_eq!(normalize_with(&text, dialect), text, "line {line}");
                }
            }
        }
    }

    fn sentence_marks(text: &str) -> Vec<Vec<ClauseMark>> {
        segment::sentences(&normalize(text))
            .iter()
            .map(|s| s.clauses.iter().map(|c| c.mark).collect())
            .collect()
    }

    #[test]
    fn a_final_period_after_a_rewritten_form_still_ends_the_sentence() {
        use ClauseMark::Period;
        assert_eq!(sentence_marks("Giá 50.000đ. Rẻ."), [[Period], [Period]]);
        assert_eq!(
            sentence_marks("Tôi ở TP.HCM. Bạn ở Q.1."),
            [[Period], [Period]]
        );
        assert_eq!(
            sentence_marks("Táo, cam, v.v. Hết."),
            [
                vec![ClauseMark::Comma, ClauseMark::Comma, Period],
                vec![Period]
            ]
        );
    }

    #[test]
    fn abbreviation_periods_do_not_end_sentences() {
        for text in [
            "Ở TP.HCM có mưa.",
            "Ở TP. Hồ Chí Minh có mưa.",
            "GS. Châu và PGS.TS. Minh đến.",
            "Trạm ở Q. 1 và P. Bến Nghé.",
            "Táo, cam, v.v. và lê.",
            "Giá 2.5 triệu, tăng 1.5%.",
        ] {
            assert_eq!(sentence_marks(text).len(), 1, "{text}");
        }
    }

    #[test]
    fn decomposed_input_is_composed_first() {
        assert_eq!(normalize("Vie\u{302}\u{323}t"), "Việt");
        assert_eq!(normalize("nga\u{300}y 2/9"), "ngày mùng hai tháng chín");
    }

    #[test]
    fn dialects_differ_only_in_their_number_words() {
        let text = "105 người, 24 xe, 2.000 đồng, 50k";
        assert_eq!(
            normalize_with(text, Dialect::North),
            "một trăm linh năm người, hai mươi tư xe, hai nghìn đồng, năm mươi nghìn"
        );
        assert_eq!(
            normalize_with(text, Dialect::South),
            "một trăm lẻ năm người, hai mươi bốn xe, hai ngàn đồng, năm mươi ngàn"
        );
        assert_eq!(normalize(text), normalize_with(text, Dialect::default()));
    }

    #[test]
    fn huge_inputs_take_linear_time() {
        let started = std::time::Instant::now();
        for text in [
            "15 người, ".repeat(50_000),
            "1".repeat(1_000_000),
            "1.".repeat(300_000),
            "1-".repeat(300_000),
            "1/".repeat(300_000),
            "Q.".repeat(300_000) + "1",
            "TP.".repeat(300_000),
            "a@b.".repeat(100_000) + "com",
            "VTV".repeat(300_000),
            "www.".repeat(100_000) + "vn",
            "1 000".repeat(100_000),
            "XXI ".repeat(100_000),
            "thế kỷ XXI ".repeat(50_000),
            "ông/".repeat(300_000),
            "T2-".repeat(300_000),
            "1 x ".repeat(100_000),
            "5 - 3 = ".repeat(100_000),
            "+84 912 ".repeat(100_000),
            "1900 ".repeat(100_000),
            "quý 3/2024 ".repeat(50_000),
        ] {
            let out = normalize(&text);
            assert!(!out.is_empty());
        }
        assert!(
            started.elapsed().as_secs() < 60,
            "took {:?}",
            started.elapsed()
        );
    }

    /// The "never loses text" invariants, checked on one input:
    /// 1. the rewrites are disjoint, in order, on character boundaries, and
    ///    the output is the input with exactly those spans replaced (so all
    ///    text outside them is kept byte for byte);
    /// 2. a rewritten span holding a letter or digit says something (a
    ///    letter or digit in its replacement);
    /// 3. every whitespace-separated input word that is a lower-case
    ///    Vietnamese syllable (and not a unit such as "ha") is in the output,
    ///    in order: prose is never rewritten;
    /// 4. output has a letter or digit when the input has one.
    fn check_keeps_text(input: &str) {
        let text: String = input.nfc().collect();
        for dialect in [Dialect::North, Dialect::South] {
            let rewrites = rewrites(&text, dialect);
            let mut end = 0;
            for rewrite in &rewrites {
                let span = rewrite.span.clone();
                assert!(
                    span.start >= end && span.start < span.end && span.end <= text.len(),
                    "{input:?}"
                );
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                end = span.end;
                if text[span].chars().any(char::is_alphanumeric) {
                    assert!(
                        rewrite.spoken.chars().any(char::is_alphanumeric),
                        "{input:?}: {rewrite:?}"
                    );
                }
            }
            let out = normalize_with(input, dialect);
            let mut assembled = String::new();
            let mut copied = 0;
            for rewrite in &rewrites {
                assembled.push_str(&text[copied..rewrite.span.start]);
                assembled.push_str(&rewrite.spoken);
                copied = rewrite.span.end;
            }
            assembled.push_str(&text[copied..]);
            assert_eq!(out, assembled);
            let mut outputs = out.split(is_space);
            for word in text.split(is_space) {
                let prose = !word.is_empty()
                    && word.chars().all(char::is_lowercase)
                    && syllable_phonemes(word).is_some()
                    && !TABLES.units.contains_key(word);
                if prose {
                    assert!(
                        outputs.any(|w| w == word),
                        "{input:?} lost {word:?}: {out:?}"
                    );
                }
            }
            if text.chars().any(char::is_alphanumeric) {
                assert!(
                    out.chars().any(char::is_alphanumeric),
                    "{input:?} gave {out:?}"
                );
            }
        }
    }

    #[test]
    fn case_inputs_keep_their_text() {
        for (_, input, _, _) in cases() {
            check_keeps_text(&input);
        }
    }

    /// A small xorshift generator: the same cases on every run.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Seeded random text mixing the pieces rewritten forms are made of with
    /// Vietnamese words, control characters, emoji, RTL text, combining marks.
    #[test]
    fn random_pieces_never_panic_and_keep_their_text() {
        const PIECES: &[&str] = &[
            "1",
            "05",
            "15",
            "2024",
            "1.000",
            "6,5",
            "2.5",
            "%",
            "đ",
            "k",
            "tr",
            "km",
            "m2",
            "h",
            "g",
            "/",
            "-",
            "–",
            ":",
            ".",
            ",",
            "?",
            "!",
            "…",
            "@",
            "&",
            "+",
            "=",
            "~",
            "$",
            "€",
            "°C",
            "(",
            ")",
            "\"",
            "“",
            "'",
            "TP.",
            "HCM",
            "UBND",
            "v.v.",
            "Q.",
            "P.",
            "XXI",
            "IV",
            "VTV",
            "ANH",
            "email",
            "Facebook",
            "www.",
            ".com",
            ".vn",
            "http://",
            "ngày",
            "tháng",
            "năm",
            "thế kỷ",
            "thứ",
            "tỷ số",
            "hotline",
            "mục",
            "ha",
            "người",
            "đi",
            "a",
            "x",
            " ",
            " ",
            " ",
            "\n",
            "\t",
            "\u{a0}",
            "\u{200b}",
            "\u{0}",
            "\u{7f}",
            "😀",
            "👍🏽",
            "שלום",
            "مرحبا",
            "\u{301}",
            "\u{323}",
            "e\u{302}",
            "日本",
            "Ⅻ",
            "٣",
            "½",
            "²",
            "\u{202e}",
            "−",
        ];
        let mut random = Random(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let len = random.below(12);
            let text: String = (0..len)
                .map(|_| PIECES[random.below(PIECES.len())])
                .collect();
            check_keeps_text(&text);
        }
    }

    /// Arbitrary Unicode: any scalar value, weighted towards ASCII and
    /// Vietnamese letters so that forms are found and cut in odd places.
    #[test]
    fn arbitrary_unicode_never_panics_and_keeps_its_text() {
        let vietnamese: Vec<char> = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯ"
            .chars()
            .collect();
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = random.below(30);
            let text: String = (0..len)
                .map(|_| match random.below(4) {
                    0 => char::from(random.below(128) as u8),
                    1 => vietnamese[random.below(vietnamese.len())],
                    2 => char::from_u32(random.below(0x3000) as u32).unwrap_or('?'),
                    _ => char::from_u32(random.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
                })
                .collect();
            check_keeps_text(&text);
        }
        check_keeps_text(&"9".repeat(10_000));
        check_keeps_text(&"Ⅻ😀\u{301}".repeat(1_000));
    }
}
