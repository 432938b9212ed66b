//! The templates every string a reader sees comes from: compiled into the binary as defaults,
//! each replaceable by a file of the same path in a folder the user gives (`--templates`).

mod engine;

use std::path::Path;

use anyhow::{Context, Result};

pub use engine::{Engine, EngineBuilder, Escaper};

/// The default templates and assets, compiled into the binary: (path under templates/, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("dashboard.md.j2", include_str!("../templates/dashboard.md.j2")),
    ("capacity.md.j2", include_str!("../templates/capacity.md.j2")),
    ("engagement.md.j2", include_str!("../templates/engagement.md.j2")),
    ("monthly-report.md.j2", include_str!("../templates/monthly-report.md.j2")),
    ("since-last-meeting.md.j2", include_str!("../templates/since-last-meeting.md.j2")),
    ("data-warnings.md.j2", include_str!("../templates/data-warnings.md.j2")),
    ("macros.md.j2", include_str!("../templates/macros.md.j2")),
    ("myst.yml.j2", include_str!("../templates/myst.yml.j2")),
    ("pdf-project.yml.j2", include_str!("../templates/pdf-project.yml.j2")),
    ("reasons.txt.j2", include_str!("../templates/reasons.txt.j2")),
    ("figures.txt.j2", include_str!("../templates/figures.txt.j2")),
    ("summary.txt.j2", include_str!("../templates/summary.txt.j2")),
    ("what-if.txt.j2", include_str!("../templates/what-if.txt.j2")),
    ("changes.txt.j2", include_str!("../templates/changes.txt.j2")),
    ("chart-labels.toml", include_str!("../templates/chart-labels.toml")),
    ("labels.toml", include_str!("../templates/labels.toml")),
    ("downloads.toml", include_str!("../templates/downloads.toml")),
    ("initiative.md.j2", include_str!("../templates/initiative.md.j2")),
    ("initiative-title.txt.j2", include_str!("../templates/initiative-title.txt.j2")),
    ("emails/introduction.txt.j2", include_str!("../templates/emails/introduction.txt.j2")),
    ("emails/wrap-up.txt.j2", include_str!("../templates/emails/wrap-up.txt.j2")),
    ("emails/usage.txt.j2", include_str!("../templates/emails/usage.txt.j2")),
    ("brief.md.j2", include_str!("../templates/brief.md.j2")),
    ("brief-topics.toml", include_str!("../templates/brief-topics.toml")),
    ("pdf/template.yml", include_str!("../templates/pdf/template.yml")),
    ("offline-site/template.yml", include_str!("../templates/offline-site/template.yml")),
    ("pdf/template.typ", include_str!("../templates/pdf/template.typ")),
    (
        "typst-packages/preview/tablex/0.0.9/typst.toml",
        include_str!("../templates/typst-packages/preview/tablex/0.0.9/typst.toml"),
    ),
    (
        "typst-packages/preview/tablex/0.0.9/lib.typ",
        include_str!("../templates/typst-packages/preview/tablex/0.0.9/lib.typ"),
    ),
    (
        "typst-packages/preview/subpar/0.2.2/typst.toml",
        include_str!("../templates/typst-packages/preview/subpar/0.2.2/typst.toml"),
    ),
    (
        "typst-packages/preview/subpar/0.2.2/lib.typ",
        include_str!("../templates/typst-packages/preview/subpar/0.2.2/lib.typ"),
    ),
    (
        "typst-packages/preview/ouset/0.2.0/typst.toml",
        include_str!("../templates/typst-packages/preview/ouset/0.2.0/typst.toml"),
    ),
    (
        "typst-packages/preview/ouset/0.2.0/lib.typ",
        include_str!("../templates/typst-packages/preview/ouset/0.2.0/lib.typ"),
    ),
];

/// The templates in use: the embedded defaults, each replaced by a file of the same path in
/// the override folder when there is one.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    files: Vec<(&'static str, String)>,
    /// Files of the override folder that replace no template (a misspelt name, say), by their
    /// path under the folder.
    pub unmatched: Vec<String>,
}

impl TemplateSet {
    /// The defaults, each replaced by its file in `overrides` when there is one. A folder that
    /// does not exist is an error: a typo would otherwise silently give the defaults.
    pub fn load(overrides: Option<&Path>) -> Result<TemplateSet> {
        let mut unmatched = Vec::new();
        if let Some(dir) = overrides {
            if !dir.is_dir() {
                anyhow::bail!(
                    "--templates {}: no such folder (ces-report templates DIR writes one to start from)",
                    dir.display()
                );
            }
            unmatched = files_under(dir)?
                .into_iter()
                .filter(|path| !EMBEDDED.iter().any(|(name, _)| name == path))
                .collect();
        }
        let mut files = Vec::new();
        for (path, default) in EMBEDDED {
            let text = match overrides.map(|dir| dir.join(path)).filter(|file| file.exists()) {
                Some(file) => std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read template {}", file.display()))?,
                None => (*default).to_string(),
            };
            files.push((*path, text));
        }
        Ok(TemplateSet { files, unmatched })
    }

    /// A template or asset by its path under templates/.
    pub fn text(&self, path: &str) -> &str {
        self.files
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, text)| text.as_str())
            .expect("an embedded path")
    }

    /// Every template and asset: (path under templates/, text).
    pub fn files(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.files.iter().map(|(name, text)| (*name, text.as_str()))
    }

    /// The static assets copied into the book as they are: not the templates (`.j2`) nor the
    /// tables the tool reads wording from (`.toml` beside the templates, such as
    /// `brief-topics.toml`; the Typst packages' own `typst.toml` files are assets).
    pub fn assets(&self) -> impl Iterator<Item = (&str, &str)> {
        let is_wording_table = |name: &str| !name.contains('/') && name.ends_with(".toml");
        self.files
            .iter()
            .filter(move |(name, _)| !name.ends_with(".j2") && !is_wording_table(name))
            .map(|(name, text)| (*name, text.as_str()))
    }
}

/// Every file under `dir`, as `/`-separated paths relative to it, hidden ones left out.
fn files_under(dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut folders = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let path = format!("{prefix}{name}");
            if entry.file_type()?.is_dir() {
                folders.push((entry.path(), format!("{path}/")));
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
