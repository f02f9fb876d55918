//! A voice's phoneme id map, and phonemes turned into the ids the model reads.

use std::collections::{BTreeMap, HashMap};

/// Marks the start of a sentence.
pub const BOS: char = '^';
/// Marks the end of a sentence.
pub const EOS: char = '$';
/// Follows every phoneme (and the start mark).
pub const PAD: char = '_';

/// Maps each phoneme (one Unicode codepoint, as piper-tts splits them) to its ids.
#[derive(Debug, Clone)]
pub struct PhonemeIdMap {
    ids: HashMap<char, Vec<i64>>,
}

/// The ids of one sentence, and any phonemes the voice did not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceIds {
    /// The ids, as the model reads them.
    pub ids: Vec<i64>,
    /// Phonemes left out because the map has no id for them.
    pub missing: Vec<char>,
}

/// A map that cannot mark where a sentence starts and ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingMark(pub char);

impl std::fmt::Display for MissingMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "phoneme_id_map has no id for {:?}", self.0)
    }
}

impl std::error::Error for MissingMark {}

impl PhonemeIdMap {
    /// Builds a map from a config's `phoneme_id_map`. Keys of more than one
    /// codepoint (vowel clusters of other languages) are kept out: Vietnamese
    /// phonemes are always single codepoints.
    pub fn new(map: BTreeMap<String, Vec<i64>>) -> Result<Self, MissingMark> {
        let ids: HashMap<char, Vec<i64>> = map
            .into_iter()
            .filter_map(|(key, ids)| {
                let mut chars = key.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some((c, ids)),
                    _ => None,
                }
            })
            .collect();
        for mark in [BOS, EOS, PAD] {
            if ids.get(&mark).is_none_or(|v| v.is_empty()) {
                return Err(MissingMark(mark));
            }
        }
        Ok(Self { ids })
    }

    /// Piper's standard espeak map, used by `vtts phonemize` without a voice.
    pub fn standard() -> &'static Self {
        static STANDARD: std::sync::LazyLock<PhonemeIdMap> = std::sync::LazyLock::new(|| {
            let map: BTreeMap<String, Vec<i64>> =
                serde_json::from_str(include_str!("data/espeak_phoneme_id_map.json"))
                    .expect("the bundled phoneme map is valid JSON");
            PhonemeIdMap::new(map).expect("the bundled phoneme map has the marks")
        });
        &STANDARD
    }

    /// The ids of a sentence as piper-tts makes them: `^ _`, then each phoneme
    /// followed by `_`, then `$`. Phonemes the map lacks are left out and reported.
    pub fn sentence_ids(&self, phonemes: impl IntoIterator<Item = char>) -> SentenceIds {
        let mut ids = Vec::new();
        let mut missing = Vec::new();
        ids.extend_from_slice(&self.ids[&BOS]);
        ids.extend_from_slice(&self.ids[&PAD]);
        for phoneme in phonemes {
            match self.ids.get(&phoneme) {
                Some(phoneme_ids) => {
                    ids.extend_from_slice(phoneme_ids);
                    ids.extend_from_slice(&self.ids[&PAD]);
                }
                None => missing.push(phoneme),
            }
        }
        ids.extend_from_slice(&self.ids[&EOS]);
        SentenceIds { ids, missing }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_with_bos_pad_and_end_with_pad_eos() {
        let ids = PhonemeIdMap::standard().sentence_ids("sˈin".chars());
        assert_eq!(ids.ids, vec![1, 0, 31, 0, 120, 0, 21, 0, 26, 0, 2]);
        assert!(ids.missing.is_empty());
    }

    #[test]
    fn combining_marks_are_phonemes_of_their_own() {
        // t̪ is t followed by U+032A, as piper-tts splits NFD codepoints.
        let ids = PhonemeIdMap::standard().sentence_ids("t\u{32a}".chars());
        assert_eq!(ids.ids, vec![1, 0, 32, 0, 142, 0, 2]);
    }

    #[test]
    fn unknown_phonemes_are_left_out_and_reported() {
        let ids = PhonemeIdMap::standard().sentence_ids("a☃".chars());
        assert_eq!(ids.ids, vec![1, 0, 14, 0, 2]);
        assert_eq!(ids.missing, vec!['☃']);
    }

    #[test]
    fn a_map_without_the_sentence_marks_is_refused() {
        let map = BTreeMap::from([("a".to_string(), vec![14])]);
        assert!(PhonemeIdMap::new(map).is_err());
    }
}
