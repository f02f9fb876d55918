//! Vietnamese text to phonemes: normalise, split into sentences and clauses,
//! read every word, exactly as piper-tts phonemises ordinary Vietnamese text.

pub mod g2p;
pub mod normalize;
pub mod segment;

use unicode_normalization::UnicodeNormalization;

pub use segment::{Clause, ClauseMark, Sentence};

/// One sentence ready for a voice: its text and its phonemes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemizedSentence {
    /// The sentence as written (after normalisation).
    pub text: String,
    /// The phonemes, one Unicode codepoint each (NFD), as piper-tts splits them.
    pub phonemes: String,
}

/// Splits `text` into sentences, in order, without phonemising them yet.
pub fn sentences(text: &str) -> Vec<Sentence> {
    segment::sentences(&normalize::normalize(text))
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
pub fn phonemize(text: &str) -> impl Iterator<Item = PhonemizedSentence> {
    sentences(text)
        .into_iter()
        .filter_map(|sentence| phonemize_sentence(&sentence))
}
