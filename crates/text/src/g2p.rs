//! Vietnamese grapheme-to-phoneme conversion, byte-identical to piper-tts 1.8.0
//! (espeak-ng, voice "vi") for every written Vietnamese syllable.
//!
//! espeak-ng reads Vietnamese one syllable at a time and without context, as
//! onset + rhyme: the onset's phonemes, then the rhyme's, with the tone digit
//! in one slot of the rhyme (2 huyền, ɜ sắc, 4 hỏi, 5 ngã, 6 nặng; usually
//! nothing for ngang, but "1" after some rhymes such as âu). The tables under
//! `data/` hold exactly that:
//!
//! - `onsets.tsv`: onset -> phonemes (written by hand);
//! - `rhymes.txt`: which rhymes exist, shared with `tools/syllables/`;
//! - `rhymes.tsv`: each rhyme's reading, learned from the reference;
//! - `function_words.txt`: syllables read with secondary stress ˌ;
//! - `exceptions.tsv`: whole tokens the rule does not explain (mostly
//!   words without diacritics that espeak reads as English, e.g. "but").
//!
//! At first use the spelling rules below enumerate every syllable (each tone,
//! modern and old tone-mark placement, and the same syllable typed without
//! diacritics) into one map, so a token is a syllable exactly when it is in
//! the reference `tests/data/syllables.tsv`, which the tests check in full.
//!
//! One espeak behaviour is deliberately left to the caller because it depends
//! on the clause, not the word: an all-caps word of 2 or 3 letters that is not
//! in espeak's dictionary is spelled letter by letter when its clause holds
//! more than 3 lower-case letters and no more upper-case than lower-case ones
//! ("xin chào ANH" spells A-N-H; "ANH" alone or "ANH EM" reads the syllable).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::data::{self, Words, fixed_rows};

/// Phonemes of one syllable as piper-tts reads it, or None if `word` is not a Vietnamese syllable.
///
/// `word` is NFC and may be lower case, Capitalised or UPPER case (espeak
/// reads those alike except for the few upper-case tokens it takes for
/// English acronyms, "IT" and "MIT"); other mixes of case are not syllables.
pub fn syllable_phonemes(word: &str) -> Option<String> {
    let reader = &*READER;
    if let Some(phonemes) = reader.case_exceptions.get(word) {
        return Some((*phonemes).to_owned());
    }
    let lower = word.to_lowercase();
    let upper = lower.to_uppercase();
    let capital = capitalise(&lower);
    if word != lower && word != upper && word != capital {
        return None;
    }
    reader.syllables.get(&lower).cloned()
}

/// Phonemes of one whitespace-free token: a Vietnamese syllable as piper-tts reads it;
/// anything else spelled so a Vietnamese listener understands it (letters by Vietnamese
/// letter names, digits one by one as Vietnamese number words), symbols without a
/// reading dropped. Appends to `out`, separating spelled parts with spaces. Never panics.
///
/// Letter names follow `data/letters.tsv` ("HTTP" is hát tê tê pê, "w" đúp lê
/// vê, "y" i cờ rét). A lone vowel with a tone mark is read as the syllable
/// it is. Hyphens, apostrophes and every other symbol split the token into
/// parts and are not read; letters with no Vietnamese name (ß, ñ, Greek...)
/// are dropped too. Nothing is appended for a token without any reading, and
/// no space is added before the first part or after the last.
pub fn word_phonemes(word: &str, out: &mut String) {
    if let Some(phonemes) = syllable_phonemes(word).or_else(|| hyphenated_syllables(word)) {
        out.push_str(&phonemes);
        return;
    }
    let mut sink = Words::default();
    for part in word.split(|c: char| !c.is_alphanumeric()) {
        if let Some(phonemes) = syllable_phonemes(part) {
            sink.push(&phonemes);
            continue;
        }
        // Letters and digits alternate in tokens like "MP3" or "4G".
        let mut rest = part;
        while let Some(first) = rest.chars().next() {
            let digits = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digits)
                .unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            rest = tail;
            match syllable_phonemes(run) {
                Some(phonemes) if !digits => sink.push(&phonemes),
                _ => run.chars().for_each(|c| spell(c, &mut sink)),
            }
        }
    }
    out.push_str(&sink.into_string());
}

