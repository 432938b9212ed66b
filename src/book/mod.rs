//! Stage 4: the figures → a MyST project in memory (pages, charts, CSV downloads, myst.yml,
//! one small MyST project per PDF, the email manifest), ready for [`crate::output::write`].
//!
//! ```text
//! myst.yml, myst.offline.yml   the site (toc, theme) and its PDF exports; offline variant
//! index.md, capacity.md, monthly-report.md, engagements/<community>.md
//! figures/…svg, data/…csv       charts and the tables behind them
//! pdf/monthly-report/           one MyST project per PDF (fast to build, PDF-safe escaping)
//! pdf/communities/<community>/
//! exports/<org>-ces-report-<month>.pdf, exports/communities/<community>-<month>.pdf
//! exports/manifest.json         the per-community PDFs and their recipients, for the email job
//!
//! Every file about one community lives under a `communities/` folder (or is the page
//! `engagements/<community>.md`) and the tool's own files never do, so no community name can
//! produce the path of the aggregated report or of another community's files.
//! _templates/                   the Typst template and offline Typst packages
//! ```

pub mod engagement;
pub mod overview;
pub mod slug;
pub mod tables;
pub mod views;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use self::engagement::{engagement_page, EngagementPage, EngagementPaths};
use self::overview::{overview, ReportLink};
use crate::figures::calendar::Month;
use crate::figures::Figures;
use crate::load::contacts::Role;
use crate::model::Dataset;
use crate::output::Plan;
use crate::pages::{Renderer, Target, TemplateSet};
use crate::settings::Settings;

/// What every page is built from.
#[derive(Clone)]
pub struct BookContext<'a> {
    pub dataset: &'a Dataset,
    pub figures: &'a Figures,
    pub settings: &'a Settings,
    pub as_of: NaiveDate,
    /// Set for a monthly report (`--month`): that month's activity is highlighted.
    pub month: Option<Month>,
    pub warnings: Vec<String>,
}

/// `October 2026`.
pub fn month_name(month: Month) -> String {
    month.first_day().format("%B %Y").to_string()
}

/// One PDF: the report it comes from and where it is written.
#[derive(Debug, Clone, Serialize)]
pub struct PdfExport {
    pub id: String,
    /// `exports/<file>.pdf`, from the book root.
    pub output: String,
    /// The page of its small project, from the book root.
    pub article: String,
    pub title: String,
    pub community: String,
    pub period: String,
    pub as_of: String,
    /// From its project folder back to the book root: `../../` or `../../../`.
    pub root: String,
}

impl PdfExport {
    fn new(
        id: String,
        output: String,
        project_folder: String,
        title: String,
        community: String,
    ) -> PdfExport {
        let root = "../".repeat(project_folder.split('/').count());
        PdfExport {
            id,
            output,
            article: format!("{project_folder}/report.md"),
            title,
            community,
            period: String::new(),
            as_of: String::new(),
            root,
        }
    }

    /// The folder of its small MyST project, from the book root.
    pub fn project_folder(&self) -> &str {
        self.article.rsplit_once('/').map_or("", |(folder, _)| folder)
    }
}

#[derive(Serialize)]
struct TocEntry {
    file: String,
    title: String,
}

#[derive(Serialize)]
struct MystConfig<'a> {
    title: String,
    organisation: &'a str,
    engagements: Vec<TocEntry>,
    exports: &'a [PdfExport],
}

#[derive(Serialize)]
struct Recipient {
    name: String,
    email: String,
}

#[derive(Serialize)]
struct ManifestEntry {
    engagement: String,
    community: String,
    status: &'static str,
    pdf: String,
    to: Vec<Recipient>,
    cc: Vec<Recipient>,
}

#[derive(Serialize)]
struct Manifest {
    as_of: String,
    month: String,
    organisation: String,
    aggregated_pdf: String,
    communities: Vec<ManifestEntry>,
}

/// The month the PDFs report on and its first day.
fn report_month(context: &BookContext<'_>) -> Month {
    context.month.unwrap_or(Month::of(context.as_of))
}

/// Engagements that get a PDF this month: running during the month, or with activity in it.
fn reported_this_month(context: &BookContext<'_>, engagement: usize) -> bool {
    let month = report_month(context);
    let record = &context.dataset.engagements[engagement];
    let running = record.start.is_none_or(|start| start <= month.last_day())
        && record.end.is_none_or(|end| end >= month.first_day());
    let active = record
        .projects
        .iter()
        .flat_map(|p| &context.dataset.projects[*p].allocations)
        .flat_map(|a| context.dataset.activities_of(*a))
        .any(|activity| Month::of(activity.start) == month && activity.start <= context.as_of);
    running || active
}

