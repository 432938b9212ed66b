//! Text from CSV cells made safe for GitHub-flavoured Markdown, where an initiative's body is
//! shown: it must read exactly as typed.
//!
//! Every ASCII punctuation character is backslash-escaped, which CommonMark (and so GitHub)
//! reads as the character itself: no emphasis, link, image, code span, table cell break,
//! heading, list, block quote, entity or raw HTML can come from a cell. That alone is not
//! enough on GitHub, which links `@name` and `@org/team` (notifying them), `#12`,
//! `owner/repo#12` (recording a mention on that issue) and `GH-12` in the text *after*
//! rendering, where the backslash is gone. A word joiner (U+2060: invisible, and part of no
//! name or number) right after the `@`, the `#` or `GH-` leaves them plain text.
//!
//! Line breaks: [`inline`] joins the lines with spaces (a table cell, a heading), [`block`]
//! keeps them as hard breaks (a paragraph). Control and bidirectional-override characters are
//! dropped, as everywhere (the loader already replaced them).

/// U+2060 WORD JOINER: breaks GitHub's autolinking of mentions and references, shows nothing.
const WORD_JOINER: char = '\u{2060}';

/// One line of Markdown: line breaks become spaces.
pub(crate) fn inline(text: &str) -> String {
    lines(text).collect::<Vec<_>>().join(" ")
}

/// A paragraph: each line of the text is kept, ended by a hard break (`\` at the end of the
/// line); empty lines are dropped so the paragraph stays one block.
pub(crate) fn block(text: &str) -> String {
    lines(text).collect::<Vec<_>>().join("\\\n")
}

/// The text's non-empty lines, trimmed (so no indentation makes a code block) and escaped.
fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(['\n', '\r']).map(str::trim).filter(|line| !line.is_empty()).map(escape_line)
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 4 + 8);
    let mut before = [' '; 3];
    for c in line.chars().filter(|c| !crate::text::is_unsafe_char(*c)) {
        let c = if c == '\t' { ' ' } else { c };
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
        if links_what_follows(before, c) {
            out.push(WORD_JOINER);
        }
        before = [before[1], before[2], c];
    }
    out
}

/// Whether GitHub would turn what follows `c` into a mention or a reference: `@…`, `#…`, and
/// `GH-…` (the word `GH`, in any case, is just `before` it).
fn links_what_follows(before: [char; 3], c: char) -> bool {
    match c {
        '@' | '#' => true,
        '-' => {
            !before[0].is_alphanumeric()
                && before[1].eq_ignore_ascii_case(&'g')
                && before[2].eq_ignore_ascii_case(&'h')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_from_a_cell_is_literal() {
        assert_eq!(inline("<script>alert(1)</script>"), r"\<script\>alert\(1\)\<\/script\>");
        assert_eq!(inline("[x](javascript:alert(1))"), r"\[x\]\(javascript\:alert\(1\)\)");
        assert_eq!(
            inline("![logo](https://example.org/a.png)"),
            r"\!\[logo\]\(https\:\/\/example\.org\/a\.png\)"
        );
        assert_eq!(inline("`code` and ``more``"), r"\`code\` and \`\`more\`\`");
        assert_eq!(inline("a | b"), r"a \| b");
        assert_eq!(inline("<!-- hidden -->"), r"\<\!\-\- hidden \-\-\>");
        assert_eq!(inline("&amp; &#64;"), "\\&amp\\; \\&\\#\u{2060}64\\;");
        assert_eq!(inline("*a* _b_ ~~c~~ $d$"), r"\*a\* \_b\_ \~\~c\~\~ \$d\$");
        assert_eq!(inline("C:\\path"), r"C\:\\path");
    }

    #[test]
    fn line_starts_cannot_make_blocks() {
        for (text, escaped) in [
            ("# Heading", "\\#\u{2060} Heading"),
            ("> quote", r"\> quote"),
            ("- item", r"\- item"),
            ("+ item", r"\+ item"),
            ("1. item", r"1\. item"),
            ("---", r"\-\-\-"),
            ("    indented code", "indented code"),
            ("```rust", r"\`\`\`rust"),
            ("- [ ] task", r"\- \[ \] task"),
        ] {
            assert_eq!(inline(text), escaped, "{text}");
        }
    }

    #[test]
    fn mentions_and_references_are_not_linked() {
        assert_eq!(inline("@org/team"), "\\@\u{2060}org\\/team");
        assert_eq!(inline("ask @ana"), "ask \\@\u{2060}ana");
        assert_eq!(inline("#12"), "\\#\u{2060}12");
        assert_eq!(inline("owner/repo#3"), "owner\\/repo\\#\u{2060}3");
        assert_eq!(inline("GH-7 and gh-8"), "GH\\-\u{2060}7 and gh\\-\u{2060}8");
        assert_eq!(inline("high-level, gh-pages"), "high\\-level\\, gh\\-\u{2060}pages");
        assert_eq!(inline("(GH-9)"), "\\(GH\\-\u{2060}9\\)");
    }

    #[test]
    fn lines_are_joined_or_kept_and_unsafe_characters_dropped() {
        assert_eq!(inline("one\r\ntwo\n\nthree"), "one two three");
        assert_eq!(block("one\r\n\r\n  two\tthree\n"), "one\\\ntwo three");
        assert_eq!(block("a.\nb"), "a\\.\\\nb");
        assert_eq!(inline("a\u{1b}[2Jb\u{202e}c\u{0}"), r"a\[2Jbc");
        assert_eq!(inline("Río Claro Data & Society"), r"Río Claro Data \& Society");
        assert_eq!(inline("  \n "), "");
    }
}