/// Appends the reading of one letter or digit, if it has one.
/// espeak reads syllables joined by hyphens ("Bà Rịa-Vũng Tàu") as one word,
/// their phonemes run together; piper-tts, and so vtts, keeps that.
fn hyphenated_syllables(word: &str) -> Option<String> {
    if !word.contains('-') {
        return None;
    }
    word.split('-').map(syllable_phonemes).collect()
}

fn spell(c: char, sink: &mut Words) {
    let lower: String = c.to_lowercase().collect();
    if let Some(name) = lower
        .chars()
        .next()
        .and_then(|l| READER.letter_names.get(&l))
    {
        sink.push(name);
    } else if let Some(phonemes) = syllable_phonemes(&lower) {
        sink.push(&phonemes);
    }
}

fn capitalise(lower: &str) -> String {
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

static READER: LazyLock<Reader> = LazyLock::new(Reader::new);

struct Reader {
    /// Every lower-case syllable, with and without diacritics -> phonemes.
    syllables: HashMap<String, String>,
    /// Tokens whose capitalisation changes espeak's reading ("IT").
    case_exceptions: HashMap<&'static str, &'static str>,
    /// Lower-case letter or digit -> phonemes of its spoken name.
    letter_names: HashMap<char, String>,
}

impl Reader {
    fn new() -> Reader {
        let spelling = Spelling::new();
        let readings = Readings::new();
        // About 18,000 syllables: sized once instead of rehashing as it grows.
        let mut syllables = HashMap::with_capacity(18_000);
        for (onset, rhyme) in spelling.onset_rhyme_pairs() {
            let reading = readings.reading(onset, &rhyme);
            let positions = tone_positions(onset, &rhyme);
            for tone in Tone::ALL {
                if is_stop(&rhyme) && !tone.fits_stop_coda() {
                    continue;
                }
                let positions = if tone == Tone::Ngang {
                    &positions[..1]
                } else {
                    &positions[..]
                };
                for &position in positions {
                    let token = with_tone(onset, &rhyme, position, tone);
                    if let Some(phonemes) = readings.read(&token, reading, tone) {
                        syllables.insert(token, phonemes);
                    }
                }
            }
            // Typed without diacritics: espeak reads the stripped letters
            // afresh, so "nguoi" is not "người". A real syllable spelled the
            // same way ("an" from "ăn") keeps its own reading.
            let (onset, rhyme) = (strip_marks(onset), strip_marks(&rhyme));
            if let Entry::Vacant(slot) = syllables.entry(format!("{onset}{rhyme}")) {
                let reading = readings.reading(&onset, &rhyme);
                if let Some(phonemes) = readings.read(slot.key(), reading, Tone::Ngang) {
                    slot.insert(phonemes);
                }
            }
        }
        // The lower-case exceptions were applied by `read`; the rest are the
        // upper-case tokens espeak takes for English acronyms.
        let case_exceptions = readings
            .exceptions
            .iter()
            .filter(|(token, _)| token.to_lowercase() != **token)
            .map(|(token, phonemes)| (*token, *phonemes))
            .collect();
        let letter_names = data::letter_names()
            .map(|(letter, name)| {
                let phonemes: Vec<&str> = name
                    .split(' ')
                    .filter_map(|syllable| syllables.get(syllable).map(String::as_str))
                    .collect();
                (letter, phonemes.join(" "))
            })
            .collect();
        Reader {
            syllables,
            case_exceptions,
            letter_names,
        }
    }
}

/// The tone of a syllable, in the order of [`TONED_VOWELS`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tone {
    Ngang,
    Huyen,
    Sac,
    Hoi,
    Nga,
    Nang,
}

impl Tone {
    const ALL: [Tone; 6] = [
        Tone::Ngang,
        Tone::Huyen,
        Tone::Sac,
        Tone::Hoi,
        Tone::Nga,
        Tone::Nang,
    ];