/// Longest community slug in a file name, in characters.
const SLUG_LIMIT: usize = 60;

/// A generated book: the files to write and the PDFs its projects produce.
pub struct Book {
    pub plan: Plan,
    /// The aggregated report first, then one per reported engagement.
    pub pdfs: Vec<PdfExport>,
    /// Communities whose names make the same file name, and the names their files got.
    pub clashes: Vec<slug::SlugClash>,
}

pub fn build(context: &BookContext<'_>, templates: &TemplateSet) -> Result<Book> {
    let site = Renderer::new(templates, Target::Site)?;
    let pdf = Renderer::new(templates, Target::Pdf)?;
    let mut plan = Plan::default();
    let dataset = context.dataset;
    let (slugs, clashes) = slug::unique_slugs(
        dataset.engagements.iter().map(|e| (e.community.as_str(), e.name.as_str())),
        SLUG_LIMIT,
    );
    let mut with_clashes = context.clone();
    with_clashes.warnings.extend(clashes.iter().map(clash_warning));
    let context = &with_clashes;
    let paths: Vec<EngagementPaths> = slugs.iter().map(|slug| EngagementPaths::new(slug)).collect();
    let month = report_month(context);
    let tag = month.to_string();
    let period =
        format!("{} to {}", month.first_day(), month.last_day().min(context.as_of.max(month.first_day())));

    let aggregated = PdfExport {
        period: period.clone(),
        as_of: context.as_of.to_string(),
        ..PdfExport::new(
            "monthly-report".to_string(),
            format!(
                "exports/{}-{tag}.pdf",
                slug::slugify(&format!("{} ces report", context.settings.organisation), 40)
            ),
            "pdf/monthly-report".to_string(),
            format!("Community Enablement Service: monthly report, {}", month_name(month)),
            "All engagements".to_string(),
        )
    };
    let renderers = Renderers { site: &site, pdf: &pdf };
    let outputs = crate::parallel::map(paths.len(), |index| {
        engagement_output(context, index, &paths[index], &renderers, &tag, &period)
    });
    let mut exports = vec![aggregated.clone()];
    let mut manifest = Vec::new();
    let mut toc = Vec::new();
    for output in outputs {
        let output = output?;
        plan.extend(output.plan);
        toc.push(output.toc);
        if let Some((export, entry)) = output.pdf {
            exports.push(export);
            manifest.push(entry);
        }
    }
    let pages: Vec<String> = paths.iter().map(|p| p.page.clone()).collect();
    let reports: Vec<ReportLink> =
        exports.iter().map(|e| ReportLink { label: e.title.clone(), path: e.output.clone() }).collect();
    let mut overview = overview(context, &pages, reports, &mut plan)?;
    plan.add("index.md", site.render("dashboard.md.j2", &with_root(&overview, ""))?);
    plan.add("capacity.md", site.render("capacity.md.j2", &with_root(&overview, ""))?);
    plan.add("monthly-report.md", site.render("monthly-report.md.j2", &with_root(&overview, ""))?);
    overview.reports.clear();
    plan.add(
        aggregated.article.clone(),
        pdf.render("monthly-report.md.j2", &with_root(&overview, &aggregated.root))?,
    );
    tables::commitment(context, &mut plan)?;
    tables::engagements(context, &mut plan)?;
    add_project_files(context, templates, &site, toc, &exports, &mut plan)?;
    let manifest = Manifest {
        as_of: context.as_of.to_string(),
        month: tag,
        organisation: context.settings.organisation.clone(),
        aggregated_pdf: aggregated.output,
        communities: manifest,
    };
    plan.add("exports/manifest.json", format!("{}\n", serde_json::to_string_pretty(&manifest)?));
    Ok(Book { plan, pdfs: exports, clashes })
}

/// `communities "A b" and "a-b" both make the file name "a-b": their files are named …`.
pub fn clash_warning(clash: &slug::SlugClash) -> String {
    let names: Vec<String> = clash.names.iter().map(|(name, _)| format!("\"{name}\"")).collect();
    let files: Vec<String> = clash.names.iter().map(|(_, slug)| format!("\"{slug}\"")).collect();
    format!(
        "communities {} make the same file name \"{}\": their files are named {}",
        names.join(" and "),
        clash.slug,
        files.join(" and ")
    )
}

