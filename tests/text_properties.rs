//! The whole text front end (normalise → sentences → phonemes → ids) over
//! arbitrary Unicode: it never panics, never produces a phoneme the voice's
//! map lacks, and its work grows linearly with the input.

use std::time::Instant;

use vtts_text::{self as text, Dialect, PhonemeIdMap};

/// A small deterministic generator (xorshift), so failures are repeatable.
struct Rng(u64);

impl Rng {
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

/// Pieces text is made of: Vietnamese, written forms the normaliser rewrites,
/// punctuation, and the hostile kinds: controls, emoji, RTL, stray combining
/// marks, unassigned and private-use codepoints.
const PIECES: &[&str] = &[
    "Xin chào",
    "các bạn",
    "Hà Nội",
    "ngày 2/9/1945",
    "7h30",
    "50.000đ",
    "15%",
    "TP.HCM",
    "UBND",
    "thế kỷ XXI",
    "km/h",
    "1m70",
    "0912 345 678",
    "a@b.vn",
    "https://x.vn/a?b=1",
    "v.v.",
    "-5°C",
    ".",
    ",",
    "!",
    "?",
    ";",
    ":",
    "…",
    "...",
    " – ",
    "—",
    "\"",
    "(",
    ")",
    "[",
    "]",
    "/",
    "&",
    "+",
    "=",
    "~",
    "\n",
    "\n\n",
    "\t",
    "\r\n",
    " ",
    "  ",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\u{200b}",
    "\u{feff}",
    "\u{202e}",
    "مرحبا",
    "שלום",
    "日本語",
    "🙂",
    "👨‍👩‍👧",
    "🇻🇳",
    "\u{301}",
    "\u{323}\u{302}",
    "e\u{301}",
    "\u{e000}",
    "\u{10ffff}",
    "ǅ",
    "ß",
    "İ",
    "Ω",
    "𝔸",
    "١٢٣",
    "½",
    "²",
    "Ⅻ",
    "ﬁ",
    "IT",
    "ANH YÊU EM",
    "hello",
    "WiFi",
    "COVID-19",
    "A4",
    "3.14.15",
    "1.000.000.000.000.000",
    "99999999999999999999",
];

fn random_text(rng: &mut Rng, pieces: usize) -> String {
    let mut text = String::new();
    for _ in 0..pieces {
        match rng.below(10) {
            0 => text.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}')),
            1 => text.push_str(&"a".repeat(rng.below(300))),
            _ => text.push_str(PIECES[rng.below(PIECES.len())]),
        }
        if rng.below(3) == 0 {
            text.push(' ');
        }
    }
    text
}

fn check(text: &str, dialect: Dialect, map: &PhonemeIdMap) -> usize {
    let mut sentences = 0;
    for sentence in text::phonemize(text, &dialect.into()) {
        let ids = map.sentence_ids(sentence.phonemes.chars());
        assert!(
            ids.missing.is_empty(),
            "{:?} not in the map, from {text:?}",
            ids.missing
        );
        assert_eq!(&ids.ids[..2], &[1, 0]);
        assert_eq!(&ids.ids[ids.ids.len() - 2..], &[0, 2]);
        sentences += 1;
    }
    sentences
}

#[test]
fn arbitrary_unicode_never_panics_and_stays_inside_the_phoneme_map() {
    let map = PhonemeIdMap::standard();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut sentences = 0;
    for round in 0..3000 {
        let text = random_text(&mut rng, 1 + round % 40);
        let dialect = if round % 2 == 0 {
            Dialect::North
        } else {
            Dialect::South
        };
        sentences += check(&text, dialect, map);
    }
    assert!(
        sentences > 3000,
        "the inputs were mostly speakable: {sentences}"
    );
}

#[test]
fn a_one_megabyte_line_is_read_without_trouble() {
    let map = PhonemeIdMap::standard();
    let mut rng = Rng(42);
    let mut line = String::new();
    while line.len() < 1 << 20 {
        line.push_str(&random_text(&mut rng, 50).replace(['\n', '\r'], " "));
    }
    assert!(check(&line, Dialect::North, map) > 100);
    // One unbroken word of a megabyte, too.
    assert!(check(&"ả".repeat(1 << 19), Dialect::North, map) > 0);
}

/// Time per character at 4 KB and at 512 KB of the same kind of text: a
/// quadratic step anywhere would make the larger 128 times slower per
/// character; the bound allows for a noisy machine.
#[test]
fn work_per_character_stays_flat_from_kilobytes_to_a_megabyte() {
    let map = PhonemeIdMap::standard();
    let mut rng = Rng(7);
    let sample = random_text(&mut rng, 400);
    let per_char = |size: usize| {
        let text = sample.repeat(size / sample.len() + 1);
        let started = Instant::now();
        check(&text, Dialect::North, map);
        started.elapsed().as_secs_f64() / text.chars().count() as f64
    };
    per_char(4 << 10); // warm up the tables
    let small = (0..5).map(|_| per_char(4 << 10)).fold(f64::MAX, f64::min);
    let large = per_char(512 << 10);
    eprintln!(
        "text front end: {:.2} µs/char at 4 KB, {:.2} µs/char at 512 KB",
        small * 1e6,
        large * 1e6
    );
    assert!(
        large < small * 10.0,
        "work per character grew {:.1}×",
        large / small
    );
}
