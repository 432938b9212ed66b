//! Names as keys for linking records. Two names that look the same on screen must link:
//! exports carry a name typed once with a no-break space and once with a plain one, composed
//! (`í`) in one table and decomposed (`i` + accent) in another, or with an invisible byte order
//! mark or zero-width space pasted in. The text shown in reports stays as written.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The key a name links by: surrounding spaces trimmed, invisible characters dropped, every
/// kind of space a plain space, Unicode composed (NFC). Plain ASCII names, nearly all of them,
/// are returned as they are.
pub fn link_key(name: &str) -> Cow<'_, str> {
    // Visible ASCII at both ends: nothing to trim, and an ASCII name is its own key.
    let visible = |byte: Option<&u8>| byte.is_some_and(|byte| (0x21..0x7f).contains(byte));
    if visible(name.as_bytes().first()) && visible(name.as_bytes().last()) && name.is_ascii() {
        return Cow::Borrowed(name);
    }
    let trimmed = name.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if trimmed.is_ascii() || is_already_a_key(trimmed) {
        return Cow::Borrowed(trimmed);
    }
    let spaced: String =
        trimmed.chars().filter(|c| !is_invisible(*c)).map(|c| if is_space(c) { ' ' } else { c }).collect();
    Cow::Owned(spaced.nfc().collect())
}

fn is_already_a_key(name: &str) -> bool {
    !name.chars().any(|c| is_invisible(c) || is_space(c)) && is_nfc_quick(name.chars()) == IsNormalized::Yes
}

/// Characters that take no room: byte order mark, zero-width space, joiners, word joiner,
/// soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{00ad}')
}

/// Spaces other than the plain one: no-break, narrow no-break, figure, em, thin, ideographic…
fn is_space(c: char) -> bool {
    c != ' ' && c.is_whitespace() && !matches!(c, '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' | '\u{85}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_names_have_one_key() {
        let plain = "Río Claro Data & Society";
        let decomposed = "Ri\u{301}o Claro Data & Society";
        let no_break = "Río\u{a0}Claro Data & Society";
        let with_bom = "\u{feff}Río Claro Data\u{200b} & Society ";
        for name in [decomposed, no_break, with_bom] {
            assert_eq!(link_key(name), plain, "{name:?}");
        }
    }

    #[test]
    fn ascii_names_are_borrowed_and_trimmed() {
        assert!(matches!(link_key(" Alpha hub "), Cow::Borrowed("Alpha hub")));
        assert!(matches!(link_key("Río"), Cow::Borrowed("Río")));
    }

    #[test]
    fn different_names_stay_different() {
        assert_ne!(link_key("Alpha hub"), link_key("Alpha  hub"));
        assert_ne!(link_key("Alpha hub"), link_key("alpha hub"));
    }
}
