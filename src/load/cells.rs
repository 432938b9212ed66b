//! Parsing single cells the way Airtable exports them: dates in the four field formats,
//! numbers with thousands separators, and linked-record lists.

use chrono::NaiveDate;

use crate::settings::SlashDates;

/// `text.trim()`: without spaces, tabs or line breaks around it (any Unicode white space).
/// Cells are trimmed several times a row, millions of times, and nearly all start and end
/// with a visible ASCII character: those are returned as they are at once.
pub fn trim(text: &str) -> &str {
    let visible = |byte: Option<&u8>| byte.is_some_and(|byte| (0x21..0x7f).contains(byte));
    if visible(text.as_bytes().first()) && visible(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

pub const DATE_EXPECTED: &str = "expected a date such as 2025-01-31, 1/31/2025 or January 31, 2025";

pub use crate::calendar::{within_horizon, HORIZON};

/// A date in ISO, slash (US or European, per `order`) or Friendly form. A time after the date
/// (Airtable's "Created" is a date-time) is ignored. `None` for anything else, including
/// impossible dates such as 2/30/2025: those are errors, never guesses.
pub fn parse_date(text: &str, order: SlashDates) -> Option<NaiveDate> {
    let text = trim(text);
    parse_common_date(text.as_bytes(), order)
        .or_else(|| parse_date_only(text, order))
        .or_else(|| parse_date_only(strip_time(text)?, order))
}

/// [`parse_date`] for a table's date cells, remembering the dates it has read: an export with
/// a million rows holds a few hundred dates (often with a time after them), so a cell's date
/// is looked up by its text, up to the time, before it is read.
pub(super) struct Dates {
    order: SlashDates,
    /// Direct-mapped by a hash of the text: (text zero-padded, its length, what
    /// [`parse_common_date`] read from it); length 0 for a free slot.
    slots: Box<[(u128, u8, Option<NaiveDate>)]>,
}

impl Dates {
    const SLOTS: usize = 1 << 12;

    pub(super) fn new(order: SlashDates) -> Dates {
        Dates { order, slots: vec![(0, 0, None); Self::SLOTS].into_boxed_slice() }
    }

    /// Exactly `parse_date(text, order)`.
    pub(super) fn parse(&mut self, text: &str) -> Option<NaiveDate> {
        let text = trim(text);
        let bytes = text.as_bytes();
        let date_len = bytes.iter().position(|byte| *byte == b' ').unwrap_or(bytes.len());
        let (date, time) = bytes.split_at(date_len);
        // `2025-01-31T…` and a date followed by anything but a time are the general rules'.
        let iso_time = bytes.len() > 10 && bytes[4] == b'-' && bytes[10] == b'T';
        if date.is_empty() || date.len() > 16 || iso_time || !(time.is_empty() || is_time_after_a_space(time))
        {
            return parse_date(text, self.order);
        }
        let (low, high) = super::head_words(date);
        let key = u128::from(low) | u128::from(high) << 64;
        let mixed =
            (key as u64 ^ ((key >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ date.len() as u64)
                .wrapping_mul(0xff51_afd7_ed55_8ccd);
        let hash = (mixed ^ (mixed >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = &mut self.slots[(hash >> 52) as usize];
        if slot.0 != key || usize::from(slot.1) != date.len() {
            *slot = (key, date.len() as u8, parse_common_date(date, self.order));
        }
        // What the common forms give is what the general rules give; the rest is theirs.
        slot.2.or_else(|| parse_date(text, self.order))
    }
}

/// The forms nearly every cell has, read in one pass over the bytes: `1/31/2025` or
/// `2025-01-31`, alone or followed by one space and a time such as `3:15pm` or `14:15`.
/// `None` for anything else, which the general rules above then read: this is only a
/// shortcut to the date they give.
fn parse_common_date(text: &[u8], order: SlashDates) -> Option<NaiveDate> {
    // `2025-01-31T…` is the general rules' own case.
    if text.len() > 10 && text[4] == b'-' && text[10] == b'T' {
        return None;
    }
    let (first, rest) = leading_number(text)?;
    let separator = *rest.first()?;
    if separator != b'/' && separator != b'-' {
        return None;
    }
    let (second, rest) = leading_number(&rest[1..])?;
    let (third, rest) = leading_number(rest.strip_prefix(&[separator])?)?;
    if !rest.is_empty() && !is_time_after_a_space(rest) {
        return None;
    }
    let value = |(value, _): (u32, usize)| value;
    let (year, month, day) = match (separator, order) {
        (b'-', _) if first.1 == 4 && second.1 <= 2 && third.1 <= 2 => (first, second, third),
        (b'/', _) if first.1 > 2 || second.1 > 2 || third.1 != 4 => return None,
        (b'/', SlashDates::Us) => (third, first, second),
        (b'/', SlashDates::Eu) => (third, second, first),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(value(year) as i32, value(month), value(day))
}

/// The digits `text` starts with (one to four of them) as (value, how many), and the rest.
fn leading_number(text: &[u8]) -> Option<((u32, usize), &[u8])> {
    let digits = text.iter().take(5).take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let value = text[..digits].iter().fold(0, |value, digit| value * 10 + u32::from(digit - b'0'));
    Some(((value, digits), &text[digits..]))
}

/// ` 3:15pm`, ` 14:15`, ` 9:14:00.5`: one space, then digits, colons and dots with at least one
/// colon, then letters only; what [`strip_time`] takes for a time after a date.
fn is_time_after_a_space(text: &[u8]) -> bool {
    let Some(time) = text.strip_prefix(b" ") else { return false };
    let (mut numeric, mut colon) = (0, false);
    while let Some(byte) = time.get(numeric).filter(|b| b.is_ascii_digit() || **b == b':' || **b == b'.') {
        colon |= *byte == b':';
        numeric += 1;
    }
    colon && time[numeric..].iter().all(u8::is_ascii_alphabetic)
}

fn parse_date_only(text: &str, order: SlashDates) -> Option<NaiveDate> {
    if text.as_bytes().contains(&b'/') {
        parse_slash_date(text, order)
    } else if text.starts_with(|c: char| c.is_ascii_digit()) {
        parse_iso_date(text)
    } else {
        parse_friendly_date(text)
    }
}

/// The date part of `1/31/2025 2:15pm`, `2025-01-31T14:15:00.000Z` or
/// `January 31, 2025 2:15pm`, when what follows the date looks like a time.
fn strip_time(text: &str) -> Option<&str> {
    if text.len() > 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[10] == b'T' {
        return Some(&text[..10]);
    }
    let without_meridiem = match text.rsplit_once(' ') {
        Some((rest, last)) if last.eq_ignore_ascii_case("am") || last.eq_ignore_ascii_case("pm") => {
            rest.trim_end()
        }
        _ => text,
    };
    let (date, time) = without_meridiem.rsplit_once(' ')?;
    let time = time.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let looks_like_time =
        time.contains(':') && time.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    // `6/2/2025, 9:14 AM` separates the two with a comma.
    let date = date.trim_end();
    looks_like_time.then(|| date.strip_suffix(',').unwrap_or(date))
}

/// Exactly three parts separated by `separator`. Byte-level: this runs millions of times.
fn three_parts(text: &str, separator: u8) -> Option<(&str, &str, &str)> {
    let bytes = text.as_bytes();
    let first = bytes.iter().position(|b| *b == separator)?;
    let second = first + 1 + bytes[first + 1..].iter().position(|b| *b == separator)?;
    let rest = &text[second + 1..];
    (!rest.as_bytes().contains(&separator)).then(|| (&text[..first], &text[first + 1..second], rest))
}

fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let (year, month, day) = three_parts(text, b'-')?;
    let year = parse_digits(year, 4, 4)?;
    let month = parse_digits(month, 1, 2)?;
    let day = parse_digits(day, 1, 2)?;
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

fn parse_slash_date(text: &str, order: SlashDates) -> Option<NaiveDate> {
    let (first, second, year) = three_parts(text, b'/')?;
    let first = parse_digits(first, 1, 2)?;
    let second = parse_digits(second, 1, 2)?;
    let year = parse_digits(year, 4, 4)?;
    let (month, day) = match order {
        SlashDates::Us => (first, second),
        SlashDates::Eu => (second, first),
    };
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// `January 31, 2025` (Airtable's "Friendly"); three-letter month names are accepted too.
fn parse_friendly_date(text: &str) -> Option<NaiveDate> {
    let (month_name, rest) = text.split_once(' ')?;
    let (day, year) = rest.split_once(',')?;
    let month = month_number(month_name)?;
    let day = parse_digits(day.trim(), 1, 2)?;
    let year = parse_digits(year.trim(), 4, 4)?;
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let name = name.to_ascii_lowercase();
    let position =
        MONTHS.iter().position(|month| *month == name || (name.len() == 3 && month.starts_with(&name)))?;
    Some(position as u32 + 1)
}

fn parse_digits(text: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if !(min_len..=max_len).contains(&text.len()) {
        return None;
    }
    text.bytes()
        .try_fold(0u32, |value, byte| byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0')))
}

pub const MONEY_EXPECTED: &str =
    "expected an amount such as 48,000, $48,000.00 or 1250.50 (at most 1,000,000,000)";

/// An amount of money in cents: digits with optional thousands separators and at most two
/// decimals, optionally after a currency symbol (`$`, `€`, `£`) as Airtable's currency fields
/// write it. `None` for anything else, a negative amount, or more than a billion.
pub fn parse_money(text: &str) -> Option<i64> {
    let amount = text.trim().trim_start_matches(['$', '€', '£']).trim_start();
    let (whole, cents) = match amount.split_once('.') {
        Some((whole, cents))
            if (1..=2).contains(&cents.len()) && cents.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (whole, format!("{cents:0<2}"))
        }
        Some(_) => return None,
        None => (amount, "00".to_string()),
    };
    let mut groups = whole.split(',');
    let first = groups.next()?;
    let grouped = whole.contains(',');
    let digits_ok = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok(first) || (grouped && first.len() > 3) || !groups.all(|g| g.len() == 3 && digits_ok(g)) {
        return None;
    }
    let whole: i64 = whole.replace(',', "").parse().ok().filter(|w: &i64| *w <= 1_000_000_000)?;
    Some(whole * 100 + cents.parse::<i64>().ok()?)
}

/// A cell that links one record, as Airtable writes it: a name holding a comma comes in
/// double quotes (`"Smith, Jane"`), which are not part of the name.
pub fn single_link(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.starts_with('"') {
        return text.into();
    }
    match split_links(text).as_slice() {
        [name] => name.clone().into(),
        _ => text.into(),
    }
}

/// The names in a linked-record cell: comma-separated, a name containing a comma in double
/// quotes (as Airtable writes it), surrounding spaces trimmed, empty entries dropped.
pub fn split_links(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => names.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    names.push(current);
    names.into_iter().map(|name| name.trim().to_string()).filter(|name| !name.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn reads_the_four_airtable_date_formats() {
        assert_eq!(parse_date("2025-01-31", SlashDates::Us), date(2025, 1, 31));
        assert_eq!(parse_date("1/31/2025", SlashDates::Us), date(2025, 1, 31));
        assert_eq!(parse_date("31/1/2025", SlashDates::Eu), date(2025, 1, 31));
        assert_eq!(parse_date("January 31, 2025", SlashDates::Us), date(2025, 1, 31));
        assert_eq!(parse_date("Jan 31, 2025", SlashDates::Us), date(2025, 1, 31));
    }

    #[test]
    fn slash_convention_decides_ambiguous_dates() {
        assert_eq!(parse_date("2/3/2025", SlashDates::Us), date(2025, 2, 3));
        assert_eq!(parse_date("2/3/2025", SlashDates::Eu), date(2025, 3, 2));
    }

    #[test]
    fn impossible_or_malformed_dates_are_rejected() {
        for text in ["2/30/2025", "31/1/2025", "2025-13-01", "1/31/25", "soon", "", "1/2/3/2025"] {
            assert_eq!(parse_date(text, SlashDates::Us), None, "{text}");
        }
    }

    #[test]
    fn created_date_times_keep_their_date() {
        assert_eq!(parse_date("1/31/2025 2:15pm", SlashDates::Us), date(2025, 1, 31));
        assert_eq!(parse_date("2025-01-31T14:15:00.000Z", SlashDates::Us), date(2025, 1, 31));
        assert_eq!(parse_date("2025-01-31 14:15", SlashDates::Us), date(2025, 1, 31));
        assert_eq!(parse_date("January 31, 2025 2:15 PM", SlashDates::Us), date(2025, 1, 31));
        assert_eq!(parse_date("1/31/2025 soon", SlashDates::Us), None);
        assert_eq!(parse_date("January 31, 2025 2:15pm", SlashDates::Us), date(2025, 1, 31));
    }

    /// The shortcut for common forms gives what the general rules give, or leaves the cell to
    /// them.
    #[test]
    fn common_dates_read_as_the_general_rules_read_them() {
        let general = |text: &str, order| {
            let text = text.trim();
            parse_date_only(text, order).or_else(|| parse_date_only(strip_time(text)?, order))
        };
        let texts = [
            "1/31/2025",
            "31/1/2025",
            "2/30/2025",
            "01/02/2025",
            "1/2/25",
            "1/2/20255",
            "2025-01-31",
            "2025-1-3",
            "2025-13-01",
            "25-01-31",
            "2025/01/31",
            "2025-01-31 14:15",
            "2025-01-31T14:15",
            "3/25/2026 3:15pm",
            "3/25/2026 3:15 pm",
            "3/25/2026  3:15pm",
            "3/25/2026 3.15pm",
            "3/25/2026 3:15p1",
            "3/25/2026 :",
            "3/25/2026 soon",
            "3/25/2026,",
            "3/25/2026, 3:15",
            "1/1/2025 1:T",
            "2025-1-1 1:T",
            "1/1/2025 1:2:3.4Z",
            "1/1/2025 1:2/3",
            "1-1-2025",
            "0/1/2025",
            "1/0/2025",
            "0000-01-01",
            "9999-12-31",
            "1//2025",
            "/1/2025",
            "1/1/",
            "",
        ];
        for text in texts {
            for order in [SlashDates::Us, SlashDates::Eu] {
                let shortcut = parse_common_date(text.as_bytes(), order);
                assert!(shortcut.is_none() || shortcut == general(text, order), "{text}");
                assert_eq!(parse_date(text, order), general(text, order), "{text}");
            }
        }
        assert_eq!(parse_common_date(b"3/25/2026 3:15pm", SlashDates::Us), date(2026, 3, 25));
        assert_eq!(parse_common_date(b"2025-01-31", SlashDates::Eu), date(2025, 1, 31));
    }

    /// The remembered dates are what reading each cell anew gives, repeated cells and cells
    /// that only start like a date included.
    #[test]
    fn remembered_dates_read_as_each_cell_alone() {
        let dates =
            ["1/31/2025", "31/1/2025", "2/30/2025", "2025-01-31", "2025-1-1", "1/2/25", "January 31, 2025"];
        let times = [
            "",
            " 3:15pm",
            " 3:15 pm",
            " 14:15",
            " 1:T",
            " 9:14:00.5",
            " soon",
            "T14:15:00Z",
            ", 9:14 AM",
            "  3:15pm",
        ];
        for order in [SlashDates::Us, SlashDates::Eu] {
            let mut remembered = Dates::new(order);
            for _ in 0..2 {
                for date in dates {
                    for time in times {
                        let text = format!("{date}{time}");
                        assert_eq!(remembered.parse(&text), parse_date(&text, order), "{text:?}");
                    }
                }
            }
            for text in ["", " ", "12345678901234567/1/2025", "1/1/2025 1:00pm 1:00pm", "2025-1-1 1:T"] {
                assert_eq!(remembered.parse(text), parse_date(text, order), "{text:?}");
            }
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for text in ["", " ", "a", " a ", "a b", "\u{a0}a\u{2003}", "\ta\n", "\u{1f}a", "a\u{7f}", "é", " é "]
        {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn money_reads_like_airtable_currency_fields() {
        assert_eq!(parse_money("$48,000.00"), Some(4_800_000));
        assert_eq!(parse_money("1250.5"), Some(125_050));
        assert_eq!(parse_money(" 12000 "), Some(1_200_000));
        for text in ["-5", "12,00", "1.234", "abc", "$", "1,0000", "2000000000"] {
            assert_eq!(parse_money(text), None, "{text}");
        }
    }

    #[test]
    fn airtable_created_and_last_modified_times_keep_their_date() {
        for text in [
            "6/2/2025 9:14am",
            "6/2/2025 9:14 AM",
            "6/2/2025, 9:14 AM",
            "6/2/2025 21:14",
            "2025-06-02T09:14:00.000Z",
            "2025-06-02T09:14:00Z",
            "2025-06-02 09:14Z",
            "June 2, 2025 9:14am",
        ] {
            assert_eq!(parse_date(text, SlashDates::Us), date(2025, 6, 2), "{text}");
        }
    }

    #[test]
    fn the_horizon_is_this_century() {
        assert!(within_horizon(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()));
        assert!(within_horizon(NaiveDate::from_ymd_opt(2099, 12, 31).unwrap()));
        assert!(!within_horizon(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()));
        assert!(!within_horizon(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()));
    }

    #[test]
    fn a_single_link_loses_the_quotes_around_a_name() {
        assert_eq!(single_link("\"Smith, Jane\""), "Smith, Jane");
        assert_eq!(single_link("\"Ana Silva\""), "Ana Silva");
        assert_eq!(single_link("Ana Silva"), "Ana Silva");
        assert_eq!(single_link("\"A\",\"B\""), "\"A\",\"B\"");
        assert_eq!(single_link("5\" screen"), "5\" screen");
    }

    #[test]
    fn links_split_on_commas_outside_quotes() {
        assert_eq!(split_links("A, B ,C"), ["A", "B", "C"]);
        assert_eq!(split_links("\"Technical\", \"Billing\""), ["Technical", "Billing"]);
        assert_eq!(split_links("\"Smith, Jones\",B"), ["Smith, Jones", "B"]);
        assert_eq!(split_links(" "), Vec::<String>::new());
    }
}
