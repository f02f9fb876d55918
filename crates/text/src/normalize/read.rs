//! Reading one token (its core, without the quotes, brackets and marks
//! around it): numbers with what is glued to them, dates, times, money,
//! units, symbols, dotted abbreviations.

use super::numbers::{self, Date, Time};
use super::tables::{AbbreviationKind, Context, TABLES};
use super::{Ctx, Dialect};
use super::{web, words};
use crate::data::Words;

/// The spoken form of `core`, or `None` to keep it as written.
pub(super) fn core(core: &str, ctx: &Ctx) -> Option<String> {
    if core.chars().all(char::is_alphabetic) {
        return words::read_word(core, ctx);
    }
    if web::is_email(core) || web::is_url(core) {
        return Some(web::read(core));
    }
    if let Some(reading) = per_unit(core, ctx).or_else(|| word_slash(core, ctx)) {
        return Some(reading);
    }
    if core.bytes().any(|b| b.is_ascii_digit()) {
        return Some(numeric(core, ctx));
    }
    symbolic(core, ctx)
}

/// An abbreviation written with the period that follows it in the text
/// ("TP." in "TP. Vinh", "PGS.TS." before a name, "v.v."), with its kind.
pub(super) fn with_period(written: &str) -> Option<(String, AbbreviationKind)> {
    if let Some(abbreviation) = TABLES.abbreviations.get(written)
        && abbreviation.kind != AbbreviationKind::Plain
    {
        return Some((abbreviation.reading.to_owned(), abbreviation.kind));
    }
    // "PGS.TS." takes the period when its last part is a title ("TS.").
    let body = written.strip_suffix('.')?;
    let (_, last) = body.rsplit_once('.')?;
    let last = TABLES.abbreviations.get(format!("{last}.").as_str())?;
    (last.kind == AbbreviationKind::Prefix)
        .then(|| dotted_parts(body))
        .flatten()
        .map(|reading| (reading, AbbreviationKind::Prefix))
}

/// Every part between periods is an abbreviation: "PGS.TS", "GS.TSKH".
fn dotted_parts(body: &str) -> Option<String> {
    let mut out = Words::default();
    let mut count = 0;
    for part in body.split('.') {
        let abbreviation = TABLES
            .abbreviations
            .get(part)
            .or_else(|| TABLES.abbreviations.get(format!("{part}.").as_str()))?;
        out.push(abbreviation.reading);
        count += 1;
    }
    (count >= 2).then(|| out.into_string())
}

/// Letters and symbols without digits: "%", "km/h", "GD&ĐT", "R&D",
/// "TP.HCM", "Q.Bình", "Wi-Fi", "đồng/kg", "&".
fn symbolic(core: &str, ctx: &Ctx) -> Option<String> {
    if let Some(abbreviation) = TABLES.abbreviations.get(core)
        && abbreviation.kind == AbbreviationKind::Plain
    {
        return Some(abbreviation.reading.to_owned());
    }
    if let Some(reading) = words::unit(core, ctx.after_number, ctx) {
        return Some(reading);
    }
    if let Some(reading) = TABLES.loanword(core) {
        return Some(reading.to_owned());
    }
    let mut chars = core.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return TABLES.symbols.get(&c).map(|s| (*s).to_owned());
    }
    let is_word = |s: &str| !s.is_empty() && s.chars().all(char::is_alphabetic);
    if core.contains('.') {
        return prefixed(core, ctx).or_else(|| dotted_parts(core));
    }
    if core.contains('/') {
        return None;
    }
    // "C++", "A+": letters with symbols that have a reading.
    if core.chars().any(char::is_alphabetic)
        && core.chars().all(|c| {
            c.is_alphabetic() || (TABLES.symbols.contains_key(&c) && !matches!(c, '#' | '@'))
        })
        && !core.contains(['&'])
    {
        return Some(each(&lex(core), ctx));
    }
    for separator in ['&', '-'] {
        let parts: Vec<&str> = core.split(separator).collect();
        if parts.len() < 2 || !parts.iter().all(|p| is_word(p)) {
            continue;
        }
        // A hyphenated Vietnamese name ("Rịa-Vũng") stays as it is.
        if separator == '-'
            && parts
                .iter()
                .all(|p| words::read_word(p, &ctx.neutral()).is_none())
        {
            return None;
        }
        let read: Vec<String> = parts.iter().map(|p| words::read_part(p)).collect();
        let joiner = if separator == '&' { " và " } else { " " };
        return Some(read.join(joiner));
    }
    None
}

