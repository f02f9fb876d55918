//! Text that arrives in pieces (Home Assistant's `synthesize-chunk`s, an
//! LLM's answer as it is written): how much of it is whole sentences that no
//! later piece can change, so that it can be spoken at once.

use crate::{Reading, is_quote_or_bracket, sentences, spans};

/// Sentence ends tried, from the last one back, before waiting for more text.
const CUTS_TRIED: usize = 16;

/// The length in bytes of the longest prefix of `text` that is whole
/// sentences, cut where [`sentences`] cuts all of `text`, and that text
/// appended later will not change. 0 when no such prefix is known yet.
///
/// A piece may end inside a word, so only the words followed by whitespace
/// are looked at. A cut is taken only after a sentence end that at least one
/// whole word follows, and only if the text before it and the text after it,
/// read apart, give the same sentences as read together: "TP. HCM" and
/// "1.000" stay whole, whatever the pieces.
pub fn settled(text: &str, reading: &Reading) -> usize {
    let whole = match text.char_indices().rev().find(|&(_, c)| crate::is_space(c)) {
        Some((i, c)) => i + c.len_utf8(),
        None => return 0,
    };
    let words = &text[..whole];
    let mut cuts = Vec::new();
    let mut previous: Option<&str> = None;
    for (gap, token) in spans(words) {
        let new_line = words[gap].contains('\n');
        if previous.is_some_and(|word| new_line || ends_sentence(word)) {
            cuts.push(token.start);
        }
        previous = Some(&words[token]);
    }
    if cuts.is_empty() {
        return 0;
    }
    let together = sentences(words, reading);
    for &cut in cuts.iter().rev().take(CUTS_TRIED) {
        let mut apart = sentences(&words[..cut], reading);
        if apart.is_empty() {
            continue;
        }
        apart.extend(sentences(&words[cut..], reading));
        if apart == together {
            return cut;
        }
    }
    0
}

/// Whether a word ends with a sentence mark, perhaps inside quotes or brackets.
fn ends_sentence(word: &str) -> bool {
    word.trim_end_matches(is_quote_or_bracket)
        .ends_with(['.', '!', '?', '…'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `pieces` one by one, as a stream would, and returns what is
    /// spoken at each settled cut, then the rest at the end.
    fn spoken(pieces: &[&str]) -> Vec<String> {
        let mut buffer = String::new();
        let mut out = Vec::new();
        for piece in pieces {
            buffer.push_str(piece);
            let cut = settled(&buffer, &Reading::default());
            if cut > 0 {
                out.push(buffer[..cut].trim().to_string());
                buffer.drain(..cut);
            }
        }
        if !buffer.trim().is_empty() {
            out.push(buffer.trim().to_string());
        }
        out
    }

    #[test]
    fn whole_sentences_go_as_soon_as_a_word_of_the_next_is_there() {
        assert_eq!(settled("Xin chào. Hôm", &Reading::default()), 0);
        let text = "Xin chào. Hôm nay ";
        assert_eq!(&text[..settled(text, &Reading::default())], "Xin chào. ");
        assert_eq!(
            spoken(&["Xin chào. Hôm nay trời ", "đẹp! Bạn khỏe ", "không?"]),
            ["Xin chào.", "Hôm nay trời đẹp!", "Bạn khỏe không?"]
        );
    }

    #[test]
    fn a_piece_may_end_inside_a_word() {
        assert_eq!(
            spoken(&["Xin ch", "ào. Hôm n", "ay trời đ", "ẹp."]),
            ["Xin chào.", "Hôm nay trời đẹp."]
        );
    }

    #[test]
    fn abbreviations_and_numbers_with_dots_do_not_split() {
        for pieces in [
            &["Tôi ở TP. ", "HCM từ năm ngoái. ", "Rồi "][..],
            &["Tôi ở TP", ". HCM từ năm ngoái. Rồi "],
            &["Giá là 1.", "000 đồng. Rồi "],
            &["Giá là 1", ".000 đồng. Rồi "],
        ] {
            let out = spoken(pieces);
            assert_eq!(out.len(), 2, "{pieces:?} → {out:?}");
            assert!(out[1] == "Rồi", "{pieces:?} → {out:?}");
        }
    }

    #[test]
    fn what_is_spoken_apart_reads_as_the_whole_text_would() {
        let corpus = include_str!("../../../tests/data/corpus.txt");
        let text: String = corpus.lines().take(40).collect::<Vec<_>>().join(" ");
        // Pieces of 7 bytes, cut wherever a char boundary allows.
        let mut pieces = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + 7).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            pieces.push(&text[start..end]);
            start = end;
        }
        let apart: Vec<_> = spoken(&pieces)
            .iter()
            .flat_map(|part| sentences(part, &Reading::default()))
            .collect();
        let together = sentences(&text, &Reading::default());
        assert!(
            apart == together,
            "{} sentences apart, {} together",
            apart.len(),
            together.len()
        );
    }

    #[test]
    fn a_line_break_is_a_cut() {
        let text = "Tiêu đề\n\nNội dung ";
        assert_eq!(&text[..settled(text, &Reading::default())], "Tiêu đề\n\n");
        let text = "Dòng một\nDòng hai ";
        assert_eq!(&text[..settled(text, &Reading::default())], "Dòng một\n");
    }
}
