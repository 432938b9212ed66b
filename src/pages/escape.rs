//! Text from CSV cells, made safe for MyST Markdown: it must render literally, never as
//! markup (no directive, role, math, link, comment, substitution or raw HTML can come from a
//! cell).
//!
//! Every ASCII punctuation character is backslash-escaped, which CommonMark and MyST read as
//! the literal character. The PDF goes one step further: MyST's Typst writer leaves a few
//! constructs that Typst then reads as markup (a leading `- `, `+ `, `= `, `/ `, `12. `, and
//! `//`, `--`, `-?`, `..`, a word-initial `-5`), so for the PDF an empty Typst-only raw node
//! is inserted to break them up. The site keeps plain text nodes.

/// Which build the Markdown is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Site,
    Pdf,
}

/// An empty Typst string: nothing on the page, but it separates characters Typst would
/// otherwise combine into markup. MyST copies the role's body verbatim into the Typst file.
const TYPST_SEPARATOR: &str = "{raw:typst}`#\"\"`";

/// Escapes text for one line (table cells, headings, link text, list items): line breaks
/// become spaces.
pub fn inline(text: &str, target: Target) -> String {
    if is_plain_line(text) {
        return escape_line(text.trim(), target);
    }
    let cleaned = clean(text);
    let line = cleaned.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    escape_line(&line, target)
}

/// Most cells are one line with no control characters: they skip the clean-up.
fn is_plain_line(text: &str) -> bool {
    !text.chars().any(char::is_control)
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

/// Unix newlines, tabs as spaces, no other control characters.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn escape_line(line: &str, target: Target) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 4 + 8);
    if target == Target::Site {
        for c in line.chars() {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
        return out;
    }
    let chars: Vec<char> = line.chars().collect();
    let marker_end = if target == Target::Pdf { leading_marker_end(&chars) } else { None };
    for (index, c) in chars.iter().enumerate() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(*c);
        if target == Target::Pdf && (marker_end == Some(index + 1) || typst_pair(&chars, index)) {
            out.push_str(TYPST_SEPARATOR);
        }
    }
    out
}

/// The end of a list, enum, heading or term marker at the start of the line, if any.
fn leading_marker_end(chars: &[char]) -> Option<usize> {
    match chars.first()? {
        '-' | '+' | '=' | '/' => Some(1),
        c if c.is_ascii_digit() => {
            let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            (chars.get(digits) == Some(&'.')).then_some(digits + 1)
        }
        _ => None,
    }
}

/// Whether Typst would read `chars[index]` and the next character together as markup.
fn typst_pair(chars: &[char], index: usize) -> bool {
    let Some(next) = chars.get(index + 1) else { return false };
    let word_start = index == 0 || chars[index - 1].is_whitespace() || chars[index - 1] == '(';
    matches!((chars[index], next), ('/', '/') | ('-', '-') | ('-', '?') | ('.', '.'))
        || (chars[index] == '-' && next.is_ascii_digit() && word_start)
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
    fn pdf_breaks_up_typst_markup() {
        assert_eq!(inline("- x", Target::Pdf), "\\-{raw:typst}`#\"\"` x");
        assert_eq!(inline("12. x", Target::Pdf), "12\\.{raw:typst}`#\"\"` x");
        assert_eq!(inline("a//b", Target::Pdf), "a\\/{raw:typst}`#\"\"`\\/b");
        assert_eq!(inline("a - -5", Target::Pdf), "a \\- \\-{raw:typst}`#\"\"`5");
        assert_eq!(inline("2024-09", Target::Pdf), "2024\\-09");
        assert_eq!(inline("- x", Target::Site), "\\- x");
    }

    #[test]
    fn frontmatter_and_options_are_single_line_literals() {
        assert_eq!(yaml_string("Río \"A\"\n# b"), "\"Río \\\"A\\\" # b\"");
        assert_eq!(option_value("a\nb :c:"), "a b :c:");
    }
}