/// "đồng/kg" is đồng một ki lô gam, "người/km2" người một ki lô mét vuông,
/// "USD/thùng" đô la Mỹ một thùng. Other words joined by "/" stay as they
/// are ("hoặc/và"): the segmenter reads the slash as a word break.
fn per_unit(core: &str, ctx: &Ctx) -> Option<String> {
    let (left, right) = core.split_once('/')?;
    if TABLES.units.contains_key(core)
        || left.is_empty()
        || !left.chars().all(char::is_alphabetic)
        || right.contains('/')
    {
        return None;
    }
    if let Some(unit) = TABLES.units.get(right) {
        // Two currencies are an exchange rate: "USD/VND".
        let per = if TABLES.units.get(left).is_some_and(|u| u.free) {
            "trên"
        } else {
            "một"
        };
        let left = words::read_word(left, ctx).unwrap_or_else(|| left.to_owned());
        return Some(format!("{left} {per} {}", ctx.dialect.adapt(unit.reading)));
    }
    let unit = TABLES.units.get(left).filter(|u| u.free)?;
    if right.is_empty() || !right.chars().all(char::is_alphabetic) {
        return None;
    }
    Some(format!("{} một {right}", ctx.dialect.adapt(unit.reading)))
}

/// Two words joined by "/": "per" after something counted ("triệu/tháng",
/// "đồng/lượng" after a number, "người/ngày"; the words after the slash are
/// the `per` kind of `contexts.tsv`), else "or" between two Vietnamese
/// words ("ông/bà" ông hoặc bà); words with readings of their own are read
/// side by side ("HIV/AIDS"). Other words stay as they are.
fn word_slash(core: &str, ctx: &Ctx) -> Option<String> {
    let parts: Vec<&str> = core.split('/').collect();
    let is_word = |s: &str| !s.is_empty() && s.chars().all(char::is_alphabetic);
    let [left, rest @ ..] = &parts[..] else {
        return None;
    };
    let listed = TABLES.units.contains_key(core) || TABLES.abbreviations.contains_key(core);
    if listed || rest.is_empty() || !parts.iter().all(|p| is_word(p)) {
        return None;
    }
    let per = |w: &str| TABLES.is(Context::Per, &w.to_lowercase());
    // A stretch of time is not counted by itself: "ngày/tháng/năm sinh".
    let counted = ctx.after_number
        || TABLES.units.contains_key(left)
        || per(left) && !TABLES.is(Context::Time, &left.to_lowercase());
    // "300 nghìn/người/đêm" ba trăm nghìn một người một đêm.
    if counted && rest.iter().all(|w| per(w)) {
        let left = words::read_word(left, ctx).unwrap_or_else(|| (*left).to_owned());
        return Some(format!("{left} một {}", rest.join(" một ")));
    }
    // "HIV/AIDS": acronyms side by side.
    let read: Vec<Option<String>> = parts
        .iter()
        .map(|p| words::read_word(p, &ctx.neutral()))
        .collect();
    if read.iter().any(Option::is_some) {
        let read: Vec<String> = read
            .into_iter()
            .zip(&parts)
            .map(|(reading, part)| reading.unwrap_or_else(|| (*part).to_owned()))
            .collect();
        return Some(read.join(" "));
    }
    let [left, right] = parts[..] else {
        return None;
    };
    let (lower_left, lower_right) = (left.to_lowercase(), right.to_lowercase());
    // "và/hoặc" stays: the segmenter reads the slash as a word break, so
    // it is said và hoặc, as piper-tts says it.
    let is_conjunction = |w: &str| matches!(w, "và" | "hoặc");
    if !words::is_syllable(left)
        || !words::is_syllable(right)
        || is_conjunction(&lower_left)
        || is_conjunction(&lower_right)
    {
        return None;
    }
    Some(format!("{left} hoặc {right}"))
}

