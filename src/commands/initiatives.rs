//! `initiatives`: seed 002's P&S initiatives, one draft per allocation starting within two
//! iterations or active, for a script to create on the P&S project board. The tool itself
//! makes no network call: it prints the drafts (Markdown to read, JSON for the script) or
//! writes them into a folder.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::cli::{DataArgs, DraftFormat, TemplateArgs};
use crate::figures;
use crate::file_plan::Plan;
use crate::initiatives::github_markdown;
use crate::initiatives::{drafts, Drafts, Wording};

/// The JSON file written beside the bodies with `--out`.
const JSON_FILE: &str = "initiatives.json";

/// Where the drafts go: a folder, or stdout in a format.
pub(super) enum Destination<'a> {
    Folder(&'a Path),
    Stdout(DraftFormat),
}

pub(super) fn run(
    data: &DataArgs,
    as_of: NaiveDate,
    destination: Destination<'_>,
    templates: &TemplateArgs,
) -> Result<i32> {
    let wording = Wording::new(&templates.load()?)?;
    let Some(super::Loaded { dataset, settings, .. }) = super::read(data)? else {
        return Ok(1);
    };
    let figures = figures::compute(&dataset, &settings, as_of);
    let drafts = drafts(&dataset, &figures, &wording, &settings.organisation)?;
    match destination {
        Destination::Folder(out) => {
            crate::output::write(&folder_plan(&drafts)?, out, crate::output::OutputKind::Initiatives)?;
            crate::say!(
                "wrote {} initiatives to {} (as of {as_of})",
                drafts.initiatives.len(),
                out.display()
            );
        }
        Destination::Stdout(format) => {
            if drafts.initiatives.is_empty() && format == DraftFormat::Md {
                crate::say!(
                    "no allocation is active on {as_of} or starts within {} days of it",
                    settings.windows.upcoming_days
                );
            }
            let text = match format {
                DraftFormat::Json => json(&drafts)?,
                DraftFormat::Md => markdown(&drafts),
            };
            std::io::stdout().lock().write_all(crate::text::replace_unsafe(&text).as_bytes())?;
        }
    }
    Ok(0)
}

/// One Markdown body per initiative (for `gh issue create --body-file`) and the JSON.
fn folder_plan(drafts: &Drafts) -> Result<Plan> {
    let mut plan = Plan::default();
    for initiative in &drafts.initiatives {
        plan.add(initiative.file.clone(), initiative.body.clone());
    }
    plan.add(JSON_FILE, json(drafts)?);
    Ok(plan)
}

fn json(drafts: &Drafts) -> Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(drafts)?))
}

/// Every initiative as a level-one heading (its title) and its body, separated by rules: a
/// preview to read, in the same Markdown the tracker shows.
fn markdown(drafts: &Drafts) -> String {
    drafts
        .initiatives
        .iter()
        .map(|initiative| format!("# {}\n\n{}", github_markdown::inline(&initiative.title), initiative.body))
        .collect::<Vec<_>>()
        .join("\n---\n\n")
}
