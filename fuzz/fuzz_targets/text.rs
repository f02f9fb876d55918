//! Fuzzes the text front end — lexicon, normalise, split, phonemise, cut,
//! ids — with arbitrary bytes read as text the way a file or stdin would be.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use vtts_text::{Dialect, Lexicon, PhonemeIdMap, Reading, phonemize, pieces};

/// Overlapping forms, punctuation, capitals and raw phonemes.
static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let rows = "vtts\tvê tê tê ét\nHà Nội\tthủ đô\nHà Nội Mới\tbáo\nC++\txi\nTP. HCM\tSài Gòn\n\
                PIN\t[[ pˈin ]]\n1/2\tmột nửa\n";
    Lexicon::parse(rows, "fuzz").expect("a valid lexicon")
});

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 becomes U+FFFD rather than being skipped, so every input
    // reaches the front end.
    let text = String::from_utf8_lossy(data);
    let map = PhonemeIdMap::standard();
    for dialect in [Dialect::North, Dialect::South] {
        for lexicon in [Lexicon::default(), LEXICON.clone()] {
            let reading = Reading { dialect, lexicon };
            for sentence in phonemize(&text, &reading) {
                let ids = map.sentence_ids(sentence.phonemes.chars());
                // Only raw [[ phonemes ]] from the input may lack an id.
                assert!(
                    ids.missing.iter().all(|c| text.contains("[[") && text.contains(*c)),
                    "{dialect:?}: phonemes {:?} of {:?} are not in the standard map",
                    ids.missing,
                    sentence.text,
                );
                assert!(ids.ids.starts_with(&[1, 0]), "{:?}", ids.ids);
                assert!(ids.ids.ends_with(&[0, 2]), "{:?}", ids.ids);
                // A small limit, so that short inputs get cut too.
                let cut = pieces(&sentence.phonemes, 16);
                assert_eq!(cut.concat(), sentence.phonemes);
                assert!(cut.iter().all(|p| !p.is_empty() && p.chars().count() <= 16));
            }
        }
    }
});
