//! Where every file of the book goes, defined once.
//!
//! ```text
//! myst.yml, myst.offline.yml        the site (toc, theme) and its PDF exports; offline variant
//! index.md, capacity.md, monthly-report.md
//! engagements/<community>.md        one page per engagement
//! figures/*.svg, data/*.csv         the organisation-wide charts and the tables behind them
//! figures/communities/<community>/  one community's charts
//! data/communities/<community>/     one community's downloads
//! pdf/monthly-report/               one small MyST project per PDF
//! pdf/communities/<community>/
//! exports/<org>-ces-report-<month>.pdf, exports/communities/<community>-<month>.pdf (render)
//! exports/manifest.json, .csv       the per-community PDFs, recipients and hours, for the email job
//! provenance.json                   tool version, as-of and known-at dates, input hashes
//! _templates/                       the Typst template, offline Typst packages, PDF fonts
//! ```
//!
//!
//! The email drafts (`ces-report emails`) go to their own folder, not the book:
//!
//! ```text
//! introduction-<allocation>.eml, wrap-up-<allocation>.eml
//! ```
//!
//! A check-in brief (`ces-report brief`) is not part of the book: it is a folder of its own,
//! `briefs/<community>/` by default, laid out like a small book so that the same PDF build
//! runs on it (see [`BriefPaths`]).
//!
//! Every file about one community lives under a `communities/` folder (or is the page
//! `engagements/<community>.md`) and the tool's own files never do, so no community name can
//! produce the path of the aggregated report or of another community's files.

use crate::calendar::Month;
use crate::model::{EngagementId, IdVec};

pub const DASHBOARD: &str = "index.md";
pub const CAPACITY: &str = "capacity.md";
pub const MONTHLY_REPORT: &str = "monthly-report.md";
/// What changed since the last meeting (the biweekly review).
pub const SINCE_LAST_MEETING: &str = "since-last-meeting.md";
/// Every data warning, which the dashboard counts and links to.
pub const DATA_WARNINGS: &str = "data-warnings.md";
pub const SITE_CONFIG: &str = "myst.yml";
pub const OFFLINE_CONFIG: &str = "myst.offline.yml";
pub const COMMITMENT_CHART: &str = "figures/commitment.svg";
pub const USAGE_CHART: &str = "figures/usage.svg";
pub const COMMITMENT_TABLE: &str = "data/commitment.csv";
pub const ENGAGEMENTS_TABLE: &str = "data/engagements.csv";
pub const MANIFEST: &str = "exports/manifest.json";
/// The same manifest as a spreadsheet: one row per community.
pub const MANIFEST_CSV: &str = "exports/manifest.csv";
/// What the book was made from: tool version, dates, a hash of each input file.
pub const PROVENANCE: &str = "provenance.json";
/// The template assets (Typst template, packages, fonts), copied as they are.
pub const TEMPLATES: &str = "_templates";
/// The fonts the PDFs are set in, for Typst (`TYPST_FONT_PATHS`).
pub const FONTS: &str = "_templates/fonts";
/// The offline stand-ins for the Typst packages MyST's export imports (`TYPST_PACKAGE_PATH`).
pub const TYPST_PACKAGES: &str = "_templates/typst-packages";
/// The aggregated report's small MyST project.
pub const MONTHLY_REPORT_PROJECT: &str = "pdf/monthly-report";
/// The page inside each PDF project.
pub const PDF_PAGE: &str = "report.md";

/// The aggregated report's PDF; `name` is the slug of "<organisation> ces report".
pub fn aggregated_pdf(name: &str, month: Month) -> String {
    format!("exports/{name}-{month}.pdf")
}

/// An email draft in the drafts folder: `kind` is `introduction` or `wrap-up`, `allocation`
/// the allocation's slug (unique among the allocations).
pub fn email_draft(kind: &str, allocation: &str) -> String {
    format!("{kind}-{allocation}.eml")
}

/// Where one community's files go; `slug` is unique among the engagements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityPaths {
    pub slug: String,
    pub page: String,
    figures: String,
    data: String,
    pub pdf_project: String,
}

impl CommunityPaths {
    pub fn new(slug: &str) -> CommunityPaths {
        CommunityPaths {
            slug: slug.to_string(),
            page: format!("engagements/{slug}.md"),
            figures: format!("figures/communities/{slug}"),
            data: format!("data/communities/{slug}"),
            pdf_project: format!("pdf/communities/{slug}"),
        }
    }

    pub fn pdf(&self, month: Month) -> String {
        format!("exports/communities/{}-{month}.pdf", self.slug)
    }

    /// The burn-up chart of the engagement's `ordinal`-th charted allocation.
    pub fn burn_chart(&self, ordinal: usize, allocation_slug: &str) -> String {
        format!("{}/burn-{ordinal:02}-{allocation_slug}.svg", self.figures)
    }

    /// Every allocation of the engagement on one time axis.
    pub fn timeline_chart(&self) -> String {
        format!("{}/timeline.svg", self.figures)
    }

    pub fn team_chart(&self) -> String {
        format!("{}/team-hours.svg", self.figures)
    }

    pub fn allocations_table(&self) -> String {
        format!("{}/allocations.csv", self.data)
    }

    pub fn activities_table(&self) -> String {
        format!("{}/activities.csv", self.data)
    }
}

/// The paths of every engagement's files.
pub type Communities = IdVec<EngagementId, CommunityPaths>;

/// The folder `ces-report brief` writes a community's check-in brief into, unless told
/// otherwise: one folder per community, so that one brief never replaces another's files.
pub fn brief_folder(slug: &str) -> String {
    format!("briefs/{slug}")
}

/// Where the files of one check-in brief go, inside its own folder:
///
/// ```text
/// brief.md                              the brief, for the site or the book
/// figures/quarters.svg                  hours delivered per quarter
/// pdf/brief/                            its small MyST project (page escaped for Typst)
/// _templates/                           the Typst template, offline Typst packages, fonts
/// provenance.json                       what it was made from
/// exports/<community>-brief-<as-of>.pdf the PDF (written by the PDF build)
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefPaths {
    pub page: &'static str,
    pub quarters_chart: &'static str,
    pub pdf_project: &'static str,
    pub pdf: String,
}

impl BriefPaths {
    /// `slug` names the community in the PDF's file name.
    pub fn new(slug: &str, as_of: chrono::NaiveDate) -> BriefPaths {
        BriefPaths {
            page: "brief.md",
            quarters_chart: "figures/quarters.svg",
            pdf_project: "pdf/brief",
            pdf: format!("exports/{slug}-brief-{as_of}.pdf"),
        }
    }
}

/// The path from a file at `path` back to the book root: `""`, `../`, `../../`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The path from a PDF project folder back to the book root.
pub fn root_of_folder(folder: &str) -> String {
    "../".repeat(folder.split('/').count())
}
