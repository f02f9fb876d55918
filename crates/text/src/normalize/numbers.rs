//! Numbers as Vietnamese words: integers with their spoken rules (mốt, lăm,
//! tư, linh/lẻ, mười/mươi, không trăm, nghìn, triệu, tỷ), decimal fractions,
//! digit strings, dates and clock times.

use super::Dialect;
use crate::data::Words;

/// The digits' own words, as read one by one.
const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// Integers longer than this are read digit by digit: nobody says a number
/// of a million tỷ, while account numbers and codes are that long.
const MAX_INTEGER_DIGITS: usize = 15;

/// `digits` (ASCII digits) read as one integer; leading zeros are ignored.
/// Anything but digits is read digit by digit.
pub(super) fn integer(digits: &str, dialect: Dialect) -> String {
    let mut words = Words::default();
    push_integer(&mut words, digits, dialect);
    words.into_string()
}

pub(super) fn push_integer(words: &mut Words, digits: &str, dialect: Dialect) {
    let significant = digits.trim_start_matches('0');
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        push_digits(words, digits);
    } else if significant.is_empty() {
        words.push(DIGITS[0]);
    } else if significant.len() > MAX_INTEGER_DIGITS {
        push_digits(words, digits);
    } else {
        push_billions(words, significant.as_bytes(), true, dialect);
    }
}

/// `digits` read one by one ("0912" is không chín một hai).
pub(super) fn digits(digits: &str) -> String {
    let mut words = Words::default();
    push_digits(&mut words, digits);
    words.into_string()
}

fn push_digits(words: &mut Words, digits: &str) {
    for b in digits.bytes().filter(u8::is_ascii_digit) {
        words.push(DIGITS[usize::from(b - b'0')]);
    }
}

/// An ordinal after "thứ": 1 is nhất and 4 is tư, the rest are cardinals.
pub(super) fn ordinal(digits: &str, dialect: Dialect) -> String {
    match digits.trim_start_matches('0') {
        "1" => "nhất".to_owned(),
        "4" => "tư".to_owned(),
        _ => integer(digits, dialect),
    }
}

/// A decimal number: the integer part, "phẩy", then the fraction, read as a
/// number when it is short ("3,14" is ba phẩy mười bốn, "0,05" không phẩy
/// không năm) and digit by digit when it is long.
pub(super) fn decimal(whole: &str, fraction: &str, dialect: Dialect) -> String {
    let mut words = Words::default();
    push_integer(&mut words, whole, dialect);
    words.push("phẩy");
    let significant = fraction.trim_start_matches('0');
    if fraction.len() > 2 || significant.is_empty() {
        push_digits(&mut words, fraction);
    } else {
        push_digits(&mut words, &fraction[..fraction.len() - significant.len()]);
        push_integer(&mut words, significant, dialect);
    }
    words.into_string()
}

/// Groups of nine digits separated by "tỷ" (so 10^12 is một nghìn tỷ).
fn push_billions(words: &mut Words, digits: &[u8], leading: bool, dialect: Dialect) {
    if digits.len() > 9 {
        let (high, low) = digits.split_at(digits.len() - 9);
        push_billions(words, high, leading, dialect);
        words.push("tỷ");
        if low.iter().any(|&b| b != b'0') {
            push_thousands(words, low, false, dialect);
        }
    } else {
        push_thousands(words, digits, leading, dialect);
    }
}

/// Up to nine digits in groups of three with triệu and nghìn. Zero groups are
/// skipped; every group but the number's first is read in full ("không trăm").
fn push_thousands(words: &mut Words, digits: &[u8], mut leading: bool, dialect: Dialect) {
    let count = digits.len().div_ceil(3);
    let first_len = digits.len() - (count - 1) * 3;
    let mut start = 0;
    for index in 0..count {
        let end = if index == 0 { first_len } else { start + 3 };
        let group = &digits[start..end];
        start = end;
        let mut value = [0u8; 3];
        for (slot, &b) in value[3 - group.len()..].iter_mut().zip(group) {
            *slot = b - b'0';
        }
        if value == [0, 0, 0] {
            continue;
        }
        push_hundreds(words, value, !leading, dialect);
        leading = false;
        match count - 1 - index {
            2 => words.push("triệu"),
            1 => words.push(dialect.thousand()),
            _ => {}
        }
    }
}