struct Renderers<'a> {
    site: &'a Renderer,
    pdf: &'a Renderer,
}

/// What one engagement adds to the book.
struct EngagementOutput {
    plan: Plan,
    toc: TocEntry,
    pdf: Option<(PdfExport, ManifestEntry)>,
}

fn engagement_output(
    context: &BookContext<'_>,
    index: usize,
    paths: &EngagementPaths,
    renderers: &Renderers<'_>,
    tag: &str,
    period: &str,
) -> Result<EngagementOutput> {
    let mut plan = Plan::default();
    let mut page = engagement_page(context, index, paths, &mut plan)?;
    plan.add(paths.page.clone(), renderers.site.render("engagement.md.j2", &page)?);
    let toc =
        TocEntry { file: paths.page.clone(), title: context.dataset.engagements[index].community.clone() };
    let mut pdf = None;
    if reported_this_month(context, index) {
        let export = engagement_export(context, &page, paths, tag, period);
        page.site = false;
        page.root = export.root.clone();
        plan.add(export.article.clone(), renderers.pdf.render("engagement.md.j2", &page)?);
        let entry = manifest_entry(context, index, &export);
        pdf = Some((export, entry));
    }
    Ok(EngagementOutput { plan, toc, pdf })
}

#[derive(Serialize)]
struct Rooted<'a, T> {
    root: &'a str,
    #[serde(flatten)]
    page: &'a T,
}

fn with_root<'a, T>(page: &'a T, root: &'a str) -> Rooted<'a, T> {
    Rooted { root, page }
}

fn engagement_export(
    context: &BookContext<'_>,
    page: &EngagementPage,
    paths: &EngagementPaths,
    tag: &str,
    period: &str,
) -> PdfExport {
    PdfExport {
        period: period.to_string(),
        as_of: context.as_of.to_string(),
        ..PdfExport::new(
            format!("community-{}", paths.slug),
            format!("exports/communities/{}-{tag}.pdf", paths.slug),
            format!("pdf/communities/{}", paths.slug),
            page.title.clone(),
            page.community.clone(),
        )
    }
}

/// Seed 002: To the Technical contacts, Cc the Administrative contacts; never Billing.
fn manifest_entry(context: &BookContext<'_>, engagement: usize, export: &PdfExport) -> ManifestEntry {
    let record = &context.dataset.engagements[engagement];
    let with_role = |role: Role| -> Vec<Recipient> {
        context
            .dataset
            .contacts
            .iter()
            .filter(|c| c.engagements.contains(&engagement) && c.roles.contains(&role) && !c.email.is_empty())
            .map(|c| Recipient { name: c.name.clone(), email: c.email.clone() })
            .collect()
    };
    ManifestEntry {
        engagement: record.name.clone(),
        community: record.community.clone(),
        status: context.figures.engagements[engagement].status.status.slug(),
        pdf: export.output.clone(),
        to: with_role(Role::Technical),
        cc: with_role(Role::Administrative),
    }
}

/// myst.yml, the offline variant, one small project per PDF, and the template assets.
fn add_project_files(
    context: &BookContext<'_>,
    templates: &TemplateSet,
    site: &Renderer,
    engagements: Vec<TocEntry>,
    exports: &[PdfExport],
    plan: &mut Plan,
) -> Result<()> {
    let config = MystConfig {
        title: format!("{} Community Enablement Service", context.settings.organisation),
        organisation: &context.settings.organisation,
        engagements,
        exports,
    };
    plan.add("myst.yml", site.render("myst.yml.j2", &config)?);
    plan.add("myst.offline.yml", OFFLINE_CONFIG);
    for export in exports {
        let folder = export.project_folder();
        #[derive(Serialize)]
        struct PdfProject<'a> {
            organisation: &'a str,
            export: &'a PdfExport,
        }
        let project = PdfProject { organisation: &context.settings.organisation, export };
        plan.add(format!("{folder}/myst.yml"), site.render("pdf-project.yml.j2", &project)?);
    }
    for (path, text) in templates.assets() {
        plan.add(format!("_templates/{path}"), text);
    }
    Ok(())
}

const OFFLINE_CONFIG: &str = "\
# Builds the site content with no network: `myst --config myst.offline.yml build --site`.
# It is myst.yml with a stand-in theme; use `myst build --html` for the real site.
version: 1
extends: myst.yml
site:
  template: _templates/offline-site
";