    /// The digit espeak writes for the tone in the rhyme's tone slot.
    fn digit(self) -> &'static str {
        match self {
            Tone::Ngang => "",
            Tone::Huyen => "2",
            Tone::Sac => "ɜ",
            Tone::Hoi => "4",
            Tone::Nga => "5",
            Tone::Nang => "6",
        }
    }

    /// A syllable closed by p, t, c or ch is short and can only rise or drop.
    fn fits_stop_coda(self) -> bool {
        matches!(self, Tone::Sac | Tone::Nang)
    }
}

/// Each vowel letter followed by its forms with huyền, sắc, hỏi, ngã, nặng (NFC).
const TONED_VOWELS: [&str; 12] = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
];
/// The letter each row of [`TONED_VOWELS`] becomes when typed without diacritics.
const BARE_VOWELS: &str = "aaaeeiooouuy";
/// Vowels whose own mark (breve, circumflex, horn) makes them take the tone mark.
const MARKED_VOWELS: &str = "ăâêôơư";
const FRONT_VOWELS: [char; 4] = ['i', 'y', 'e', 'ê'];

fn is_vowel(c: char) -> bool {
    TONED_VOWELS.iter().any(|row| row.starts_with(c))
}

fn is_stop(rhyme: &str) -> bool {
    ["p", "t", "c", "ch"]
        .iter()
        .any(|coda| rhyme.ends_with(coda))
}

/// The written onsets and rhymes, and how Vietnamese spelling combines them.
struct Spelling {
    onsets: Vec<&'static str>,
    plain: Vec<&'static str>,
    medial: Vec<&'static str>,
    after_qu: Vec<&'static str>,
}

impl Spelling {
    fn new() -> Spelling {
        let onsets = fixed_rows(include_str!("data/onsets.tsv"))
            .map(|[onset, _]| if onset == "-" { "" } else { onset })
            .collect();
        let (mut plain, mut medial, mut after_qu) = (Vec::new(), Vec::new(), Vec::new());
        for line in data::lines(include_str!("data/rhymes.txt")) {
            let (kind, rhymes) = line.split_once(':').unwrap_or((line, ""));
            let list = match kind {
                "plain" => &mut plain,
                "medial" => &mut medial,
                _ => &mut after_qu,
            };
            list.extend(rhymes.split_whitespace());
        }
        Spelling {
            onsets,
            plain,
            medial,
            after_qu,
        }
    }

    /// Every (onset, written rhyme) that spelling allows, as
    /// `tools/syllables/vietnamese.py` enumerates them.
    fn onset_rhyme_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        for &onset in &self.onsets {
            if onset == "qu" {
                pairs.extend(self.after_qu.iter().map(|&rhyme| (onset, rhyme.to_owned())));
                continue;
            }
            let plain = self.plain.iter().map(|&r| (r, false));
            for (rhyme, medial) in plain.chain(self.medial.iter().map(|&r| (r, true))) {
                if let Some(written) = spell_rhyme(onset, rhyme, medial) {
                    pairs.push((onset, written));
                }
            }
        }
        pairs
    }
}

/// How `rhyme` is written after `onset`, or None if spelling forbids the pair.
fn spell_rhyme(onset: &str, rhyme: &'static str, medial: bool) -> Option<String> {
    let front = !medial && rhyme.starts_with(FRONT_VOWELS);
    let allowed = match onset {
        // yê starts a syllable, iê follows a consonant: "yên", "tiên".
        _ if rhyme.starts_with("yê") && !onset.is_empty() => false,
        "" => !rhyme.starts_with("iê"),
        // Before front vowels /k ɣ ŋ/ are written k, gh, ngh; k + medial is qu.
        // k also stands before other vowels in informal writing ("ko").
        "c" | "g" | "ng" => !front && (onset != "c" || !medial),
        "k" => !medial,
        "gh" | "ngh" => front,
        "gi" => !medial && !matches!(rhyme, "y" | "ia" | "iu"),
        _ => true,
    };
    if !allowed {
        return None;
    }
    // The i of "gi" doubles as the rhyme's: gi + in is "gin" (as in "gìn").
    if onset == "gi" && rhyme.starts_with('i') {
        return Some(rhyme['i'.len_utf8()..].to_owned());
    }
    Some(rhyme.to_owned())
}

