//! Text from the data made safe for any output: the characters no terminal line, chart or page
//! may carry, and CSV cells a spreadsheet would run. A base layer every stage may use.

/// Characters no output may carry as they are: control characters other than tab and line
/// breaks (C0, DEL, C1), which can drive a terminal or break XML, and the bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make text read
/// differently from what it is.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` with every unsafe character (see [`is_unsafe_char`]) replaced by U+FFFD: the
/// loader's rule for cells, and the terminal's for any line whatever reaches it.
pub fn replace_unsafe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_unsafe_char) {
        text.chars().map(|c| if is_unsafe_char(c) { '\u{fffd}' } else { c }).collect::<String>().into()
    } else {
        text.into()
    }
}

/// Longest name from the data quoted in a message, in characters; longer ones end with `…`, as
/// cell values do (a name can be pasted megabytes long).
pub const NAME_LIMIT: usize = 120;

/// `name` for a message: cut to [`NAME_LIMIT`] characters.
pub fn quoted_name(name: &str) -> std::borrow::Cow<'_, str> {
    if name.chars().count() <= NAME_LIMIT {
        return std::borrow::Cow::Borrowed(name);
    }
    let cut: String = name.chars().take(NAME_LIMIT - 1).collect();
    std::borrow::Cow::Owned(format!("{cut}…"))
}

/// A CSV cell a spreadsheet will not run: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, so opening a download can never execute what someone
/// typed into Airtable. Numbers such as `-3` stay numbers.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let looks_like_number = cell.parse::<f64>().is_ok();
    if !looks_like_number && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Every byte but the unreserved characters of RFC 3986 as `%XX`, so that any name (with `&`,
/// `#`, `=`, `/`, spaces or accents) stays one URL path segment or query value.
pub fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A whole number with thousands separators: `1,000,000`. Messages from every stage use it,
/// so it lives here rather than with the presenters.
pub fn thousands(value: i64) -> String {
    group_digits(&value.to_string())
}

/// An integer written in digits (with an optional leading `-`) with a comma between each group
/// of three: `-12345` becomes `-12,345`.
pub fn group_digits(integer: &str) -> String {
    let (sign, digits) = integer.strip_prefix('-').map_or(("", integer), |d| ("-", d));
    let mut grouped = String::from(sign);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_replaced() {
        assert_eq!(replace_unsafe("a\u{1b}[2J\tb\n\u{202e}"), "a\u{fffd}[2J\tb\n\u{fffd}");
        assert_eq!(spreadsheet_safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(spreadsheet_safe("-3"), "-3");
        assert_eq!(spreadsheet_safe("- note"), "'- note");
    }
}
