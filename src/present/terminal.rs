//! The terminal's line-oriented texts (`templates/summary.txt.j2`, `templates/what-if.txt.j2`):
//! rendered with block tags taking their own line ending, and `ljust` / `rjust` filters for
//! the columns. Values are formatted before they get here; the templates hold the words.

use anyhow::{Context, Result};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::templates::TemplateSet;

/// The summary `summary` prints.
pub const SUMMARY: &str = "summary.txt.j2";
/// The answer `what-if` prints.
pub const WHAT_IF: &str = "what-if.txt.j2";

/// The terminal templates, ready to render.
pub struct Terminal {
    env: Environment<'static>,
}

impl Terminal {
    pub fn new(templates: &TemplateSet) -> Result<Terminal> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let lines = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .context("the terminal templates' syntax")?;
        env.set_syntax(lines);
        env.add_filter("ljust", |text: String, width: usize| pad(&text, width, false));
        env.add_filter("rjust", |text: String, width: usize| pad(&text, width, true));
        for name in [SUMMARY, WHAT_IF] {
            env.add_template_owned(name, templates.text(name).to_string())
                .with_context(|| format!("template {name} is not valid"))?;
        }
        Ok(Terminal { env })
    }

    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String> {
        self.env
            .get_template(template)?
            .render(Serde(context))
            .map_err(|error| anyhow::anyhow!("{error:#}"))
            .with_context(|| format!("cannot render {template}"))
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