/// Where the tone mark goes: an index into the rhyme's chars (None: on the
/// i of "gi"), the modern placement first, then the old one when it differs.
fn tone_positions(onset: &str, rhyme: &str) -> Vec<Option<usize>> {
    let chars: Vec<char> = rhyme.chars().collect();
    let vowels: Vec<usize> = (0..chars.len()).filter(|&i| is_vowel(chars[i])).collect();
    let (Some(&first), Some(&last)) = (vowels.first(), vowels.last()) else {
        return vec![None]; // "gì", "gìn"
    };
    // A vowel with its own mark takes the tone: ươ on ơ, uyê on ê, ưa on ư.
    if let Some(&marked) = vowels
        .iter()
        .rev()
        .find(|&&i| MARKED_VOWELS.contains(chars[i]))
    {
        return vec![Some(marked)];
    }
    let has_coda = last + 1 < chars.len();
    match vowels.len() {
        1 => vec![Some(first)],
        3 => vec![Some(vowels[1])],        // oai, oay, uya, uyu, oeo
        _ if has_coda => vec![Some(last)], // oan, uyn, oong
        _ => {
            let glide_first = matches!((chars[first], chars[last]), ('o', 'a' | 'e') | ('u', 'y'));
            if glide_first && onset != "qu" {
                vec![Some(last), Some(first)] // hoà (modern) and hòa (old)
            } else {
                vec![Some(first)] // ai, ao, ia, ua
            }
        }
    }
}

/// The syllable written with `tone`'s mark at `position`.
fn with_tone(onset: &str, rhyme: &str, position: Option<usize>, tone: Tone) -> String {
    let mark = |c: char| toned(c, tone);
    match position {
        None => {
            let stem = onset.strip_suffix('i').unwrap_or(onset);
            format!("{stem}{}{rhyme}", mark('i'))
        }
        Some(at) => {
            let rhyme: String = rhyme
                .chars()
                .enumerate()
                .map(|(i, c)| if i == at { mark(c) } else { c })
                .collect();
            format!("{onset}{rhyme}")
        }
    }
}

fn toned(vowel: char, tone: Tone) -> char {
    TONED_VOWELS
        .iter()
        .find(|row| row.starts_with(vowel))
        .and_then(|row| row.chars().nth(tone as usize))
        .unwrap_or(vowel)
}

/// The token as typed without any diacritics: đ -> d, every mark removed.
fn strip_marks(token: &str) -> String {
    token
        .chars()
        .map(|c| {
            if c == 'đ' {
                return 'd';
            }
            let row = TONED_VOWELS.iter().position(|row| row.contains(c));
            row.and_then(|row| BARE_VOWELS.chars().nth(row))
                .unwrap_or(c)
        })
        .collect()
}

/// Onset and rhyme readings, function words and exceptions from `data/`.
struct Readings {
    onsets: HashMap<&'static str, &'static str>,
    /// (onset context, written rhyme) -> (template with a `|` tone slot, level reading).
    rhymes: HashMap<(&'static str, &'static str), (&'static str, &'static str)>,
    function_words: HashSet<&'static str>,
    exceptions: HashMap<&'static str, &'static str>,
}

impl Readings {
    fn new() -> Readings {
        let onsets = fixed_rows(include_str!("data/onsets.tsv"))
            .map(|[onset, phonemes]| (if onset == "-" { "" } else { onset }, phonemes))
            .collect();
        let rhymes = fixed_rows(include_str!("data/rhymes.tsv"))
            .map(|[context, rhyme, toned, level]| ((context, rhyme), (toned, level)))
            .collect();
        let function_words = data::lines(include_str!("data/function_words.txt")).collect();
        let exceptions = fixed_rows(include_str!("data/exceptions.tsv"))
            .map(|[t, p]| (t, p))
            .collect();
        Readings {
            onsets,
            rhymes,
            function_words,
            exceptions,
        }
    }

