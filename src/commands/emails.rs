//! `emails`: seed 002's introduction and wrap-up emails due as of a date, written as `.eml`
//! drafts, with each community's PDF from the book attached to its wrap-ups.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::cli::EmailsArgs;
use crate::drafts::{self, Draft, DraftInput, DraftOptions, Report};
use crate::figures;
use crate::figures::emails::{due_emails, DueEmail, EmailKind};
use crate::file_plan::Plan;
use crate::model::{Dataset, EngagementId};
use crate::site::{layout, manifest};
use crate::text::replace_unsafe;

pub(super) fn run(args: &EmailsArgs) -> Result<i32> {
    let as_of = args.as_of.unwrap_or_else(super::today);
    let templates = args.templates.load()?;
    let Some(super::Loaded { dataset, diagnostics, settings }) = super::read(&args.data)? else {
        return Ok(1);
    };
    super::print_diagnostics(diagnostics.warnings());
    let figures = figures::compute(&dataset, &settings, as_of);
    let due = due_emails(&dataset, &figures.allocations, as_of);
    let reports = book_reports(&args.book, &dataset, &due)?;
    warn_without_book(&args.book, &due);
    let options = DraftOptions {
        from: args.from.clone(),
        report_url: args.report_url.clone(),
        feedback_url: args.feedback_url.clone(),
    };
    let input = DraftInput {
        dataset: &dataset,
        figures: &figures,
        settings: &settings,
        options: &options,
        reports: &reports,
    };
    let written = drafts::drafts(&input, &due, &templates)?;
    for warning in &written.warnings {
        eprintln!("warning: {}", replace_unsafe(warning));
    }
    let mut plan = Plan::default();
    for draft in &written.drafts {
        plan.add(draft.path.clone(), draft.eml.clone());
    }
    crate::output::write(&plan, &args.out)?;
    print_written(&written.drafts, &args.out, as_of)?;
    Ok(0)
}

/// A wrap-up due with no book to take its report from is worth a word: the default `book`
/// folder may simply not be where the job runs.
fn warn_without_book(book: &Path, due: &[DueEmail]) {
    let wrap_ups_due = due.iter().any(|email| email.kind == EmailKind::WrapUp && email.missing.is_empty());
    if wrap_ups_due && !book.join(layout::MANIFEST).is_file() {
        eprintln!(
            "warning: {} has no {}: no report is attached to the wrap-ups (run render first, or give --book)",
            book.display(),
            layout::MANIFEST
        );
    }
}

/// Each draft on stdout, with its attachment; the count on stderr, like `build`'s.
fn print_written(drafts: &[Draft], out_dir: &Path, as_of: NaiveDate) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for draft in drafts {
        let attached =
            draft.attached.as_ref().map_or_else(String::new, |file| format!("  (attached: {file})"));
        writeln!(out, "{:<13}{}{attached}", draft.kind.slug(), out_dir.join(&draft.path).display())?;
    }
    let count = drafts.len();
    eprintln!(
        "wrote {count} draft{} to {} (emails due as of {as_of})",
        if count == 1 { "" } else { "s" },
        out_dir.display()
    );
    Ok(())
}

/// The community PDFs in the book that the wrap-ups due can attach, read from the files its
/// manifest lists. A book without a manifest, or a PDF not rendered, gives none.
fn book_reports(book: &Path, dataset: &Dataset, due: &[DueEmail]) -> Result<HashMap<EngagementId, Report>> {
    let manifest_path = book.join(layout::MANIFEST);
    if !manifest_path.is_file() {
        return Ok(HashMap::new());
    }
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let listed = manifest::reports(&text).with_context(|| {
        format!("{} is not a manifest written by ces-report build", manifest_path.display())
    })?;
    let mut reports = HashMap::new();
    let wrapping_up = due.iter().filter(|email| email.kind == EmailKind::WrapUp && email.missing.is_empty());
    for email in wrapping_up {
        let engagement = dataset.allocations[email.allocation].engagement;
        if reports.contains_key(&engagement) {
            continue;
        }
        let Some(report) = listed.get(&dataset.engagements[engagement].name) else { continue };
        let pdf_path = book.join(&report.pdf);
        if !pdf_path.is_file() {
            continue;
        }
        let pdf = std::fs::read(&pdf_path).with_context(|| format!("cannot read {}", pdf_path.display()))?;
        let file_name =
            Path::new(&report.pdf).file_name().map_or_else(String::new, |n| n.to_string_lossy().into());
        reports.insert(engagement, Report { month: report.month, file_name, pdf });
    }
    Ok(reports)
}