/// "Q.1", "P.Bến Nghé", "TP.Vinh": an abbreviation that takes what it names
/// glued after its period.
fn prefixed(core: &str, ctx: &Ctx) -> Option<String> {
    let dot = core.find('.')?;
    let abbreviation = TABLES.abbreviations.get(&core[..=dot])?;
    let rest = &core[dot + 1..];
    if abbreviation.kind != AbbreviationKind::Prefix || rest.is_empty() {
        return None;
    }
    // Read once, not recursively, so "Q.Q.Q..." stays linear.
    let rest = match rest.contains('.') {
        true => None,
        false => self::core(rest, &ctx.neutral()),
    }
    .unwrap_or_else(|| rest.to_owned());
    Some(format!("{} {rest}", abbreviation.reading))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// ASCII digits, with `.` and `,` between digits.
    Num,
    /// Letters, and the signs that read like unit names (`% ° ² $ €`).
    Word,
    Sym(char),
}

#[derive(Debug, Clone, Copy)]
struct Atom<'a> {
    kind: Kind,
    /// Byte offset in the core.
    start: usize,
    text: &'a str,
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || "²³°₫$€£¥‰%".contains(c)
}

/// Splits a core into numbers, words and single symbols, joining "km/h" and
/// other units written with a slash.
fn lex(core: &str) -> Vec<Atom<'_>> {
    let chars: Vec<(usize, char)> = core.char_indices().collect();
    let offset = |i: usize| chars.get(i).map_or(core.len(), |&(at, _)| at);
    let mut atoms: Vec<Atom> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let (kind, mut j) = if c.is_ascii_digit() {
            (Kind::Num, i + 1)
        } else if is_word_char(c) {
            (Kind::Word, i + 1)
        } else {
            (Kind::Sym(c), i + 1)
        };
        match kind {
            Kind::Num => loop {
                match chars.get(j).map(|&(_, d)| d) {
                    Some(d) if d.is_ascii_digit() => j += 1,
                    Some('.' | ',')
                        if chars.get(j + 1).is_some_and(|&(_, d)| d.is_ascii_digit()) =>
                    {
                        j += 2
                    }
                    _ => break,
                }
            },
            Kind::Word => {
                while chars.get(j).is_some_and(|&(_, d)| is_word_char(d)) {
                    j += 1;
                }
            }
            Kind::Sym(_) => {}
        }
        let (start, end) = (offset(i), offset(j));
        // "km" "/" "h" is the unit "km/h"; "NĐ" "-" "CP" the abbreviation.
        if kind == Kind::Word
            && let [.., first, joiner] = &atoms[..]
            && first.kind == Kind::Word
            && matches!(joiner.kind, Kind::Sym('/' | '-' | '&'))
        {
            let joined = &core[first.start..end];
            if TABLES.units.contains_key(joined) || TABLES.abbreviations.contains_key(joined) {
                let start = first.start;
                atoms.truncate(atoms.len() - 2);
                atoms.push(Atom {
                    kind,
                    start,
                    text: joined,
                });
                i = j;
                continue;
            }
        }
        atoms.push(Atom {
            kind,
            start,
            text: &core[start..end],
        });
        i = j;
    }
    atoms
}

fn is_dash(atom: &Atom) -> bool {
    matches!(atom.kind, Kind::Sym('-' | '–' | '—'))
}

fn starts_with_number(atoms: &[Atom]) -> bool {
    atoms.first().is_some_and(|a| a.kind == Kind::Num)
}

fn plain_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A core with digits: always read, falling back to reading each number,
/// word and symbol in turn.
fn numeric(core: &str, ctx: &Ctx) -> String {
    if let Some(reading) = words::unit(core, ctx.after_number, ctx) {
        return reading; // "m2", "km2" on their own
    }
    read_atoms(&lex(core), ctx)
}

/// Numbers, words and symbols read as the forms they make, falling back to
/// each in turn.
fn read_atoms(atoms: &[Atom], ctx: &Ctx) -> String {
    if atoms.iter().any(|a| a.kind == Kind::Sym('=')) {
        return equation(atoms, ctx);
    }
    signed(atoms, ctx)
        .or_else(|| weekdays(atoms, ctx))
        .or_else(|| currency_first(atoms, ctx))
        .or_else(|| dashed(atoms, ctx))
        .or_else(|| per_unit_measure(atoms, ctx))
        .or_else(|| by_shape(atoms, ctx))
        .unwrap_or_else(|| each(atoms, ctx))
}

