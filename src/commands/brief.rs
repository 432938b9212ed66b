//! `brief`: Business Development's check-in brief for one community (seed 000). The brief is
//! written into a folder of its own (the Markdown page, its chart, the PDF's small MyST
//! project), then its PDF is built offline like the monthly ones.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;

use crate::cli::{DataArgs, TemplateArgs};
use crate::figures::brief::TopicTable;
use crate::figures::communities::{self, Found};
use crate::figures::{self, Figures};
use crate::model::{CommunityId, Dataset, EngagementId};
use crate::present::Phrases;
use crate::render::{self, PdfJob, Toolchain};
use crate::site::layout::{self, BriefPaths};
use crate::site::slug::slugify;
use crate::site::{self, BookInput, Provenance};

/// The table of the kinds of work, under templates/.
const TOPICS: &str = "brief-topics.toml";

/// Where the brief goes, and whether its PDF is built.
pub(super) struct Output<'a> {
    pub(super) folder: Option<&'a Path>,
    pub(super) pdf: bool,
}

pub(super) fn run(
    data: &DataArgs,
    community: &str,
    as_of: NaiveDate,
    output: Output<'_>,
    templates: &TemplateArgs,
) -> Result<i32> {
    let templates = templates.load()?;
    let phrases = Phrases::new(&templates)?;
    let topics = TopicTable::from_toml(templates.text(TOPICS))
        .map_err(|problem| anyhow!("template {TOPICS}: {problem}"))?;
    // Before anything is written: without the toolchain there would be no PDF.
    let tools = if output.pdf { Some(Toolchain::find()?) } else { None };
    let Some(super::Loaded { dataset, diagnostics, settings }) = super::read(data)? else {
        return Ok(1);
    };
    let figures = figures::compute(&dataset, &settings, as_of);
    let (engagement, slug) = find_community(&dataset, &figures, community)?;
    let brief = figures::brief::brief(&dataset, &figures, engagement, &topics);
    let warnings: Vec<String> = diagnostics.warnings().map(|w| w.to_string()).collect();
    if !warnings.is_empty() {
        crate::say!(
            "{} data warnings: run `ces-report check` on the data folder to list them",
            warnings.len()
        );
    }
    let report = figures::month::report(&dataset, &figures, &settings, crate::calendar::Month::of(as_of));
    let (input, _) =
        BookInput::new(&dataset, &figures, &report, &settings, &phrases, warnings, provenance(data, as_of)?);
    let paths = BriefPaths::new(&slug, as_of);
    let mut folder = site::brief::folder(&input, &brief, &paths, &templates)?;
    if tools.is_some() {
        // Built below: the tool owns it from now on, so the next brief replaces it.
        folder.plan.reserve(folder.pdf.output.clone());
    }
    let out = output.folder.map_or_else(|| PathBuf::from(layout::brief_folder(&slug)), Path::to_path_buf);
    crate::output::write(&folder.plan, &out, crate::output::OutputKind::Brief)?;
    let name = crate::text::replace_unsafe(&dataset.engagements[engagement].name);
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "brief     {} ({name}, as of {as_of})", out.join(paths.page).display())?;
    if let Some(tools) = tools {
        let job =
            PdfJob { project: out.join(folder.pdf.project_folder()), output: out.join(&folder.pdf.output) };
        for pdf in render::build_pdfs(&tools, &out, &[job], 1, as_of)? {
            let pages = pdf.pages.map_or("?".to_string(), |p| p.to_string());
            writeln!(
                stdout,
                "PDF       {} ({pages} pages, {} KB)",
                pdf.path.display(),
                pdf.bytes.div_ceil(1024)
            )?;
        }
    }
    Ok(0)
}

/// What the brief was made from: the tool, the dates and a hash of each input file.
fn provenance(data: &DataArgs, as_of: NaiveDate) -> Result<Provenance> {
    Ok(Provenance::new(as_of, data.known_at, super::input_fingerprints(data)?, crate::render::pinned_typst()))
}

/// The community a brief is asked for (see `figures::communities::matching`): its current
/// engagement and the slug the book names its files by.
fn find_community(dataset: &Dataset, figures: &Figures, wanted: &str) -> Result<(EngagementId, String)> {
    let (paths, _) = site::community_paths(dataset, figures);
    let slugs = |id: CommunityId| {
        let community = &figures.communities[id];
        (paths[community.current].slug.clone(), slugify(&community.name, site::SLUG_LIMIT))
    };
    let known: Vec<&str> = figures.communities.iter().map(|c| c.name.as_str()).collect();
    match communities::matching(&figures.communities, wanted, slugs) {
        Found::One(id) => Ok((figures.communities[id].current, slugs(id).0)),
        Found::Several(ids) => {
            let names: Vec<String> = ids
                .iter()
                .map(|id| format!("\"{}\" ({})", figures.communities[*id].name, slugs(*id).0))
                .collect();
            bail!(
                "community \"{}\" matches {}: give the name exactly as written, or the file name",
                crate::text::replace_unsafe(wanted),
                names.join(" and ")
            )
        }
        Found::None => bail!("{}", unknown_community(wanted, &known)),
    }
}

/// `no community "X": known communities are A, B, C` (alphabetical).
fn unknown_community(wanted: &str, known: &[&str]) -> String {
    let wanted = crate::text::replace_unsafe(wanted);
    let mut names: Vec<&str> = known.to_vec();
    names.sort_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b)));
    if names.is_empty() {
        format!("no community \"{wanted}\": the data has no engagements")
    } else {
        format!("no community \"{wanted}\": known communities are {}", names.join(", "))
    }
}
