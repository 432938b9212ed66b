//! `brief`: Business Development's check-in brief for one community (seed 000). The brief is
//! written into a folder of its own (the Markdown page, its chart, the PDF's small MyST
//! project), then its PDF is built offline like the monthly ones.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;

use crate::cli::{DataArgs, TemplateArgs};
use crate::figures::brief::TopicTable;
use crate::figures::communities::current_engagement;
use crate::figures::{self};
use crate::model::{Dataset, EngagementId};
use crate::present::Phrases;
use crate::render::{self, PdfJob, Toolchain};
use crate::site::layout::{self, BriefPaths};
use crate::site::slug::{slugify, unique_slugs};
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
    let topics = TopicTable::parse(templates.text(TOPICS))
        .map_err(|problem| anyhow!("template {TOPICS}: {problem}"))?;
    // Before anything is written: without the toolchain there would be no PDF.
    let tools = if output.pdf { Some(Toolchain::find()?) } else { None };
    let Some(super::Loaded { dataset, diagnostics, settings }) = super::read(data)? else {
        return Ok(1);
    };
    let found = find_community(&dataset, community)?;
    let engagement =
        current_engagement(&dataset, &found.engagements, as_of).expect("a community has an engagement");
    let figures = figures::compute(&dataset, &settings, as_of);
    let brief = figures::brief::brief(&dataset, &figures, engagement, &topics);
    let warnings: Vec<String> = diagnostics.warnings().map(|w| w.to_string()).collect();
    if !warnings.is_empty() {
        eprintln!("{} data warnings: run `ces-report check` on the data folder to list them", warnings.len());
    }
    let (input, _) =
        BookInput::new(&dataset, &figures, &settings, &phrases, None, warnings, provenance(data, as_of)?);
    let paths = BriefPaths::new(&found.slug, as_of);
    let mut folder = site::brief::folder(&input, &brief, &topics, &paths, &templates)?;
    if tools.is_some() {
        // Built below: the tool owns it from now on, so the next brief replaces it.
        folder.plan.reserve(folder.pdf.output.clone());
    }
    let out =
        output.folder.map_or_else(|| PathBuf::from(layout::brief_folder(&found.slug)), Path::to_path_buf);
    crate::output::write(&folder.plan, &out)?;
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
    Ok(Provenance::new(as_of, data.known_at, super::input_fingerprints(data)?))
}

/// The community a brief is asked for: its engagements and the slug its files are named by.
#[derive(Debug, PartialEq)]
struct Community {
    engagements: Vec<EngagementId>,
    slug: String,
}

/// The communities of the data, each name once, with the slug it gets (a short hash added
/// when two names make the same one, as for the book's files).
fn communities(dataset: &Dataset) -> Vec<(&str, String)> {
    let mut names: Vec<&str> = Vec::new();
    for engagement in &dataset.engagements {
        if !names.contains(&engagement.community.as_str()) {
            names.push(&engagement.community);
        }
    }
    let (slugs, _) = unique_slugs(names.iter().map(|name| (*name, *name)), site::SLUG_LIMIT);
    names.into_iter().zip(slugs).collect()
}

/// The community called `wanted`: its name as typed in Airtable, trimmed and in any case, or
/// else its slug (`rio-claro-data-society`). Names that differ only in case are one community.
fn find_community(dataset: &Dataset, wanted: &str) -> Result<Community> {
    let known = communities(dataset);
    let key = wanted.trim().to_lowercase();
    let by_name: Vec<&(&str, String)> =
        known.iter().filter(|(name, _)| name.trim().to_lowercase() == key).collect();
    let matched = if by_name.is_empty() {
        known.iter().filter(|(name, slug)| *slug == key || slugify(name, site::SLUG_LIMIT) == key).collect()
    } else {
        by_name
    };
    let Some((_, slug)) = matched.first() else {
        bail!("{}", unknown_community(wanted, &known));
    };
    let engagements = dataset
        .engagements
        .iter_enumerated()
        .filter(|(_, e)| matched.iter().any(|(name, _)| *name == e.community))
        .map(|(id, _)| id)
        .collect();
    Ok(Community { engagements, slug: slug.clone() })
}

/// `no community "X": known communities are A, B, C` (alphabetical).
fn unknown_community(wanted: &str, known: &[(&str, String)]) -> String {
    let wanted = crate::text::replace_unsafe(wanted);
    let mut names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
    names.sort_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b)));
    if names.is_empty() {
        format!("no community \"{wanted}\": the data has no engagements")
    } else {
        format!("no community \"{wanted}\": known communities are {}", names.join(", "))
    }
}