/// Signs in front: "-5" âm năm, "~50%" khoảng, "+84..." cộng, "#1" số.
fn signed(atoms: &[Atom], ctx: &Ctx) -> Option<String> {
    let [sign, rest @ ..] = atoms else {
        return None;
    };
    if !starts_with_number(rest) {
        return None;
    }
    let lead = match sign.kind {
        Kind::Sym('-' | '−') => "âm",
        Kind::Sym('#') => "số",
        Kind::Sym(c) => TABLES.symbols.get(&c).copied()?,
        _ => return None,
    };
    let rest = match international_phone(sign, rest) {
        Some(groups) => phone(&groups),
        None => read_atoms(rest, ctx),
    };
    Some(format!("{lead} {rest}"))
}

/// The fewest and the most digits of a phone number with its country code.
pub(super) const MIN_PHONE_DIGITS: usize = 10;
pub(super) const MAX_PHONE_DIGITS: usize = 15;

/// "+84.912.345.678", "+84-912-345-678", "+84912345678": the digit groups
/// of an international number after its "+" ("+10.000.000" is an amount).
fn international_phone<'a>(sign: &Atom, rest: &[Atom<'a>]) -> Option<Vec<&'a str>> {
    if sign.kind != Kind::Sym('+') {
        return None;
    }
    let mut groups = Vec::new();
    for (i, atom) in rest.iter().enumerate() {
        match atom.kind {
            Kind::Num if i % 2 == 0 => groups.extend(atom.text.split(['.', ','])),
            _ if i % 2 == 1 && is_dash(atom) => {}
            _ => return None,
        }
    }
    let total: usize = groups.iter().map(|g| g.len()).sum();
    let valid = groups.iter().all(|g| plain_digits(g))
        && (groups.len() == 1 || groups[0].len() <= 3)
        && (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&total);
    valid.then_some(groups)
}

/// A weekday written short: "T2" to "T7" thứ hai to thứ bảy, "CN" chủ
/// nhật.
fn weekday(atoms: &[Atom]) -> Option<String> {
    match atoms {
        [t, n] if t.text == "T" && n.kind == Kind::Num => match numbers::small(n.text) {
            Some(day @ 2..=7) if !n.text.starts_with('0') => Some(format!(
                "thứ {}",
                numbers::ordinal(&day.to_string(), Default::default())
            )),
            _ => None,
        },
        [cn] if cn.text == "CN" => Some("chủ nhật".to_owned()),
        _ => None,
    }
}

/// "T2", and ranges of weekdays: "T2-T6" thứ hai đến thứ sáu, "T2–CN";
/// not after a word that names things by label ("tòa T2", "khối u T3") or
/// after another T-number that is no weekday ("T1, T2").
fn weekdays(atoms: &[Atom], ctx: &Ctx) -> Option<String> {
    let other_label = ctx
        .prev
        .strip_prefix('t')
        .is_some_and(|n| plain_digits(n) && !matches!(numbers::small(n), Some(2..=7)));
    if ctx.is(Context::Label) || other_label {
        return None;
    }
    let days: Vec<String> = atoms.split(is_dash).map(weekday).collect::<Option<_>>()?;
    (days.len() <= 2).then(|| days.join(" đến "))
}

/// A currency sign before its amount: "$5" năm đô la.
fn currency_first(atoms: &[Atom], ctx: &Ctx) -> Option<String> {
    let [sign, rest @ ..] = atoms else {
        return None;
    };
    if sign.kind != Kind::Word || !starts_with_number(rest) {
        return None;
    }
    let unit = TABLES.units.get(sign.text).filter(|u| u.before)?;
    Some(format!(
        "{} {}",
        read_atoms(rest, ctx),
        ctx.dialect.adapt(unit.reading)
    ))
}

/// A measure per something: "6,5%/năm", "50.000đ/kg".
fn per_unit_measure(atoms: &[Atom], ctx: &Ctx) -> Option<String> {
    let [head @ .., slash, per] = atoms else {
        return None;
    };
    let measured = slash.kind == Kind::Sym('/')
        && per.kind == Kind::Word
        && head.len() >= 2
        && starts_with_number(head)
        && head
            .last()
            .is_some_and(|a| a.kind == Kind::Word && TABLES.units.contains_key(a.text));
    if !measured {
        return None;
    }
    let per = words::unit(per.text, true, ctx).unwrap_or_else(|| words::read_part(per.text));
    Some(format!("{} một {per}", read_atoms(head, ctx)))
}

