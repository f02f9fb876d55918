//! E-mail and web addresses, read the way Vietnamese speakers dictate them:
//! "an.nguyen@gmail.com" is an chấm nguyen a còng gờ meo chấm com.

use super::numbers;
use super::tables::{Context, TABLES};
use super::words;
use crate::data::Words;

/// Whether `core` is an e-mail address: one `@` between an ASCII local part
/// and a dotted domain.
pub(super) fn is_email(core: &str) -> bool {
    let Some((local, domain)) = core.split_once('@') else {
        return false;
    };
    core.is_ascii()
        && local.bytes().any(|b| b.is_ascii_alphanumeric())
        && !domain.contains('@')
        && is_domain(domain)
}

/// Whether `core` is a web address: a scheme or "www.", or a dotted host
/// whose last label is a known top-level domain ("vnexpress.net").
pub(super) fn is_url(core: &str) -> bool {
    if !core.is_ascii() {
        return false;
    }
    let lower = core.to_ascii_lowercase();
    if let Some(rest) = ["http://", "https://", "www."]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
    {
        return rest.bytes().any(|b| b.is_ascii_alphanumeric());
    }
    let host = lower.split('/').next().unwrap_or("");
    is_domain(host)
}

fn is_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let valid_label = |label: &&str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    labels.len() >= 2
        && labels.iter().all(valid_label)
        && labels[0].bytes().any(|b| b.is_ascii_alphabetic())
        && labels
            .last()
            .is_some_and(|tld| TABLES.is(Context::Tld, &tld.to_ascii_lowercase()))
}

/// Reads an address: the scheme ("https://") is not said; names are read as
/// loanwords, syllables or spelled; digits one by one; symbols by name.
pub(super) fn read(core: &str) -> String {
    let lower = core.to_ascii_lowercase();
    let mut rest = core;
    for scheme in ["http://", "https://"] {
        if lower.starts_with(scheme) {
            rest = &core[scheme.len()..];
        }
    }
    let rest = rest.trim_end_matches('/');
    let mut out = Words::default();
    let mut chars = rest.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        if c.is_ascii_alphanumeric() {
            let same_kind = |d: char| {
                (c.is_ascii_alphabetic() && d.is_ascii_alphabetic())
                    || (c.is_ascii_digit() && d.is_ascii_digit())
            };
            while let Some(&(i, d)) = chars.peek().filter(|(_, d)| same_kind(*d)) {
                end = i + d.len_utf8();
                chars.next();
            }
        }
        let run = &rest[start..end];
        if c.is_ascii_digit() {
            out.push(&numbers::digits(run));
        } else if c.is_ascii_alphabetic() {
            out.push(&words::read_name(run));
        } else if let Some(name) = TABLES.web_symbols.get(&c) {
            out.push(name);
        }
    }
    out.into_string()
}
