//! Pages: minijinja templates (embedded defaults, overridable file by file) rendered with
//! typed contexts, every value from the data escaped for MyST.
//!
//! In `.md.j2` templates `{{ value }}` is escaped for one line of Markdown; the filters
//! `block` (multi-line paragraph), `yaml` (a frontmatter string) and `option` (a directive
//! option such as `:alt:`) cover the other places text goes. In `.yml.j2` templates every
//! value becomes a quoted YAML string. Only values marked `|safe` go in as they are.

pub mod escape;

use anyhow::{Context, Result};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

pub use escape::Target;

use crate::templates::TemplateSet;

/// A minijinja environment that escapes for one build target.
pub struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    pub fn new(templates: &TemplateSet, target: Target) -> Result<Renderer> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_debug(true);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md.j2") {
                AutoEscape::Custom("myst".into())
            } else if name.ends_with(".yml.j2") {
                AutoEscape::Custom("yaml".into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(move |out, state, value| {
            let owned;
            let text: &str = if value.is_none() || value.is_undefined() {
                ""
            } else if let Some(text) = value.as_str() {
                text
            } else {
                owned = value.to_string();
                &owned
            };
            let escaped = match state.auto_escape() {
                _ if value.is_safe() => std::borrow::Cow::Borrowed(text),
                AutoEscape::Custom(kind) if kind == "myst" => escape::inline(text, target).into(),
                AutoEscape::Custom(kind) if kind == "yaml" => escape::yaml_string(text).into(),
                _ => std::borrow::Cow::Borrowed(text),
            };
            out.write_str(&escaped)
                .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write"))
        });
        env.add_global("target", if target == Target::Pdf { "pdf" } else { "site" });
        env.add_filter("block", move |text: String| Value::from_safe_string(escape::block(&text, target)));
        env.add_filter("unbroken", move |text: String| {
            Value::from_safe_string(escape::unbroken(&text, target))
        });
        env.add_filter("nowrap", move |text: String| Value::from_safe_string(escape::nowrap(&text, target)));
        env.add_filter("yaml", |text: String| Value::from_safe_string(escape::yaml_string(&text)));
        env.add_filter("option", |text: String| Value::from_safe_string(escape::option_value(&text)));
        for (name, text) in templates.files() {
            if name.ends_with(".md.j2") || name.ends_with(".yml.j2") {
                env.add_template_owned(name, text.to_string())
                    .with_context(|| format!("template {name} is not valid"))?;
            }
        }
        Ok(Renderer { env })
    }

    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String> {
        let template = self.env.get_template(template)?;
        template
            .render(minijinja::value::Serde(context))
            .map_err(|error| anyhow::anyhow!("{error:#}"))
            .with_context(|| format!("cannot render {}", template.name()))
    }
}