/// One group of three digits. `full` reads a zero hundreds digit
/// ("không trăm") and the "linh" before a lone unit, as inside 1005.
fn push_hundreds(
    words: &mut Words,
    [hundreds, tens, units]: [u8; 3],
    full: bool,
    dialect: Dialect,
) {
    let digit = |d: u8| DIGITS[usize::from(d)];
    let said_hundreds = hundreds > 0 || full;
    if said_hundreds {
        words.push(digit(hundreds));
        words.push("trăm");
    }
    match (tens, units) {
        (0, 0) => {}
        (0, u) => {
            if said_hundreds {
                words.push(dialect.zero_tens());
            }
            words.push(digit(u));
        }
        (1, u) => {
            words.push("mười");
            match u {
                0 => {}
                5 => words.push("lăm"),
                u => words.push(digit(u)),
            }
        }
        (t, u) => {
            words.push(digit(t));
            words.push("mươi");
            match u {
                0 => {}
                1 => words.push("mốt"),
                4 => words.push(dialect.four_after_tens()),
                5 => words.push("lăm"),
                u => words.push(digit(u)),
            }
        }
    }
}

/// Day (1–31), month (1–12) and year as parsed from a written date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Date<'a> {
    pub day: Option<u32>,
    pub month: u32,
    pub year: Option<&'a str>,
}

impl<'a> Date<'a> {
    /// A date from its written day, month and year, if they make one.
    pub(super) fn new(day: Option<&str>, month: &str, year: Option<&'a str>) -> Option<Self> {
        let day = match day {
            Some(day) => Some(small(day).filter(|d| (1..=31).contains(d))?),
            None => None,
        };
        let month = small(month).filter(|m| (1..=12).contains(m))?;
        if let Some(year) = year
            && !(matches!(year.len(), 2 | 4) && year.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Some(Date { day, month, year })
    }

    /// "ngày mùng năm tháng sáu năm hai nghìn...". `after` is the word
    /// before the date (lower case), so that "ngày 5/6" does not say ngày
    /// twice and "tháng 6/2024" not tháng twice.
    pub(super) fn read(self, after: &str, dialect: Dialect) -> String {
        let mut words = Words::default();
        match self.day {
            Some(day) => {
                if !matches!(after, "ngày" | "mùng" | "mồng" | "hôm") {
                    words.push("ngày");
                }
                if day <= 10 && !matches!(after, "mùng" | "mồng") {
                    words.push("mùng");
                }
                push_integer(&mut words, &day.to_string(), dialect);
                words.push("tháng");
            }
            None if after != "tháng" => words.push("tháng"),
            None => {}
        }
        words.push(&month_name(self.month, dialect));
        if let Some(year) = self.year {
            words.push("năm");
            push_integer(&mut words, year, dialect);
        }
        words.into_string()
    }
}

/// A month's number as said after "tháng": April is tháng tư.
pub(super) fn month_name(month: u32, dialect: Dialect) -> String {
    if month == 4 {
        "tư".to_owned()
    } else {
        integer(&month.to_string(), dialect)
    }
}

/// Hours, minutes and seconds of a written clock time, if valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Time {
    hours: u32,
    minutes: u32,
    seconds: Option<u32>,
}

impl Time {
    /// Minutes and seconds must be written with two digits ("7h30", "14:05").
    pub(super) fn new(hours: &str, minutes: Option<&str>, seconds: Option<&str>) -> Option<Time> {
        let two_digits = |s: &str| {
            (s.len() == 2)
                .then(|| small(s))
                .flatten()
                .filter(|v| *v < 60)
        };
        let hours = small(hours).filter(|h| *h <= 24 && hours.len() <= 2)?;
        let minutes = match minutes {
            Some(m) => two_digits(m)?,
            None => 0,
        };
        let seconds = match seconds {
            Some(s) => Some(two_digits(s)?),
            None => None,
        };
        Some(Time {
            hours,
            minutes,
            seconds,
        })
    }

    /// "bảy giờ ba mươi phút"; zero minutes are not said ("22h00" is hai
    /// mươi hai giờ) unless seconds follow.
    pub(super) fn read(self, dialect: Dialect) -> String {
        let mut words = Words::default();
        let unit = |words: &mut Words, value: u32, name: &str| {
            push_integer(words, &value.to_string(), dialect);
            words.push(name);
        };
        unit(&mut words, self.hours, "giờ");
        let seconds = self.seconds.filter(|s| *s > 0);
        if self.minutes > 0 || seconds.is_some() {
            unit(&mut words, self.minutes, "phút");
        }
        if let Some(seconds) = seconds {
            unit(&mut words, seconds, "giây");
        }
        words.into_string()
    }
}

