//! The one way a template environment is built: strict about undefined values, each template
//! compiled from the [`TemplateSet`] with its name in the error, each value escaped for where
//! the text goes (MyST, Typst, GitHub Markdown, or nothing for plain text and email), and one
//! mapping of render errors. Pages, the terminal, figure texts, emails and initiatives each ask
//! for the escaping and syntax they need and nothing else.

use std::borrow::Cow;
use std::sync::Arc;

use anyhow::{Context, Result};
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::TemplateSet;

/// Escapes one value for the place a template puts it.
pub type Escaper = Arc<dyn Fn(&str) -> Cow<'_, str> + Send + Sync>;

/// Compiled templates, ready to render.
pub struct Engine {
    env: Environment<'static>,
}

impl Engine {
    pub fn builder(templates: &TemplateSet) -> EngineBuilder<'_> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        EngineBuilder { env, templates, escapers: Vec::new() }
    }

    /// Renders `name` with `context`; an error names the template and where in it.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        self.env
            .get_template(name)?
            .render(Serde(context))
            .map_err(|error| anyhow::anyhow!("{error:#}"))
            .with_context(|| format!("cannot render {name}"))
    }
}

/// Builds an [`Engine`]; see [`Engine::builder`].
pub struct EngineBuilder<'t> {
    env: Environment<'static>,
    templates: &'t TemplateSet,
    /// By the ending of a template's name: how its values are escaped.
    escapers: Vec<(&'static str, Escaper)>,
}

impl EngineBuilder<'_> {
    /// Block tags on lines of their own leave no blank line or indentation behind; with
    /// `keep_trailing_newline`, a template's last line break stays.
    pub fn line_syntax(mut self, keep_trailing_newline: bool) -> Result<Self> {
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(keep_trailing_newline)
            .build()
            .context("the templates' line syntax")?;
        self.env.set_syntax(syntax);
        Ok(self)
    }

    /// Values in templates whose name ends with `ending` are escaped by `escaper`, unless a
    /// template marks them `|safe`; missing values print as nothing.
    pub fn escape(mut self, ending: &'static str, escaper: Escaper) -> Self {
        self.escapers.push((ending, escaper));
        self
    }

    /// Filters, globals and settings one engine needs and no other.
    pub fn with(mut self, configure: impl FnOnce(&mut Environment<'static>)) -> Self {
        configure(&mut self.env);
        self
    }

    /// Compiles the templates `names` and gives the engine.
    pub fn build<'n>(mut self, names: impl IntoIterator<Item = &'n str>) -> Result<Engine> {
        if !self.escapers.is_empty() {
            self.install_escaping();
        }
        for name in names {
            self.env
                .add_template_owned(name.to_string(), self.templates.text(name).to_string())
                .with_context(|| format!("template {name} is not valid"))?;
        }
        Ok(Engine { env: self.env })
    }

    fn install_escaping(&mut self) {
        let endings: Vec<&'static str> = self.escapers.iter().map(|(ending, _)| *ending).collect();
        self.env.set_auto_escape_callback(move |name| {
            endings
                .iter()
                .find(|ending| name.ends_with(*ending))
                .map_or(AutoEscape::None, |ending| AutoEscape::Custom((*ending).into()))
        });
        let escapers = std::mem::take(&mut self.escapers);
        self.env.set_formatter(move |out, state, value| {
            let owned;
            let text: &str = if value.is_none() || value.is_undefined() {
                ""
            } else if let Some(text) = value.as_str() {
                text
            } else {
                owned = value.to_string();
                &owned
            };
            let escaper = match state.auto_escape() {
                AutoEscape::Custom(kind) if !value.is_safe() => {
                    escapers.iter().find(|(ending, _)| *ending == kind.as_ref()).map(|(_, escaper)| escaper)
                }
                _ => None,
            };
            let escaped = escaper.map_or(Cow::Borrowed(text), |escape| escape(text));
            out.write_str(&escaped)
                .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write"))
        });
    }
}