/// The forms told apart by the kinds of their atoms: a number, a fraction,
/// a date, a time, a number with its unit, an abbreviation with its period.
fn by_shape(atoms: &[Atom], ctx: &Ctx) -> Option<String> {
    use Kind::{Num, Sym, Word};
    let dialect = ctx.dialect;
    let texts: Vec<&str> = atoms.iter().map(|a| a.text).collect();
    let kinds: Vec<Kind> = atoms.iter().map(|a| a.kind).collect();
    match (&kinds[..], &texts[..]) {
        ([Num], [n]) => Some(number(n, ctx)),
        ([Num, Sym('/'), Num], [a, _, b]) if plain_digits(a) && plain_digits(b) => {
            Some(slash(a, b, ctx, false))
        }
        ([Num, Sym('/'), Num, Sym('/'), Num], [a, _, b, _, c]) if ctx.is(Context::Address) => {
            let read: Vec<String> = [a, b, c]
                .iter()
                .map(|n| number(n, &ctx.neutral()))
                .collect();
            Some(read.join(" trên "))
        }
        ([Num, Sym('/'), Num, Sym('/'), Num], [d, _, m, _, y]) => {
            Date::new(Some(d), m, Some(y)).map(|date| date.read(&ctx.prev, dialect))
        }
        // "quý I/2024"
        ([Word, Sym('/'), Num], [r, _, y]) if ctx.is(Context::Period) && y.len() == 4 => {
            let value = words::roman(r)?;
            let (value, y) = (
                numbers::integer(&value.to_string(), dialect),
                numbers::integer(y, dialect),
            );
            Some(format!("{value} năm {y}"))
        }
        // "Q3/2024" quý ba năm..., "T4/2025" tháng tư năm...
        ([Word, Num, Sym('/'), Num], [letter @ ("Q" | "T"), n, _, y]) if y.len() == 4 => {
            let value = numbers::small(n)?;
            let year = numbers::integer(y, dialect);
            match (*letter, value) {
                ("Q", 1..=4) => Some(format!("quý {} năm {year}", numbers::integer(n, dialect))),
                ("T", 1..=12) => Some(format!(
                    "tháng {} năm {year}",
                    numbers::month_name(value, dialect)
                )),
                _ => None,
            }
        }
        ([Num, Sym(':'), Num], [h, _, m]) if plain_digits(h) && plain_digits(m) => {
            Some(colon(h, m, ctx))
        }
        ([Num, Sym(':'), Num, Sym(':'), Num], [h, _, m, _, s]) => {
            Time::new(h, Some(m), Some(s)).map(|time| time.read(dialect))
        }
        ([Num, Word, Num], [h, "h" | "g" | "H" | "G", m])
            if Time::new(h, Some(m), None).is_some() =>
        {
            Time::new(h, Some(m), None).map(|time| time.read(dialect))
        }
        ([Num, Word, Num], [n, unit, d]) => {
            // "100m2": the digit belongs to the unit.
            if let Some(reading) = words::unit(&format!("{unit}{d}"), true, ctx) {
                return Some(format!("{} {reading}", number(n, &ctx.neutral())));
            }
            // "1m70" một mét bảy mươi, "1tr2" một triệu hai.
            (matches!(*unit, "m" | "tr" | "k") && plain_digits(d)).then(|| {
                let unit = words::unit(unit, true, ctx).unwrap_or_default();
                let tail = numbers::integer(d, dialect);
                format!("{} {unit} {tail}", number(n, &ctx.neutral()))
            })
        }
        ([Num, Word], [n, unit]) => words::unit(unit, true, ctx)
            .map(|reading| format!("{} {reading}", number(n, &ctx.neutral()))),
        ([Word, Sym('.'), _, ..], [prefix, ..]) => TABLES
            .abbreviations
            .get(format!("{prefix}.").as_str())
            .filter(|abbreviation| abbreviation.kind == AbbreviationKind::Prefix)
            .map(|abbreviation| {
                format!(
                    "{} {}",
                    abbreviation.reading,
                    each(&atoms[2..], &ctx.neutral())
                )
            }),
        _ => None,
    }
}

