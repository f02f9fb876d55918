//! Tokens made of letters: abbreviations, units, Roman numerals, loanwords
//! and acronyms, and how a name that is none of those is said.

use super::Ctx;
use super::numbers;
use super::tables::{AbbreviationKind, Acronym, Context, TABLES};
use crate::data::{Words, letter_name};
use crate::g2p::syllable_phonemes;

/// Longest run of letters split into syllables ("tuoitre" is tuoi tre);
/// longer ones are spelled, which keeps the search linear.
const MAX_SPLIT_LEN: usize = 40;
/// Longest written syllable ("nghiêng").
const MAX_SYLLABLE_LEN: usize = 7;

pub(super) fn is_syllable(word: &str) -> bool {
    syllable_phonemes(word).is_some()
}

/// A token made only of letters, read in context; `None` keeps it as
/// written (Vietnamese words, names, foreign words without a reading).
pub(super) fn read_word(core: &str, ctx: &Ctx) -> Option<String> {
    // "năm 40 sau CN": Công nguyên, not chủ nhật.
    if core == "CN" && ctx.is(Context::Era) {
        return Some("công nguyên".to_owned());
    }
    if let Some(abbreviation) = TABLES.abbreviations.get(core)
        && abbreviation.kind == AbbreviationKind::Plain
    {
        return Some(abbreviation.reading.to_owned());
    }
    if let Some(reading) = unit(core, ctx.after_number, ctx) {
        return Some(reading);
    }
    // After a foreign name only longer numerals count: "Louis XIV", but
    // "Vitamin C" is a letter.
    let after_name = ctx.after_name && (core.len() >= 2 || core == "I");
    if (ctx.is(Context::Roman) || after_name)
        && let Some(value) = roman(core)
    {
        let digits = value.to_string();
        return Some(if ctx.is(Context::Ordinal) {
            numbers::ordinal(&digits, ctx.dialect)
        } else {
            numbers::integer(&digits, ctx.dialect)
        });
    }
    if let Some(reading) = listed_acronym(core, ctx.among_capitals) {
        return Some(reading);
    }
    if let Some(reading) = TABLES.loanword(core) {
        return Some(reading.to_owned());
    }
    is_acronym(core).then(|| spell(core))
}

/// An acronym of `acronyms.tsv`, said as a word or spelled; one that is
/// also a Vietnamese word is that word among words in capitals.
fn listed_acronym(word: &str, among_capitals: bool) -> Option<String> {
    match TABLES.acronyms.get(word)? {
        Acronym::Word(reading) => Some((*reading).to_owned()),
        Acronym::Spelled => (!among_capitals).then(|| spell(word)),
    }
}

/// The reading of a unit or currency, when one is written here: after a
/// number, or anywhere for the unambiguous ones ("km", "%").
pub(super) fn unit(written: &str, after_number: bool, ctx: &Ctx) -> Option<String> {
    let unit = TABLES.units.get(written)?;
    (unit.free || after_number).then(|| ctx.dialect.adapt(unit.reading))
}

/// A run of letters inside a larger form (an address, "U23", "R&D"): a
/// known abbreviation or loanword, a syllable as it is, else spelled.
pub(super) fn read_part(word: &str) -> String {
    if let Some(abbreviation) = TABLES.abbreviations.get(word)
        && abbreviation.kind == AbbreviationKind::Plain
    {
        return abbreviation.reading.to_owned();
    }
    listed_acronym(word, false).unwrap_or_else(|| read_name(word))
}

/// A name in an address: a loanword, a syllable as it is, a run of
/// syllables typed together ("dantri" is dan tri), else spelled.
pub(super) fn read_name(word: &str) -> String {
    if let Some(reading) = TABLES.loanword(word) {
        return reading.to_owned();
    }
    if is_syllable(word) {
        return word.to_owned();
    }
    split_syllables(word).unwrap_or_else(|| spell(word))
}

