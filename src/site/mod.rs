//! Stage 4: the figures → a MyST project in memory: pages, charts, CSV downloads, `myst.yml`,
//! one small MyST project per PDF, and the email manifest, ready for [`crate::output::write`].
//! Nothing here touches the disk. [`layout`] says where each file goes.
//!
//! [`build`] is a flat list of named steps; each returns files (a [`Plan`]) or a page context.

pub mod brief;
pub mod charts;
pub mod downloads;
pub mod engagement;
pub mod layout;
pub mod manifest;
pub mod overview;
pub mod project;
pub mod slug;
pub mod views;

use anyhow::Result;
use chrono::NaiveDate;

use self::layout::{Communities, CommunityPaths};
use self::overview::ReportLink;
use self::project::{PdfExport, TocEntry};
use self::slug::SlugClash;
use crate::calendar::Month;
use crate::figures::month::{CommunityMonth, Report};
use crate::figures::Figures;
use crate::file_plan::Plan;
use crate::model::{Dataset, Id};
use crate::pages::{Renderer, Target};
use crate::present::format::{date_range, month_name};
use crate::present::phrases::fill;
use crate::present::Phrases;
use crate::settings::Settings;
use crate::templates::TemplateSet;

/// Longest community slug in a file name, in characters.
pub(crate) const SLUG_LIMIT: usize = 60;

/// What every page is built from.
pub struct BookInput<'a> {
    pub dataset: &'a Dataset,
    pub figures: &'a Figures,
    /// Each community's month and the report around them: what every page reads.
    pub report: &'a Report,
    pub settings: &'a Settings,
    pub phrases: &'a Phrases,
    pub as_of: NaiveDate,
    /// Set for a monthly report (`--month`), after [`BookInput::new`]: that month's activity is
    /// highlighted.
    pub month: Option<Month>,
    /// The data warnings, counted on the dashboard and listed on their own page.
    pub warnings: Vec<String>,
    /// What changed since the last meeting, when the book shows it (set after
    /// [`BookInput::new`]).
    pub meeting: Option<MeetingChanges<'a>>,
    /// When the data was pulled from Airtable (`pull.json`); `None` for a hand export.
    pub pulled_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where each engagement's files go.
    pub communities: Communities,
    /// What the book is made from.
    pub provenance: Provenance,
}

/// The changes since the last meeting and the earlier state they compare with.
#[derive(Clone, Copy)]
pub struct MeetingChanges<'a> {
    pub before: &'a Dataset,
    pub changes: &'a crate::figures::changes::Changes,
}

/// What a book is made from, so that a report can be traced and reproduced.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Provenance {
    pub tool: &'static str,
    pub version: &'static str,
    pub as_of: NaiveDate,
    /// Activities logged after this date were left out; `None`: every row of the export.
    pub known_at: Option<NaiveDate>,
    /// Each input file and its SHA-256.
    pub inputs: Vec<InputFile>,
    /// The Typst the PDFs are made with, as the tool pins it.
    pub typst: TypstVersion,
}

/// A Typst version and the package that brings it (`typst==0.15.2`, from PyPI).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TypstVersion {
    pub version: &'static str,
    pub package: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputFile {
    pub file: String,
    pub sha256: String,
}

/// The parts of a written `provenance.json` that say which data a book was made from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct WrittenProvenance {
    pub known_at: Option<NaiveDate>,
    pub inputs: Vec<InputFile>,
}

impl WrittenProvenance {
    pub fn parse(text: &str) -> Result<WrittenProvenance> {
        Ok(serde_json::from_str(text)?)
    }

    /// Whether the book was made from exactly these input files (name and SHA-256) and the same
    /// `--known-at`; otherwise the first file that differs, or `None` for `--known-at`.
    pub fn differs_from(
        &self,
        inputs: &[(String, String)],
        known_at: Option<NaiveDate>,
    ) -> Option<Option<String>> {
        let mut mine: Vec<(&str, &str)> =
            self.inputs.iter().map(|i| (i.file.as_str(), i.sha256.as_str())).collect();
        let mut theirs: Vec<(&str, &str)> = inputs.iter().map(|(f, s)| (f.as_str(), s.as_str())).collect();
        mine.sort_unstable();
        theirs.sort_unstable();
        if mine != theirs {
            let names = mine.iter().chain(&theirs).map(|(file, _)| *file);
            let differing = names.filter(|file| {
                mine.iter().find(|(f, _)| f == file) != theirs.iter().find(|(f, _)| f == file)
            });
            return Some(differing.min().map(str::to_string));
        }
        (self.known_at != known_at).then_some(None)
    }
}

