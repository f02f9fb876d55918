//! Fuzzes the text front end — normalise, split, phonemise, cut, ids — with
//! arbitrary bytes read as text the way a file or stdin would be.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vtts_text::{Dialect, PhonemeIdMap, phonemize, pieces};

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 becomes U+FFFD rather than being skipped, so every input
    // reaches the front end.
    let text = String::from_utf8_lossy(data);
    let map = PhonemeIdMap::standard();
    for dialect in [Dialect::North, Dialect::South] {
        for sentence in phonemize(&text, dialect) {
            let ids = map.sentence_ids(sentence.phonemes.chars());
            assert!(
                ids.missing.is_empty(),
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
});
