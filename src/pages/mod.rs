//! Pages: minijinja templates (embedded defaults, overridable file by file) rendered with
//! typed contexts, every value from the data escaped for MyST.
//!
//! In `.md.j2` templates `{{ value }}` is escaped for one line of Markdown; the filters
//! `block` (multi-line paragraph), `yaml` (a frontmatter string) and `option` (a directive
//! option such as `:alt:`) cover the other places text goes. In `.yml.j2` templates every
//! value becomes a quoted YAML string. Only values marked `|safe` go in as they are.

pub mod escape;

use std::path::Path;

use anyhow::{Context, Result};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

pub use escape::Target;

/// The default templates and assets, compiled into the binary: (path under templates/, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("dashboard.md.j2", include_str!("../../templates/dashboard.md.j2")),
    ("capacity.md.j2", include_str!("../../templates/capacity.md.j2")),
    ("engagement.md.j2", include_str!("../../templates/engagement.md.j2")),
    ("monthly-report.md.j2", include_str!("../../templates/monthly-report.md.j2")),
    ("macros.md.j2", include_str!("../../templates/macros.md.j2")),
    ("myst.yml.j2", include_str!("../../templates/myst.yml.j2")),
    ("pdf-project.yml.j2", include_str!("../../templates/pdf-project.yml.j2")),
    ("pdf/template.yml", include_str!("../../templates/pdf/template.yml")),
    ("offline-site/template.yml", include_str!("../../templates/offline-site/template.yml")),
    ("pdf/template.typ", include_str!("../../templates/pdf/template.typ")),
    (
        "typst-packages/preview/tablex/0.0.9/typst.toml",
        include_str!("../../templates/typst-packages/preview/tablex/0.0.9/typst.toml"),
    ),
    (
        "typst-packages/preview/tablex/0.0.9/lib.typ",
        include_str!("../../templates/typst-packages/preview/tablex/0.0.9/lib.typ"),
    ),
    (
        "typst-packages/preview/subpar/0.2.2/typst.toml",
        include_str!("../../templates/typst-packages/preview/subpar/0.2.2/typst.toml"),
    ),
    (
        "typst-packages/preview/subpar/0.2.2/lib.typ",
        include_str!("../../templates/typst-packages/preview/subpar/0.2.2/lib.typ"),
    ),
    (
        "typst-packages/preview/ouset/0.2.0/typst.toml",
        include_str!("../../templates/typst-packages/preview/ouset/0.2.0/typst.toml"),
    ),
    (
        "typst-packages/preview/ouset/0.2.0/lib.typ",
        include_str!("../../templates/typst-packages/preview/ouset/0.2.0/lib.typ"),
    ),
];

/// The templates in use: the embedded defaults, each replaced by a file of the same path in
/// the override folder when there is one.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    files: Vec<(&'static str, String)>,
}

impl TemplateSet {
    pub fn load(overrides: Option<&Path>) -> Result<TemplateSet> {
        let mut files = Vec::new();
        for (path, default) in EMBEDDED {
            let text = match overrides.map(|dir| dir.join(path)).filter(|file| file.exists()) {
                Some(file) => std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read template {}", file.display()))?,
                None => (*default).to_string(),
            };
            files.push((*path, text));
        }
        Ok(TemplateSet { files })
    }

    /// A template or asset by its path under templates/.
    pub fn text(&self, path: &str) -> &str {
        self.files
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, text)| text.as_str())
            .expect("an embedded path")
    }

    /// The static assets copied into the book as they are, under `prefix`.
    pub fn assets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .filter(|(name, _)| !name.ends_with(".j2"))
            .map(|(name, text)| (*name, text.as_str()))
    }
}

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
        env.add_filter("block", move |text: String| Value::from_safe_string(escape::block(&text, target)));
        env.add_filter("yaml", |text: String| Value::from_safe_string(escape::yaml_string(&text)));
        env.add_filter("option", |text: String| Value::from_safe_string(escape::option_value(&text)));
        for (name, text) in &templates.files {
            if name.ends_with(".j2") {
                env.add_template_owned(*name, text.clone())
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