/// Reads atoms one by one: the fallback for forms like "U23", "H5N1",
/// "MP3", "COVID-19"; "x" and "*" between numbers are nhân ("3x4").
fn each(atoms: &[Atom], ctx: &Ctx) -> String {
    read_each(atoms, ctx, false)
}

/// A form with "=": "1+1=2", "5-3=2" năm trừ ba bằng hai, "10/2=5" mười
/// chia hai bằng năm, "3x4=12".
fn equation(atoms: &[Atom], ctx: &Ctx) -> String {
    read_each(atoms, ctx, true)
}

/// The sign between two numbers of a sum, if `c` is one: in an equation
/// "-", "/" and ":" too.
pub(super) fn operator(c: &str, in_equation: bool) -> Option<&'static str> {
    match c {
        "x" | "X" | "×" | "*" => Some("nhân"),
        "^" => Some("mũ"),
        "-" | "−" | "–" if in_equation => Some("trừ"),
        "/" | ":" | "÷" if in_equation => Some("chia"),
        _ => None,
    }
}

fn read_each(atoms: &[Atom], ctx: &Ctx, in_equation: bool) -> String {
    let mut out = Words::default();
    let neutral = ctx.neutral();
    let mut after_number = false;
    for (i, atom) in atoms.iter().enumerate() {
        let ctx = if i == 0 { ctx } else { &neutral };
        let between_numbers = after_number && atoms.get(i + 1).is_some_and(|a| a.kind == Kind::Num);
        if between_numbers && let Some(sign) = operator(atom.text, in_equation) {
            out.push(sign);
            after_number = false;
            continue;
        }
        match atom.kind {
            Kind::Num => out.push(&number(atom.text, ctx)),
            Kind::Word => match words::unit(atom.text, after_number, ctx) {
                Some(unit) if after_number || !atom.text.chars().all(char::is_alphabetic) => {
                    out.push(&unit)
                }
                _ => out.push(&words::read_part(atom.text)),
            },
            Kind::Sym(c) => {
                if let Some(reading) = TABLES.symbols.get(&c) {
                    out.push(reading);
                } else if !c.is_ascii() && !is_silent(c) {
                    out.push(atom.text);
                }
            }
        }
        after_number = atom.kind == Kind::Num;
    }
    out.into_string()
}

/// Symbols the segmenter already treats as silent or as punctuation.
fn is_silent(c: char) -> bool {
    matches!(
        c,
        '–' | '—'
            | '‐'
            | '‑'
            | '‒'
            | '―'
            | '…'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '«'
            | '»'
            | '•'
            | '·'
            | '−'
    ) || c.is_whitespace()
}

/// "10-15" (range), "2026-11-25" (ISO date), "25-11-2026", "0912-345-678"
/// (phone), "7h30-9h", "30/4-1/5", and "2-1" after "tỷ số" (a score).
fn dashed(atoms: &[Atom], ctx: &Ctx) -> Option<String> {
    let parts: Vec<&[Atom]> = atoms.split(is_dash).collect();
    if parts.len() < 2 || !parts.iter().all(|p| starts_with_number(p)) {
        return None;
    }
    let single: Option<Vec<&str>> = parts
        .iter()
        .map(|p| match p {
            [a] if plain_digits(a.text) => Some(a.text),
            _ => None,
        })
        .collect();
    if let Some(numbers) = &single {
        if let [a, b, c] = numbers[..] {
            let date = if a.len() == 4 {
                Date::new(Some(c), b, Some(a))
            } else {
                Date::new(Some(a), b, Some(c).filter(|c| c.len() == 4))
            };
            if let Some(date) = date {
                return Some(date.read(&ctx.prev, ctx.dialect));
            }
        }
        let total: usize = numbers.iter().map(|n| n.len()).sum();
        if numbers[0].starts_with('0') && total >= 8 || is_hotline(numbers) {
            return Some(phone(numbers));
        }
    }
    let [left, right] = parts[..] else {
        return None;
    };
    let left_reading = read_atoms(left, ctx);
    // "2-1" with a smaller second number is a score, not a range.
    let descending = match (left, right) {
        ([a], [b]) => numbers::small(a.text) > numbers::small(b.text),
        _ => false,
    };
    if descending || ctx.is(Context::Score) {
        return Some(format!("{left_reading} {}", read_atoms(right, ctx)));
    }
    // A date range keeps reading dates: "30/4-1/5".
    let right_reading = match (left, right) {
        (
            [
                _,
                Atom {
                    kind: Kind::Sym('/'),
                    ..
                },
                _,
            ],
            [
                d,
                Atom {
                    kind: Kind::Sym('/'),
                    ..
                },
                m,
            ],
        ) if plain_digits(d.text) && plain_digits(m.text) => slash(d.text, m.text, ctx, true),
        _ => read_atoms(right, ctx),
    };
    Some(format!("{left_reading} đến {right_reading}"))
}

