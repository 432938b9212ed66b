//! The terminal's line-oriented texts (`templates/summary.txt.j2`, `templates/what-if.txt.j2`):
//! rendered with block tags taking their own line ending, and `ljust` / `rjust` filters for
//! the columns. Values are formatted before they get here; the templates hold the words.

use anyhow::Result;
use serde::Serialize;

use crate::templates::{Engine, TemplateSet};

/// The summary `summary` prints.
pub const SUMMARY: &str = "summary.txt.j2";
/// The answer `what-if` prints.
pub const WHAT_IF: &str = "what-if.txt.j2";
/// What `changes` prints.
pub const CHANGES: &str = "changes.txt.j2";

/// The terminal templates, ready to render.
pub struct Terminal {
    engine: Engine,
}

impl Terminal {
    pub fn new(templates: &TemplateSet) -> Result<Terminal> {
        let engine = Engine::builder(templates)
            .line_syntax(true)?
            .with(|env| {
                env.add_filter("ljust", |text: String, width: usize| pad(&text, width, false));
                env.add_filter("rjust", |text: String, width: usize| pad(&text, width, true));
            })
            .build([SUMMARY, WHAT_IF, CHANGES])?;
        Ok(Terminal { engine })
    }

    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String> {
        self.engine.render(template, context)
    }
}

/// `text` padded with spaces to `width` characters, on the left when `right` aligns it right.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.chars().count()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn padding_counts_characters_not_bytes() {
        assert_eq!(super::pad("Río", 5, false), "Río  ");
        assert_eq!(super::pad("3 h", 5, true), "  3 h");
        assert_eq!(super::pad("too long", 3, true), "too long");
    }
}