/// All-capital letters that are not a Vietnamese word: "VTV", not "ANH".
fn is_acronym(word: &str) -> bool {
    word.chars().count() >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() && letter_name(c).is_some())
        && !is_syllable(word)
}

/// Each letter by its Vietnamese name, each digit as its word ("VTV" is
/// vê tê vê). Characters without a name are kept as they are.
pub(super) fn spell(word: &str) -> String {
    let mut out = Words::default();
    for c in word.chars() {
        match letter_name(c) {
            Some(name) => out.push(name),
            None => out.push(c.encode_utf8(&mut [0; 4])),
        }
    }
    out.into_string()
}

/// The fewest syllables that spell a lower-case ASCII word, if any do.
fn split_syllables(word: &str) -> Option<String> {
    let n = word.len();
    if n > MAX_SPLIT_LEN || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // best[i]: fewest syllables covering word[..i], and where the last starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(MAX_SYLLABLE_LEN)..end {
            let Some((count, _)) = best[start] else {
                continue;
            };
            let piece = &word[start..end];
            // A lone consonant-free vowel inside a word is more often a
            // spelling accident than a syllable ("gi" + "a").
            if piece.len() == 1 && start > 0 || !is_syllable(piece) {
                continue;
            }
            if best[end].is_none_or(|(c, _)| count + 1 < c) {
                best[end] = Some((count + 1, start));
            }
        }
    }
    let mut pieces = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        pieces.push(&word[start..end]);
        end = start;
    }
    pieces.reverse();
    Some(pieces.join(" "))
}

/// Roman numeral letters with their values, subtractive pairs included.
const ROMAN: [(u32, &str); 13] = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
];

/// The value of a Roman numeral written in capitals, in canonical form
/// (so "IIII" and "VV" are not numerals).
pub(super) fn roman(word: &str) -> Option<u32> {
    if word.is_empty() || word.len() > 15 {
        return None;
    }
    let letter = |c: char| ROMAN.iter().find(|(_, l)| l.len() == 1 && l.starts_with(c));
    let values: Vec<u32> = word
        .chars()
        .map(|c| letter(c).map(|(v, _)| *v))
        .collect::<Option<_>>()?;
    let mut value: i64 = 0;
    for (i, &v) in values.iter().enumerate() {
        if values.get(i + 1).is_some_and(|&next| next > v) {
            value -= i64::from(v);
        } else {
            value += i64::from(v);
        }
    }
    let value = u32::try_from(value)
        .ok()
        .filter(|v| (1..4000).contains(v))?;
    (to_roman(value) == word).then_some(value)
}

fn to_roman(mut value: u32) -> String {
    let mut out = String::new();
    for (amount, letters) in ROMAN {
        while value >= amount {
            out.push_str(letters);
            value -= amount;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals_in_canonical_form_only() {
        assert_eq!(roman("XXI"), Some(21));
        assert_eq!(roman("XIII"), Some(13));
        assert_eq!(roman("IV"), Some(4));
        assert_eq!(roman("MCMXCIX"), Some(1999));
        assert_eq!(roman("IIII"), None);
        assert_eq!(roman("VV"), None);
        assert_eq!(roman("IC"), None);
        assert_eq!(roman("xxi"), None);
        assert_eq!(roman(""), None);
    }

    #[test]
    fn names_split_into_syllables_or_are_spelled() {
        assert_eq!(read_name("dantri"), "dan tri");
        assert_eq!(read_name("gmail"), "gờ meo");
        assert_eq!(read_name("vtv"), "vê tê vê");
        assert_eq!(read_name("an"), "an");
    }

    #[test]
    fn acronyms_are_capital_non_syllables() {
        assert!(is_acronym("VTV"));
        assert!(is_acronym("ĐHQG"));
        assert!(!is_acronym("ANH"));
        assert!(!is_acronym("Vtv"));
        assert!(!is_acronym("A"));
    }
}
