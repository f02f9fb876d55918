//! The normaliser's data tables (`data/normalize/*.tsv`), parsed once.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::data::rows;

pub(super) static TABLES: LazyLock<Tables> = LazyLock::new(Tables::load);

/// How an abbreviation treats the period written after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AbbreviationKind {
    /// No period of its own ("UBND").
    Plain,
    /// Its period is part of it and what it names may be glued on ("Q.1").
    Prefix,
    /// Its period may also end the sentence ("v.v.").
    End,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Abbreviation {
    pub reading: &'static str,
    pub kind: AbbreviationKind,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    pub reading: &'static str,
    /// Read even without a number before it.
    pub free: bool,
    /// A currency sign that may stand before its number ("$5").
    pub before: bool,
}

/// The kinds of `contexts.tsv`: what the words before a token say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Context {
    Date,
    Roman,
    Ordinal,
    Score,
    Ratio,
    Value,
    Phone,
    Section,
    Tld,
    Period,
    Address,
    Street,
    Per,
    Time,
    Fraction,
    Label,
    Era,
}

/// How an acronym of `acronyms.tsv` is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Acronym {
    /// As a word: "NATO" na tô.
    Word(&'static str),
    /// Letter by letter, though it looks like a Vietnamese word: "AI".
    Spelled,
}

pub(super) struct Tables {
    pub abbreviations: HashMap<&'static str, Abbreviation>,
    pub units: HashMap<&'static str, Unit>,
    /// Lower-case written form -> reading.
    pub loanwords: HashMap<&'static str, &'static str>,
    pub symbols: HashMap<char, &'static str>,
    pub web_symbols: HashMap<char, &'static str>,
    /// Exact written form -> how it is said.
    pub acronyms: HashMap<&'static str, Acronym>,
    contexts: HashSet<(Context, &'static str)>,
}

impl Tables {
    fn load() -> Tables {
        let abbreviations = rows(include_str!("../data/normalize/abbreviations.tsv"))
            .filter_map(|row| {
                let kind = match row.get(2).copied() {
                    Some("prefix") => AbbreviationKind::Prefix,
                    Some("end") => AbbreviationKind::End,
                    _ => AbbreviationKind::Plain,
                };
                Some((
                    *row.first()?,
                    Abbreviation {
                        reading: row.get(1)?,
                        kind,
                    },
                ))
            })
            .collect();
        let units = rows(include_str!("../data/normalize/units.tsv"))
            .filter_map(|row| {
                let flags = row.get(2).copied().unwrap_or("");
                let has = |flag| flags.split(',').any(|f| f == flag);
                Some((
                    *row.first()?,
                    Unit {
                        reading: row.get(1)?,
                        free: has("free"),
                        before: has("before"),
                    },
                ))
            })
            .collect();
        let contexts = rows(include_str!("../data/normalize/contexts.tsv"))
            .filter_map(|row| {
                let kind = match *row.first()? {
                    "date" => Context::Date,
                    "roman" => Context::Roman,
                    "ordinal" => Context::Ordinal,
                    "score" => Context::Score,
                    "ratio" => Context::Ratio,
                    "value" => Context::Value,
                    "phone" => Context::Phone,
                    "section" => Context::Section,
                    "tld" => Context::Tld,
                    "period" => Context::Period,
                    "address" => Context::Address,
                    "street" => Context::Street,
                    "per" => Context::Per,
                    "time" => Context::Time,
                    "fraction" => Context::Fraction,
                    "label" => Context::Label,
                    "era" => Context::Era,
                    _ => return None,
                };
                Some((kind, *row.get(1)?))
            })
            .collect();
        Tables {
            abbreviations,
            units,
            loanwords: pairs(include_str!("../data/normalize/loanwords.tsv")),
            symbols: char_pairs(include_str!("../data/normalize/symbols.tsv")),
            web_symbols: char_pairs(include_str!("../data/normalize/web.tsv")),
            acronyms: pairs(include_str!("../data/normalize/acronyms.tsv"))
                .into_iter()
                .map(|(written, reading)| {
                    let acronym = match reading {
                        "spell" => Acronym::Spelled,
                        _ => Acronym::Word(reading),
                    };
                    (written, acronym)
                })
                .collect(),
            contexts,
        }
    }

    /// Whether `words` (lower case, one or two words) is of `kind`.
    pub(super) fn is(&self, kind: Context, words: &str) -> bool {
        self.contexts.contains(&(kind, words))
    }

    pub(super) fn loanword(&self, word: &str) -> Option<&'static str> {
        self.loanwords.get(word.to_lowercase().as_str()).copied()
    }
}

fn pairs(text: &'static str) -> HashMap<&'static str, &'static str> {
    rows(text)
        .filter_map(|row| Some((*row.first()?, *row.get(1)?)))
        .collect()
}

fn char_pairs(text: &'static str) -> HashMap<char, &'static str> {
    pairs(text)
        .into_iter()
        .filter_map(|(key, value)| {
            let mut chars = key.chars();
            let c = chars.next()?;
            chars.next().is_none().then_some((c, value))
        })
        .collect()
}
