//! Pages: minijinja templates (embedded defaults, overridable file by file) rendered with
//! typed contexts, every value from the data escaped for MyST.
//!
//! In `.md.j2` templates `{{ value }}` is escaped for one line of Markdown; the filters
//! `block` (multi-line paragraph), `yaml` (a frontmatter string) and `option` (a directive
//! option such as `:alt:`) cover the other places text goes. In `.yml.j2` templates every
//! value becomes a quoted YAML string. Only values marked `|safe` go in as they are.

pub mod escape;

use std::sync::Arc;

use anyhow::Result;
use minijinja::value::Value;
use serde::Serialize;

pub use escape::Target;

use crate::templates::{Engine, TemplateSet};

/// The page templates, every value escaped for one build target.
pub struct Renderer {
    engine: Engine,
}

impl Renderer {
    pub fn new(templates: &TemplateSet, target: Target) -> Result<Renderer> {
        // The initiative's body is GitHub Markdown, escaped by its own engine, not MyST.
        let names: Vec<&str> = templates
            .files()
            .map(|(name, _)| name)
            .filter(|name| name.ends_with(".md.j2") || name.ends_with(".yml.j2"))
            .filter(|name| !name.starts_with("initiative"))
            .collect();
        let engine = Engine::builder(templates)
            .escape(".md.j2", Arc::new(move |text| escape::inline(text, target).into()))
            .escape(".yml.j2", Arc::new(|text| escape::yaml_string(text).into()))
            .with(|env| {
                env.set_debug(true);
                env.add_global("target", if target == Target::Pdf { "pdf" } else { "site" });
                env.add_filter("block", move |text: String| {
                    Value::from_safe_string(escape::block(&text, target))
                });
                env.add_filter("unbroken", move |text: String| {
                    Value::from_safe_string(escape::unbroken(&text, target))
                });
                env.add_filter("nowrap", move |text: String| {
                    Value::from_safe_string(escape::nowrap(&text, target))
                });
                env.add_filter("yaml", |text: String| Value::from_safe_string(escape::yaml_string(&text)));
                env.add_filter("option", |text: String| Value::from_safe_string(escape::option_value(&text)));
            })
            .build(names)?;
        Ok(Renderer { engine })
    }

    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String> {
        self.engine.render(template, context)
    }
}