/// The value of a short digit string.
pub(super) fn small(digits: &str) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn north(n: &str) -> String {
        integer(n, Dialect::North)
    }

    fn south(n: &str) -> String {
        integer(n, Dialect::South)
    }

    #[test]
    fn units_and_teens() {
        assert_eq!(north("0"), "không");
        assert_eq!(north("7"), "bảy");
        assert_eq!(north("10"), "mười");
        assert_eq!(north("11"), "mười một");
        assert_eq!(north("14"), "mười bốn");
        assert_eq!(north("15"), "mười lăm");
    }

    #[test]
    fn tens_use_mot_tu_and_lam() {
        assert_eq!(north("20"), "hai mươi");
        assert_eq!(north("21"), "hai mươi mốt");
        assert_eq!(north("24"), "hai mươi tư");
        assert_eq!(south("24"), "hai mươi bốn");
        assert_eq!(north("25"), "hai mươi lăm");
        assert_eq!(north("99"), "chín mươi chín");
    }

    #[test]
    fn hundreds_with_a_zero_ten_say_linh_or_le() {
        assert_eq!(north("105"), "một trăm linh năm");
        assert_eq!(south("105"), "một trăm lẻ năm");
        assert_eq!(north("110"), "một trăm mười");
        assert_eq!(north("100"), "một trăm");
        assert_eq!(north("115"), "một trăm mười lăm");
    }

    #[test]
    fn inner_groups_are_read_in_full() {
        assert_eq!(north("1005"), "một nghìn không trăm linh năm");
        assert_eq!(north("2024"), "hai nghìn không trăm hai mươi tư");
        assert_eq!(south("2000"), "hai ngàn");
        assert_eq!(north("1000000"), "một triệu");
        assert_eq!(north("1000005"), "một triệu không trăm linh năm");
        assert_eq!(north("1001000"), "một triệu không trăm linh một nghìn");
        assert_eq!(north("12500"), "mười hai nghìn năm trăm");
    }

    #[test]
    fn billions_nest() {
        assert_eq!(north("1000000000"), "một tỷ");
        assert_eq!(north("1000000000000"), "một nghìn tỷ");
        assert_eq!(north("2500000000"), "hai tỷ năm trăm triệu");
        assert_eq!(north("1000000021"), "một tỷ không trăm hai mươi mốt");
    }

    #[test]
    fn leading_zeros_and_huge_numbers() {
        assert_eq!(north("007"), "bảy");
        assert_eq!(north("0000"), "không");
        assert_eq!(north(&"1".repeat(16)), vec!["một"; 16].join(" "));
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal("3", "14", Dialect::North), "ba phẩy mười bốn");
        assert_eq!(decimal("0", "05", Dialect::North), "không phẩy không năm");
        assert_eq!(decimal("6", "5", Dialect::North), "sáu phẩy năm");
        assert_eq!(decimal("1", "125", Dialect::North), "một phẩy một hai năm");
        assert_eq!(decimal("2", "00", Dialect::North), "hai phẩy không không");
    }

    #[test]
    fn dates_and_times() {
        let date = Date::new(Some("05"), "4", Some("2024")).unwrap();
        assert_eq!(
            date.read("", Dialect::North),
            "ngày mùng năm tháng tư năm hai nghìn không trăm hai mươi tư"
        );
        assert_eq!(
            date.read("ngày", Dialect::North),
            "mùng năm tháng tư năm hai nghìn không trăm hai mươi tư"
        );
        assert_eq!(Date::new(Some("32"), "1", None), None);
        assert_eq!(Date::new(Some("1"), "13", None), None);
        let time = Time::new("7", Some("05"), None).unwrap();
        assert_eq!(time.read(Dialect::North), "bảy giờ năm phút");
        assert_eq!(Time::new("25", None, None), None);
        assert_eq!(Time::new("7", Some("5"), None), None);
        assert_eq!(
            Time::new("14", Some("00"), Some("30"))
                .unwrap()
                .read(Dialect::North),
            "mười bốn giờ không phút ba mươi giây"
        );
    }
}
