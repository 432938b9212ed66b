//! How numbers and dates read in sentences, tables and terminal output.

/// Hours with at most one decimal and no trailing zero: `6`, `2.5`, `28.8`.
pub fn hours(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// A whole number with thousands separators: `1,000,000`.
pub fn thousands(value: i64) -> String {
    hours_grouped(value as f64)
}

/// Hours with thousands separators, for large totals: `1,100`, `12,345.5`.
pub fn hours_grouped(value: f64) -> String {
    let text = hours(value);
    let (integer, fraction) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = integer.strip_prefix('-').map_or(("", integer), |d| ("-", d));
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A whole percentage: `48%`.
pub fn percent(value: f64) -> String {
    format!("{value:.0}%")
}

/// Money with thousands separators and no cents: `12,300 USD`.
pub fn money(value: f64, currency: &str) -> String {
    format!("{} {currency}", hours_grouped(value.round()))
}

/// Rounds to `decimals` places for machine-readable output.
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

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
    fn hours_read_naturally() {
        assert_eq!(hours(6.0), "6");
        assert_eq!(hours(2.5), "2.5");
        assert_eq!(hours(28.8181), "28.8");
        assert_eq!(hours(3.96), "4");
        assert_eq!(hours_grouped(1100.0), "1,100");
        assert_eq!(hours_grouped(1234567.25), "1,234,567.3");
        assert_eq!(hours_grouped(-1100.0), "-1,100");
        assert_eq!(money(12345.6, "USD"), "12,346 USD");
        assert_eq!(percent(47.6), "48%");
        assert_eq!(round(-0.0001, 2), 0.0);
        assert_eq!(round(2.345678, 3), 2.346);
    }
}
