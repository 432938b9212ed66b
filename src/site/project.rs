//! The MyST configuration: the site's `myst.yml` with its table of contents and one PDF export
//! per report, the offline variant, one small MyST project per PDF, and the template assets
//! (Typst template, offline Typst packages, fonts).

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::layout;
use super::BookInput;
use crate::file_plan::Plan;
use crate::pages::Renderer;
use crate::templates::TemplateSet;

/// One PDF: the report it comes from and where it is written.
#[derive(Debug, Clone, Serialize)]
pub struct PdfExport {
    pub id: String,
    /// `exports/…pdf`, from the book root.
    pub output: String,
    /// The page of its small project, from the book root.
    pub article: String,
    pub title: String,
    pub community: String,
    pub period: String,
    pub as_of: String,
    /// The right-hand side of its running header, short enough for one line.
    pub header: String,
    /// From its project folder back to the book root: `../../` or `../../../`.
    pub root: String,
}

/// The longest running-header text, in characters.
const HEADER_LIMIT: usize = 56;

/// `text`, cut to `limit` characters at a word with an ellipsis when longer.
fn ellipsised(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit - 1).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head).trim_end_matches([' ', ',', '·']);
    format!("{cut}…")
}

impl PdfExport {
    /// `header` is the running header's right-hand side (shortened here to fit).
    pub fn new(
        id: String,
        output: String,
        project_folder: String,
        (title, community, header): (String, String, &str),
        period: String,
        as_of: NaiveDate,
    ) -> PdfExport {
        PdfExport {
            id,
            output,
            article: format!("{project_folder}/{}", layout::PDF_PAGE),
            title,
            community,
            period,
            as_of: crate::present::format::long_date(as_of),
            header: ellipsised(header, HEADER_LIMIT),
            root: layout::root_of_folder(&project_folder),
        }
    }

    /// The folder of its small MyST project, from the book root.
    pub fn project_folder(&self) -> &str {
        self.article.rsplit_once('/').map_or("", |(folder, _)| folder)
    }
}

/// A page of the site's table of contents.
#[derive(Serialize)]
pub struct TocEntry {
    pub file: String,
    pub title: String,
}

#[derive(Serialize)]
struct SiteConfig<'a> {
    title: String,
    /// Whether the site has the page of what changed since the last meeting.
    since_last_meeting: bool,
    organisation: &'a str,
    service: &'a str,
    engagements: Vec<TocEntry>,
    exports: &'a [PdfExport],
}

#[derive(Serialize)]
struct PdfProject<'a> {
    organisation: &'a str,
    service: &'a str,
    export: &'a PdfExport,
}

const OFFLINE_CONFIG: &str = "\
# Builds the site content with no network: `myst --config myst.offline.yml build --site`.
# It is myst.yml with a stand-in theme; use `myst build --html` for the real site.
version: 1
extends: myst.yml
site:
  template: _templates/offline-site
";

/// myst.yml, the offline variant, one small project per PDF, and the template assets.
pub fn files(
    input: &BookInput<'_>,
    templates: &TemplateSet,
    site: &Renderer,
    engagements: Vec<TocEntry>,
    exports: &[PdfExport],
) -> Result<Plan> {
    let mut files = Plan::default();
    let organisation = &input.settings.organisation;
    let config = SiteConfig {
        title: format!("{organisation} {}", input.settings.service_name),
        since_last_meeting: input.meeting.is_some(),
        organisation,
        service: &input.settings.service_name,
        engagements,
        exports,
    };
    files.add(layout::SITE_CONFIG, site.render("myst.yml.j2", &config)?);
    files.add(layout::OFFLINE_CONFIG, OFFLINE_CONFIG);
    for export in exports {
        let project = PdfProject { organisation, service: &input.settings.service_name, export };
        files.add(
            format!("{}/myst.yml", export.project_folder()),
            site.render("pdf-project.yml.j2", &project)?,
        );
    }
    for (path, text) in templates.assets() {
        files.add(format!("{}/{path}", layout::TEMPLATES), text);
    }
    for (name, bytes) in super::charts::pdf_fonts() {
        files.add(format!("{}/{name}", layout::FONTS), bytes);
    }
    Ok(files)
}