/// A hotline of 8 or 10 digits starting 1800 or 1900, in its groups.
pub(super) fn is_hotline(groups: &[&str]) -> bool {
    let total: usize = groups.iter().map(|g| g.len()).sum();
    matches!(groups.first(), Some(&"1800" | &"1900")) && matches!(total, 8 | 10)
}

/// Digit groups read one by one, a pause between groups.
pub(super) fn phone(groups: &[&str]) -> String {
    let read: Vec<String> = groups.iter().map(|g| numbers::digits(g)).collect();
    read.join(", ")
}

/// One written number: an integer, a decimal, digits with separators.
fn number(text: &str, ctx: &Ctx) -> String {
    let dialect = ctx.dialect;
    if plain_digits(text) {
        // "tháng 4" is tháng tư, "tháng 04" too; "mỗi tháng 4 triệu" counts.
        if ctx.prev == "tháng"
            && ctx.prev_bare
            && !ctx.next_counts
            && let Some(month) = numbers::small(text).filter(|m| (1..=12).contains(m))
        {
            return numbers::month_name(month, dialect);
        }
        if is_hotline(&[text.get(..4).unwrap_or(""), text.get(4..).unwrap_or("")]) {
            return phone(&[&text[..4], &text[4..]]);
        }
        if text.len() >= 2 && text.starts_with('0') {
            return if ctx.is(Context::Value) && text.len() <= 2 {
                numbers::integer(text, dialect)
            } else {
                numbers::digits(text)
            };
        }
        if ctx.is(Context::Phone) && text.len() >= 3 {
            return numbers::digits(text);
        }
        if ctx.is(Context::Ordinal) {
            return numbers::ordinal(text, dialect);
        }
        return numbers::integer(text, dialect);
    }
    separated(text, ctx)
}

/// Digits with `.` and `,`: thousands separators ("1.000.000"), a decimal
/// comma ("6,5"), both ("1.234,56"), a decimal point ("2.5"), a dotted date
/// ("25.11.2026"), a phone number ("0912.345.678"), a version ("1.5.2").
fn separated(text: &str, ctx: &Ctx) -> String {
    let dialect = ctx.dialect;
    if ctx.is(Context::Phone) {
        let groups: Vec<&str> = text.split(['.', ',']).collect();
        return phone(&groups);
    }
    if ctx.is(Context::Section) {
        return text
            .split(['.', ','])
            .map(|p| number(p, &ctx.neutral()))
            .collect::<Vec<_>>()
            .join(" chấm ");
    }
    let thousands = |whole: &str, separator: char| -> Option<String> {
        let groups: Vec<&str> = whole.split(separator).collect();
        let valid = groups.len() >= 2
            && (1..=3).contains(&groups[0].len())
            && !groups[0].starts_with('0')
            && groups[1..].iter().all(|g| g.len() == 3);
        valid.then(|| groups.concat())
    };
    let has_dot = text.contains('.');
    let has_comma = text.contains(',');
    if has_dot && has_comma {
        // "1.234,56" (Vietnamese) or "1,234.56" (English).
        for (thousand, point) in [('.', ','), (',', '.')] {
            if let Some((whole, fraction)) = text.rsplit_once(point)
                && !fraction.contains(thousand)
                && let Some(whole) = thousands(whole, thousand)
            {
                return numbers::decimal(&whole, fraction, dialect);
            }
        }
    } else if has_comma {
        let parts: Vec<&str> = text.split(',').collect();
        if let [whole, fraction] = parts[..] {
            return numbers::decimal(whole, fraction, dialect);
        }
        let read: Vec<String> = parts.iter().map(|p| number(p, &ctx.neutral())).collect();
        return read.join(", ");
    } else {
        if let Some(whole) = thousands(text, '.') {
            return numbers::integer(&whole, dialect);
        }
        let parts: Vec<&str> = text.split('.').collect();
        if let [d, m, y] = parts[..]
            && y.len() == 4
            && let Some(date) = Date::new(Some(d), m, Some(y))
        {
            return date.read(&ctx.prev, dialect);
        }
        let total: usize = parts.iter().map(|p| p.len()).sum();
        if parts[0].starts_with('0') && parts[0].len() > 1 && total >= 8 || is_hotline(&parts) {
            return phone(&parts);
        }
        // "4.0" is a version (công nghiệp 4.0, Web 3.0): a decimal is
        // written with a comma, and "4,0" would not be written at all.
        if let [whole, fraction] = parts[..]
            && fraction != "0"
        {
            return numbers::decimal(whole, fraction, dialect);
        }
    }
    // Versions, addresses: each part, "chấm" between.
    let read: Vec<String> = text
        .split(['.', ','])
        .map(|p| number(p, &ctx.neutral()))
        .collect();
    read.join(" chấm ")
}

