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

/// A quick byte scan: `false` means `bytes` (UTF-8) certainly hold no unsafe character (see
/// [`is_unsafe_char`]). Every unsafe character is a C0 byte other than tab and line breaks, DEL,
/// or starts with 0xC2 (C1) or 0xE2 (the bidi controls), so most text needs no decoding.
pub fn may_hold_unsafe(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|b| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7f | 0xc2 | 0xe2))
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
