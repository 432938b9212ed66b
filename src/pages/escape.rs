//! Text from CSV cells, made safe for MyST Markdown: it must render literally, never as
//! markup (no directive, role, math, link, comment, substitution or raw HTML can come from a
//! cell).
//!
//! On the site every ASCII punctuation character is backslash-escaped, which CommonMark and
//! MyST read as the literal character. The PDF cannot rely on that: MyST's Typst writer passes
//! text on with only some characters escaped, and Typst reads sequences such as a leading `- `,
//! `//`, `..` or `#` followed by a name as markup or code. So for the PDF each line of cell
//! text is handed to Typst as a string value, `#"…";`, through a raw Typst role: inside a
//! Typst string only `\` and `"` are special, the closing `;` ends the expression so nothing
//! after it can continue it, and every ASCII punctuation character is written as a `\u{…}`
//! escape, so the Markdown around the role (a table's `|`, a code span's backtick) never sees
//! one either.

/// Which build the Markdown is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Site,
    Pdf,
}

/// Escapes text for one line (table cells, headings, link text, list items): line breaks
/// become spaces.
pub fn inline(text: &str, target: Target) -> String {
    if is_plain_line(text) {
        return escape_line(text.trim(), target);
    }
    escape_line(&inline_plain(text), target)
}

/// Most cells are one line with no control characters: they skip the clean-up.
fn is_plain_line(text: &str) -> bool {
    !text.chars().any(is_unsafe_char)
}

/// Escapes multi-line text for a paragraph: its lines are kept as hard line breaks.
pub fn block(text: &str, target: Target) -> String {
    let cleaned = clean(text);
    let lines: Vec<String> = cleaned
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| escape_line(l, target))
        .collect();
    lines.join("\\\n")
}

/// One line of text that must not break across lines (an email address): in the PDF a Typst
/// box around the string, on the site the same as [`inline`].
pub fn unbroken(text: &str, target: Target) -> String {
    let escaped = inline(text, target);
    match escaped.strip_prefix("{raw:typst}`#") {
        Some(string) => format!("{{raw:typst}}`#box({}", string.replacen("\";`", "\");`", 1)),
        None => escaped,
    }
}

/// A short value that reads as one unit (`158.5 of 240 h`, a status name): on the site its
/// spaces become no-break spaces, in the PDF it is [`unbroken`].
pub fn nowrap(text: &str, target: Target) -> String {
    match target {
        Target::Pdf => unbroken(text, target),
        Target::Site => inline(text, target).replace(' ', "\u{a0}"),
    }
}

/// A YAML scalar for frontmatter: a JSON string is valid YAML and escapes everything.
pub fn yaml_string(text: &str) -> String {
    serde_json::to_string(&inline_plain(text)).expect("strings always serialise")
}

/// Text for a directive option such as `:alt:`, which MyST takes raw: one line, no control
/// characters, no backslash escapes.
pub fn option_value(text: &str) -> String {
    inline_plain(text)
}

fn inline_plain(text: &str) -> String {
    clean(text).split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Control characters and bidirectional overrides: never written to any output. The loader
/// already replaces them (see `crate::text::unsafe_char`); this is the last line of defence.
fn is_unsafe_char(c: char) -> bool {
    crate::text::is_unsafe_char(c) || c == '\t' || c == '\n' || c == '\r'
}

/// Unix newlines, tabs as spaces, no other control or bidi-override characters.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if crate::text::is_unsafe_char(c) => None,
            c => Some(c),
        })
        .collect()
}

fn escape_line(line: &str, target: Target) -> String {
    match target {
        Target::Site => myst_escaped(line),
        Target::Pdf => typst_string_role(line),
    }
}

fn myst_escaped(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 4 + 8);
    for c in line.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `{raw:typst}`#"…";``: the line as a Typst string value, shown as plain text.
fn typst_string_role(line: &str) -> String {
    if line.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(line.len() * 2 + 20);
    out.push_str("{raw:typst}`#\"");
    for c in line.chars() {
        if c.is_ascii_punctuation() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push_str("\";`");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_escaped_and_lines_joined() {
        assert_eq!(inline("a *b* [c](d)\n<e>", Target::Site), "a \\*b\\* \\[c\\]\\(d\\) \\<e\\>");
        assert_eq!(block("one\r\n\r\ntwo\tthree\u{7}", Target::Site), "one\\\ntwo three");
    }

    #[test]
    fn pdf_text_is_a_typst_string_with_punctuation_as_unicode_escapes() {
        assert_eq!(inline("Waiting...ok", Target::Pdf), "{raw:typst}`#\"Waiting\\u{2e}\\u{2e}\\u{2e}ok\";`");
        assert_eq!(
            inline("a \"b\" \\ `c` | d", Target::Pdf),
            "{raw:typst}`#\"a \\u{22}b\\u{22} \\u{5c} \\u{60}c\\u{60} \\u{7c} d\";`"
        );
        assert_eq!(inline("Río", Target::Pdf), "{raw:typst}`#\"Río\";`");
        assert_eq!(inline("  ", Target::Pdf), "");
        assert_eq!(block("one\ntwo", Target::Pdf), "{raw:typst}`#\"one\";`\\\n{raw:typst}`#\"two\";`");
        assert_eq!(inline("- x", Target::Site), "\\- x");
    }

    #[test]
    fn control_and_bidi_characters_never_reach_a_page() {
        assert_eq!(inline("a\u{1b}[2Jb\u{202e}c\u{0}", Target::Site), "a\\[2Jbc");
        assert_eq!(inline("x\u{85}y\u{2066}", Target::Pdf), "{raw:typst}`#\"xy\";`");
    }

    #[test]
    fn frontmatter_and_options_are_single_line_literals() {
        assert_eq!(yaml_string("Río \"A\"\n# b"), "\"Río \\\"A\\\" # b\"");
        assert_eq!(option_value("a\nb :c:"), "a b :c:");
    }
}