/// "a/b": a date ("ngày 2/9", "30/4", "05/06"), a month and year
/// ("11/2026"), or a fraction ("3/4" ba phần tư).
fn slash(a: &str, b: &str, ctx: &Ctx, force_date: bool) -> String {
    let dialect = ctx.dialect;
    let over = || {
        format!(
            "{} trên {}",
            numbers::integer(a, dialect),
            numbers::integer(b, dialect)
        )
    };
    if ctx.is(Context::Fraction) {
        return fraction(a, b, dialect);
    }
    if ctx.is(Context::Address) {
        return over();
    }
    if ctx.is(Context::Period) && b.len() == 4 {
        let (a, b) = (numbers::integer(a, dialect), numbers::integer(b, dialect));
        return format!("{a} năm {b}");
    }
    let date = Date::new(Some(a), b, None);
    // "đường 3/2" names a street; "đường 1/2 chén" is sugar.
    if ctx.is(Context::Street)
        && !ctx.next_counts
        && let Some(Date {
            day: Some(day),
            month,
            ..
        }) = date
    {
        let day = numbers::integer(&day.to_string(), dialect);
        return format!("{day} tháng {}", numbers::month_name(month, dialect));
    }
    // Open every day, round the clock: "24/7", "24/24".
    if !force_date && !ctx.is_date() && a == "24" && matches!(b, "7" | "24") {
        return over();
    }
    let zero_led = |s: &str| s.len() == 2 && s.starts_with('0');
    if let Some(date) = date {
        let (day, month) = (numbers::small(a), numbers::small(b));
        if force_date || ctx.is_date() || zero_led(a) || zero_led(b) || day >= month {
            return date.read(&ctx.prev, dialect);
        }
    }
    if b.len() == 4
        && let Some(date) = Date::new(None, a, Some(b))
    {
        return date.read(&ctx.prev, dialect);
    }
    fraction(a, b, dialect)
}

/// "a/b" as a fraction: "3/4" ba phần tư, a number over a year "15/2020"
/// mười lăm trên hai nghìn không trăm hai mươi.
fn fraction(a: &str, b: &str, dialect: Dialect) -> String {
    let numerator = numbers::integer(a, dialect);
    match numbers::small(b) {
        Some(4) => format!("{numerator} phần tư"),
        Some(0) | None => format!("{numerator} trên {}", numbers::integer(b, dialect)),
        // A number over a year is a document number ("15/2020").
        Some(1900..=2100) if b.len() == 4 => {
            format!("{numerator} trên {}", numbers::integer(b, dialect))
        }
        Some(_) => format!("{numerator} phần {}", numbers::integer(b, dialect)),
    }
}

/// "14:45" a time, "2:1" after "tỷ số" a score, "1:2" after "tỷ lệ" a ratio.
fn colon(h: &str, m: &str, ctx: &Ctx) -> String {
    let neutral = ctx.neutral();
    let (first, second) = (number(h, &neutral), number(m, &neutral));
    if ctx.is(Context::Score) {
        return format!("{first} {second}");
    }
    if ctx.is(Context::Ratio) {
        return format!("{first} trên {second}");
    }
    match Time::new(h, Some(m), None) {
        Some(time) => time.read(ctx.dialect),
        None => format!("{first} {second}"),
    }
}