    /// How an onset and a written rhyme read, if the data knows both.
    fn reading(&self, onset: &str, rhyme: &str) -> Option<Reading> {
        // gi and qu swallow part of the rhyme, so some rhymes read otherwise after them.
        let context = if matches!(onset, "gi" | "qu") {
            onset
        } else {
            "-"
        };
        let &(toned, level) = self
            .rhymes
            .get(&(context, rhyme))
            .or_else(|| self.rhymes.get(&("-", rhyme)))?;
        Some(Reading {
            onset: self.onsets.get(onset)?,
            toned,
            level,
        })
    }

    /// Phonemes of a lower-case syllable; None when neither the exceptions
    /// nor the rule have a reading for it (the tests would fail on such a gap).
    fn read(&self, token: &str, reading: Option<Reading>, tone: Tone) -> Option<String> {
        if let Some(phonemes) = self.exceptions.get(token) {
            return Some((*phonemes).to_owned());
        }
        let Reading {
            onset,
            toned,
            level,
        } = reading?;
        // "-" marks a reading the reference never showed (a stop coda has no
        // level tone except when typed without diacritics).
        let rhyme = match tone {
            Tone::Ngang if level != "-" => level.to_owned(),
            _ if tone != Tone::Ngang && toned != "-" => toned.replace('|', tone.digit()),
            _ => return None,
        };
        let phonemes = format!("{onset}{rhyme}");
        Some(if self.function_words.contains(token) {
            phonemes.replacen('ˈ', "ˌ", 1)
        } else {
            phonemes
        })
    }
}

