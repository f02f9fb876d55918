//! Text as it reaches the phonemiser: Unicode NFC, so that text typed with
//! combining marks (NFD, as macOS file names and some keyboards produce) reads
//! exactly like precomposed text.

use unicode_normalization::UnicodeNormalization;

/// Returns `text` in NFC form.
pub fn normalize(text: &str) -> String {
    text.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_vietnamese_becomes_precomposed() {
        let nfd = "Vie\u{302}\u{323}t";
        assert_eq!(normalize(nfd), "Việt");
    }
}
