//! Vietnamese text to phonemes: normalise, split into sentences and clauses,
//! read every word, exactly as piper-tts phonemises ordinary Vietnamese text.

pub mod g2p;
pub mod normalize;
pub mod segment;

use unicode_normalization::UnicodeNormalization;

pub use normalize::Dialect;
pub use segment::{Clause, ClauseMark, Sentence};

/// One sentence ready for a voice: its text and its phonemes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemizedSentence {
    /// The sentence as written (after normalisation).
    pub text: String,
    /// The phonemes, one Unicode codepoint each (NFD), as piper-tts splits them.
    pub phonemes: String,
}

/// Splits `text` into sentences, in order, without phonemising them yet:
/// written forms (numbers, dates, abbreviations...) are read out first.
pub fn sentences(text: &str, dialect: Dialect) -> Vec<Sentence> {
    segment::sentences(&normalize::normalize_with(text, dialect))
}

/// The phonemes of one sentence: per clause, its words' phonemes joined by
/// spaces, then the clause mark, then a space after `, : ;` — piper-tts's layout.
/// Returns `None` for a sentence with nothing to say (only symbols, say).
pub fn phonemize_sentence(sentence: &Sentence) -> Option<PhonemizedSentence> {
    let mut phonemes = String::new();
    let mut spoken = false;
    for clause in &sentence.clauses {
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
    }
    spoken.then(|| PhonemizedSentence {
        text: sentence.text.clone(),
        phonemes: phonemes.nfd().collect(),
    })
}

/// Phonemises all of `text`, sentence by sentence.
pub fn phonemize(text: &str, dialect: Dialect) -> impl Iterator<Item = PhonemizedSentence> {
    sentences(text, dialect)
        .into_iter()
        .filter_map(|sentence| phonemize_sentence(&sentence))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_phonemes(text: &str) -> Vec<String> {
        phonemize(text, Dialect::default())
            .map(|s| s.phonemes)
            .collect()
    }

    #[test]
    fn decomposed_input_reads_like_precomposed_input() {
        let corpus = include_str!("../../tests/data/corpus.txt");
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
    fn a_sentence_of_symbols_only_is_skipped() {
        assert_eq!(all_phonemes("Một. ☃ ☃. Hai.").len(), 2);
    }
}