/// An onset's phonemes and a rhyme's readings with and without a tone mark.
#[derive(Clone, Copy)]
struct Reading {
    onset: &'static str,
    toned: &'static str,
    level: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFERENCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/syllables.tsv"
    );

    /// The single-codepoint keys of piper's `DEFAULT_PHONEME_ID_MAP`: any
    /// other codepoint would have no id and be dropped by the voice.
    const PHONEME_ID_MAP: &str = concat!(
        " !\"#$'(),-.0123456789:;?X^_abcdefghijklmnopqrstuvwxyz",
        "æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɝɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾ",
        "ʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʦʰʲʷˈˌːˑ˞ˤ",
        "\u{303}\u{30a}\u{31d}\u{327}\u{329}\u{32a}\u{32f}\u{33a}\u{33b}βεθχᵻ↑↓ⱱ",
    );

    fn reference() -> Vec<(String, String)> {
        let text = std::fs::read_to_string(REFERENCE)
            .unwrap_or_else(|e| panic!("reading {REFERENCE}: {e} (see tools/syllables/README.md)"));
        text.lines()
            .map(|line| {
                let (token, phonemes) = line.split_once('\t').expect("token<TAB>phonemes");
                (token.to_owned(), phonemes.to_owned())
            })
            .collect()
    }

    fn phonemes(word: &str) -> String {
        let mut out = String::new();
        word_phonemes(word, &mut out);
        out
    }

    #[test]
    fn every_reference_token_reads_as_piper_reads_it() {
        let reference = reference();
        assert!(reference.len() > 50_000, "reference looks truncated");
        let mismatches: Vec<String> = reference
            .iter()
            .filter_map(|(token, expected)| {
                let got = syllable_phonemes(token);
                (got.as_deref() != Some(expected.as_str()))
                    .then(|| format!("{token}: expected {expected}, got {got:?}"))
            })
            .collect();
        assert!(
            mismatches.is_empty(),
            "{} of {} tokens differ from piper-tts, first ones:\n{}",
            mismatches.len(),
            reference.len(),
            mismatches[..mismatches.len().min(20)].join("\n")
        );
    }

    /// Together with the test above: the tokens read as syllables are exactly
    /// the reference's, no more (so everything else gets spelled).
    #[test]
    fn syllables_are_exactly_the_reference_tokens() {
        let reference: HashSet<String> = reference().into_iter().map(|(token, _)| token).collect();
        let mut accepted: HashSet<String> = READER
            .case_exceptions
            .keys()
            .map(|token| (*token).to_owned())
            .collect();
        for lower in READER.syllables.keys() {
            accepted.extend([lower.clone(), capitalise(lower), lower.to_uppercase()]);
        }
        let extra: Vec<&String> = accepted.difference(&reference).take(20).collect();
        let missing: Vec<&String> = reference.difference(&accepted).take(20).collect();
        assert!(
            extra.is_empty(),
            "accepted but not in the reference: {extra:?}"
        );
        assert!(
            missing.is_empty(),
            "in the reference but not accepted: {missing:?}"
        );
    }

    #[test]
    fn tone_mark_goes_on_the_main_vowel() {
        let place = |onset, rhyme, tone| {
            tone_positions(onset, rhyme)
                .into_iter()
                .map(|position| with_tone(onset, rhyme, position, tone))
                .collect::<Vec<_>>()
        };
        assert_eq!(place("h", "oa", Tone::Huyen), ["hoà", "hòa"]);
        assert_eq!(place("th", "uy", Tone::Hoi), ["thuỷ", "thủy"]);
        assert_eq!(place("h", "oan", Tone::Sac), ["hoán"]);
        assert_eq!(place("qu", "y", Tone::Sac), ["quý"]);
        assert_eq!(place("qu", "a", Tone::Sac), ["quá"]);
        assert_eq!(place("ng", "ươi", Tone::Huyen), ["người"]);
        assert_eq!(place("m", "ưa", Tone::Hoi), ["mửa"]);
        assert_eq!(place("m", "ua", Tone::Sac), ["múa"]);
        assert_eq!(place("kh", "uya", Tone::Nang), ["khuỵa"]);
        assert_eq!(place("gi", "", Tone::Huyen), ["gì"]);
        assert_eq!(place("gi", "n", Tone::Huyen), ["gìn"]);
        assert_eq!(place("gi", "êng", Tone::Sac), ["giếng"]);
    }

    #[test]
    fn spelling_rules_pick_the_onset_letter() {
        assert_eq!(spell_rhyme("c", "a", false).as_deref(), Some("a"));
        assert_eq!(spell_rhyme("c", "e", false), None);
        assert_eq!(spell_rhyme("k", "e", false).as_deref(), Some("e"));
        assert_eq!(spell_rhyme("k", "oa", true), None);
        assert_eq!(spell_rhyme("g", "i", false), None);
        assert_eq!(spell_rhyme("ngh", "a", false), None);
        assert_eq!(spell_rhyme("ng", "oa", true).as_deref(), Some("oa"));
        assert_eq!(spell_rhyme("t", "yên", false), None);
        assert_eq!(spell_rhyme("", "iên", false), None);
        assert_eq!(spell_rhyme("gi", "iêng", false).as_deref(), Some("êng"));
        assert_eq!(spell_rhyme("gi", "ia", false), None);
    }

    #[test]
    fn marks_are_stripped_like_a_keyboard_without_diacritics() {
        assert_eq!(strip_marks("người"), "nguoi");
        assert_eq!(strip_marks("đặng"), "dang");
        assert_eq!(strip_marks("quỳnh"), "quynh");
    }

    #[test]
    fn reads_syllables_in_every_written_form() {
        let read = |word| syllable_phonemes(word).unwrap_or_else(|| panic!("{word} not read"));
        assert_eq!(read("chào"), "tʃˈaː2w");
        assert_eq!(read("hoà"), read("hòa"));
        assert_eq!(read("thuỷ"), read("thủy"));
        assert_eq!(read("NGƯỜI"), read("người"));
        assert_eq!(read("Người"), "ŋˈyə2j");
        assert_eq!(read("nguoi"), "ŋwˈɔj");
        assert_eq!(read("các"), "kˌaːɜc");
        assert_eq!(read("gi"), "z");
        assert_eq!(read("tuyết"), "t̪wˈiɛɜt̪");
        assert_eq!(read("IT"), "ˌaɪtˈiː");
        assert_eq!(read("It"), "ɪt");
    }

    #[test]
    fn non_syllables_are_rejected() {
        for word in [
            "",
            "hello",
            "abc",
            "koa",
            "ge",
            "ghe1",
            "hóan",
            "aNh",
            "x",
            "3",
            "ngườii",
            "Wi-Fi",
        ] {
            assert_eq!(syllable_phonemes(word), None, "{word:?}");
        }
    }

    #[test]
    fn spells_what_is_not_a_syllable() {
        let join = |words: &[&str]| {
            let read: Vec<String> = words
                .iter()
                .map(|w| syllable_phonemes(w).unwrap())
                .collect();
            read.join(" ")
        };
        assert_eq!(phonemes("HTTP"), "hˈaːɜt̪ t̪ˈe t̪ˈe pˈe");
        assert_eq!(phonemes("abc"), join(&["a", "bê", "xê"]));
        assert_eq!(phonemes("x"), join(&["ích", "xì"]));
        assert_eq!(phonemes("2024"), join(&["hai", "không", "hai", "bốn"]));
        assert_eq!(phonemes("MP3"), join(&["em", "mờ", "pê", "ba"]));
        assert_eq!(
            phonemes("Wi-Fi"),
            join(&["đúp", "lê", "vê", "i", "ép", "i"])
        );
        assert_eq!(
            phonemes("Wi-Fi-xin"),
            join(&["đúp", "lê", "vê", "i", "ép", "i", "xin"])
        );
        assert_eq!(phonemes("ế"), join(&["ế"]));
        assert_eq!(phonemes("người"), join(&["người"]));
        assert_eq!(phonemes("...!?"), "");
    }

    #[test]
    fn syllables_joined_by_hyphens_run_together_as_in_piper() {
        let read = |w: &str| syllable_phonemes(w).unwrap();
        assert_eq!(phonemes("Rịa-Vũng"), read("Rịa") + &read("Vũng"));
        assert_eq!(
            phonemes("xin-chào-bạn"),
            read("xin") + &read("chào") + &read("bạn")
        );
    }

    #[test]
    fn appends_after_existing_text() {
        let mut out = String::from("sˈin");
        out.push(' ');
        word_phonemes("ab", &mut out);
        assert_eq!(
            out,
            format!("sˈin ˈaː {}", syllable_phonemes("bê").unwrap())
        );
    }

    #[test]
    fn every_letter_name_is_read() {
        for (letter, name) in data::letter_names() {
            for syllable in name.split(' ') {
                assert!(
                    syllable_phonemes(syllable).is_some(),
                    "{letter}: {syllable} is no syllable"
                );
            }
            let spelled = READER
                .letter_names
                .get(&letter)
                .map(|p| p.split(' ').count());
            assert_eq!(spelled, Some(name.split(' ').count()), "{letter}");
        }
    }

    /// Tokens of all kinds, including junk: every output codepoint must have
    /// an id in piper's map, and nothing may panic.
    #[test]
    fn output_stays_inside_the_phoneme_id_map() {
        let mut inputs: Vec<String> = reference().into_iter().map(|(token, _)| token).collect();
        let pool: Vec<char> = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyzAĐƯZ0189àạếởữỵ-'_.,!?@#%&/\\ßñéü日本🙂\u{301}\u{323}\u{0}\t"
            .chars()
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 9) as usize;
            let word: String = (0..len)
                .map(|i| pool[((seed >> (i * 6)) % pool.len() as u64) as usize])
                .collect();
            inputs.push(word);
        }
        for word in &inputs {
            let out = phonemes(word);
            if let Some(bad) = out.chars().find(|&c| !PHONEME_ID_MAP.contains(c)) {
                panic!("{word:?} gave {out:?} with {bad:?} outside piper's phoneme map");
            }
        }
    }
}