impl Provenance {
    pub fn new(
        as_of: NaiveDate,
        known_at: Option<NaiveDate>,
        inputs: Vec<(String, String)>,
        typst: TypstVersion,
    ) -> Provenance {
        Provenance {
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            as_of,
            known_at,
            inputs: inputs.into_iter().map(|(file, sha256)| InputFile { file, sha256 }).collect(),
            typst,
        }
    }
}

impl<'a> BookInput<'a> {
    /// The input with each engagement's paths decided; communities whose names make the same
    /// file name are returned (and added to the warnings).
    pub fn new(
        dataset: &'a Dataset,
        figures: &'a Figures,
        report: &'a Report,
        settings: &'a Settings,
        phrases: &'a Phrases,
        mut warnings: Vec<String>,
        provenance: Provenance,
    ) -> (BookInput<'a>, Vec<SlugClash>) {
        let (communities, clashes) = community_paths(dataset, figures);
        warnings.extend(clashes.iter().map(clash_warning));
        let input = BookInput {
            dataset,
            figures,
            report,
            settings,
            phrases,
            as_of: figures.as_of,
            month: None,
            meeting: None,
            pulled_at: None,
            warnings,
            communities,
            provenance,
        };
        (input, clashes)
    }

    /// `1–31 October 2026`: the report month up to the as-of date.
    fn report_period(&self) -> String {
        date_range(self.report.first_day, self.report.last_day)
    }
}

/// Where each engagement's files go: its community's paths. One slug per community, however
/// many engagements it has had; a hash is added only when two different community names make
/// one file name (those clashes are returned).
pub fn community_paths(dataset: &Dataset, figures: &Figures) -> (Communities, Vec<SlugClash>) {
    let names = figures.communities.iter().map(|c| (c.name.as_str(), c.name.as_str()));
    let (slugs, clashes) = slug::unique_slugs(names, SLUG_LIMIT);
    let paths: Vec<CommunityPaths> = slugs.iter().map(|slug| CommunityPaths::new(slug)).collect();
    let communities = dataset.engagements.map(|id, _| paths[figures.community_of[id].index()].clone());
    (communities, clashes)
}

/// `communities "A b" and "a-b" make the same file name "a-b": their files are named …`.
pub fn clash_warning(clash: &SlugClash) -> String {
    let names: Vec<String> = clash.names.iter().map(|(name, _)| format!("\"{name}\"")).collect();
    let files: Vec<String> = clash.names.iter().map(|(_, slug)| format!("\"{slug}\"")).collect();
    format!(
        "communities {} make the same file name \"{}\": their files are named {}",
        names.join(" and "),
        clash.slug,
        files.join(" and ")
    )
}

/// A generated book: the files to write and the PDFs its projects produce.
pub struct Book {
    pub plan: Plan,
    /// The aggregated report first, then one per reported engagement.
    pub pdfs: Vec<PdfExport>,
}

/// The two renderers every page goes through: one escapes for the site, one for the PDF.
struct Renderers {
    site: Renderer,
    pdf: Renderer,
}

pub fn build(input: &BookInput<'_>, templates: &TemplateSet) -> Result<Book> {
    let renderers = Renderers {
        site: Renderer::new(templates, Target::Site)?,
        pdf: Renderer::new(templates, Target::Pdf)?,
    };
    let mut plan = Plan::default();
    let aggregated = aggregated_export(input);
    let communities = &input.report.communities;
    let engagements = crate::parallel::map(communities.len(), |index| {
        let community = communities.iter().nth(index).expect("in range");
        engagement_files(input, community, &renderers)
    })
    .into_iter()
    .collect::<Result<Vec<EngagementFiles>>>()?;
    let mut exports = vec![aggregated.clone()];
    let mut toc = Vec::new();
    for files in engagements {
        plan.extend(files.plan);
        toc.push(files.toc);
        exports.extend(files.pdf);
    }
    let (chart_files, charts) = overview::charts(input)?;
    plan.extend(chart_files);
    plan.extend(downloads::overview(input)?);
    plan.extend(overview_pages(input, charts, &exports, &aggregated, &renderers)?);
    let manifest = manifest::Manifest::new(input, &aggregated, &exports);
    plan.add(layout::MANIFEST, manifest.json()?);
    plan.add(layout::MANIFEST_CSV, manifest.csv()?);
    plan.add(layout::PROVENANCE, format!("{}\n", serde_json::to_string_pretty(&input.provenance)?));
    plan.extend(project::files(input, templates, &renderers.site, toc, &exports)?);
    Ok(Book { plan, pdfs: exports })
}

