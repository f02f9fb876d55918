//! The data files under `data/`, all read one way: one record per line,
//! fields separated by tabs; empty lines, a lone `#` and lines starting with
//! `# ` are comments (so `#` followed by a tab is the row of the `#` sign).

use std::collections::HashMap;
use std::sync::LazyLock;

/// The records of a data file.
pub(crate) fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .filter(|line| !line.is_empty() && *line != "#" && !line.starts_with("# "))
}

/// The tab-separated fields of each record.
pub(crate) fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    lines(text).map(|line| line.split('\t').collect())
}

/// Records of exactly `N` fields; others are skipped (the tests of the
/// table's reader catch what goes missing).
pub(crate) fn fixed_rows<const N: usize>(
    text: &'static str,
) -> impl Iterator<Item = [&'static str; N]> {
    rows(text).filter_map(|fields| fields.try_into().ok())
}

/// The Vietnamese name of each letter and digit (`letters.tsv`), by its
/// lower-case form: how the normaliser spells an acronym and how the
/// phonemiser reads a letter that is no syllable.
static LETTERS: LazyLock<HashMap<char, &'static str>> = LazyLock::new(|| {
    fixed_rows(include_str!("data/letters.tsv"))
        .filter_map(|[letter, name]| {
            let mut chars = letter.chars();
            let c = chars.next()?;
            chars.next().is_none().then_some((c, name))
        })
        .collect()
});

/// The spoken name of a letter or digit, in any case ("W" is đúp lê vê).
pub(crate) fn letter_name(c: char) -> Option<&'static str> {
    let mut lower = c.to_lowercase();
    let c = match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    };
    LETTERS.get(&c).copied()
}

/// Every letter and digit that has a name, with the name.
pub(crate) fn letter_names() -> impl Iterator<Item = (char, &'static str)> {
    LETTERS.iter().map(|(&c, &name)| (c, name))
}

/// Words joined by single spaces, empty pieces skipped: the shape of every
/// reading the normaliser and the phonemiser build piece by piece.
#[derive(Debug, Default)]
pub(crate) struct Words(String);

impl Words {
    /// Appends `words`, after a space unless nothing is there yet.
    pub(crate) fn push(&mut self, words: &str) {
        if words.is_empty() {
            return;
        }
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        self.0.push_str(words);
    }

    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_a_lone_hash_or_hash_space_and_the_hash_sign_is_data() {
        let text = "# a comment\n#\n\na\tb\n#\tthăng\n";
        let rows: Vec<Vec<&str>> = rows(text).collect();
        assert_eq!(rows, vec![vec!["a", "b"], vec!["#", "thăng"]]);
        let fixed: Vec<[&str; 2]> = fixed_rows("a\tb\nc\n").collect();
        assert_eq!(fixed, vec![["a", "b"]]);
    }

    #[test]
    fn letters_are_named_in_either_case() {
        assert_eq!(letter_name('v'), Some("vê"));
        assert_eq!(letter_name('V'), letter_name('v'));
        assert_eq!(letter_name('1'), Some("một"));
        assert_eq!(letter_name('☃'), None);
    }

    #[test]
    fn words_are_joined_by_single_spaces() {
        let mut words = Words::default();
        for piece in ["", "một", "", "hai"] {
            words.push(piece);
        }
        assert_eq!(words.into_string(), "một hai");
    }
}