/// The dashboard, the capacity page and the monthly report, and the monthly report's PDF page.
fn overview_pages(
    input: &BookInput<'_>,
    charts: overview::OverviewCharts,
    exports: &[PdfExport],
    aggregated: &PdfExport,
    renderers: &Renderers,
) -> Result<Plan> {
    let reports: Vec<ReportLink> =
        exports.iter().map(|e| ReportLink { label: e.title.clone(), path: e.output.clone() }).collect();
    let mut overview = overview::overview(input, charts, reports)?;
    let mut files = Plan::default();
    for (path, template) in [
        (layout::DASHBOARD, "dashboard.md.j2"),
        (layout::CAPACITY, "capacity.md.j2"),
        (layout::MONTHLY_REPORT, "monthly-report.md.j2"),
        (layout::DATA_WARNINGS, "data-warnings.md.j2"),
    ] {
        files.add(path, renderers.site.render(template, &with_root(&overview, &layout::root_of(path)))?);
    }
    if overview.changes.is_some() {
        let path = layout::SINCE_LAST_MEETING;
        files.add(
            path,
            renderers
                .site
                .render("since-last-meeting.md.j2", &with_root(&overview, &layout::root_of(path)))?,
        );
    }
    overview.reports.clear();
    files.add(
        aggregated.article.clone(),
        renderers.pdf.render("monthly-report.md.j2", &with_root(&overview, &aggregated.root))?,
    );
    Ok(files)
}

/// What one engagement adds to the book.
struct EngagementFiles {
    plan: Plan,
    toc: TocEntry,
    pdf: Option<PdfExport>,
}

/// One community's charts, downloads and page, led by its current engagement, and its PDF page
/// when it is reported.
fn engagement_files(
    input: &BookInput<'_>,
    community: &CommunityMonth,
    renderers: &Renderers,
) -> Result<EngagementFiles> {
    let paths = &input.communities[community.engagement];
    let (mut plan, charts) = engagement::charts(input, community, paths)?;
    plan.extend(downloads::engagement(input, community, paths)?);
    let page = engagement::page(input, community, paths, charts)?;
    plan.add(paths.page.clone(), renderers.site.render("engagement.md.j2", &page)?);
    let toc = TocEntry { file: paths.page.clone(), title: page.community.clone() };
    let mut pdf = None;
    if community.reported {
        let export = engagement_export(input, &page.title, &page.community, paths);
        let report = page.into_report(export.root.clone());
        plan.add(export.article.clone(), renderers.pdf.render("engagement.md.j2", &report)?);
        pdf = Some(export);
    }
    Ok(EngagementFiles { plan, toc, pdf })
}

#[derive(serde::Serialize)]
struct Rooted<'a, T> {
    root: &'a str,
    #[serde(flatten)]
    page: &'a T,
}

fn with_root<'a, T>(page: &'a T, root: &'a str) -> Rooted<'a, T> {
    Rooted { root, page }
}

fn aggregated_export(input: &BookInput<'_>) -> PdfExport {
    let month = month_name(input.report.month);
    let labels = input.phrases.page_labels();
    let values = [("month", month.as_str()), ("service", input.settings.service_name.as_str())];
    let name = slug::slugify(&format!("{} ces report", input.settings.organisation), 40);
    PdfExport::new(
        "monthly-report".to_string(),
        layout::aggregated_pdf(&name, input.report.month),
        layout::MONTHLY_REPORT_PROJECT.to_string(),
        (
            fill(&labels.aggregated_report_title, &values),
            fill(&labels.aggregated_report_community, &values),
            &fill(&labels.aggregated_report_header, &values),
        ),
        input.report_period(),
        input.as_of,
    )
}

fn engagement_export(
    input: &BookInput<'_>,
    title: &str,
    community: &str,
    paths: &CommunityPaths,
) -> PdfExport {
    PdfExport::new(
        format!("community-{}", paths.slug),
        paths.pdf(input.report.month),
        paths.pdf_project.clone(),
        (
            title.to_string(),
            community.to_string(),
            &fill(
                &input.phrases.page_labels().community_report_header,
                &[("community", community), ("month", &month_name(input.report.month))],
            ),
        ),
        input.report_period(),
        input.as_of,
    )
}
