//! `emails`: seed 002's introduction and wrap-up emails due as of a date, written as `.eml`
//! drafts, with each community's PDF from the book attached to its wrap-ups; with `--month`,
//! also each community's usage email for that month, complete and ready to send.
//! The book is read back through `written_book`, only as far as the tool wrote it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use chrono::NaiveDate;

use crate::calendar::Month;
use crate::cli::EmailsArgs;
use crate::drafts::{self, Draft, DraftInput, DraftOptions};
use crate::figures;
use crate::figures::emails::{due_emails, DueEmail, EmailKind};
use crate::file_plan::Plan;
use crate::present::format::month_name;
use crate::site;
use crate::text::replace_unsafe;
use crate::written_book::WrittenBook;

pub(super) fn run(args: &EmailsArgs) -> Result<i32> {
    let as_of = args.as_of.unwrap_or_else(super::today);
    let templates = args.templates.load()?;
    let Some(super::Loaded { dataset, diagnostics, settings }) = super::read(&args.data)? else {
        return Ok(1);
    };
    super::print_diagnostics(diagnostics.warnings());
    let figures = figures::compute(&dataset, &settings, as_of);
    let due = due_emails(&dataset, &figures.allocations, as_of);
    let folder = args.book.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_BOOK));
    let inputs = super::input_fingerprints(&args.data)?;
    let book = match WrittenBook::read(&folder, (args.data.folder()?, &inputs), args.data.known_at) {
        // The default folder may hold some other book: without a word from the user, say so
        // and go on without it.
        Err(error) if args.book.is_none() => {
            crate::say!("warning: {}; no report is attached", replace_unsafe(&format!("{error:#}")));
            None
        }
        read => read?,
    };
    if let Some(month) = args.month {
        require_book_of(month, &folder, book.as_ref())?;
    }
    if book.is_none() {
        warn_without_book(&folder, &due);
    }
    let report_figures = book.as_ref().map(|book| figures::compute(&dataset, &settings, book.as_of));
    let (paths, _) = site::community_paths(&dataset, report_figures.as_ref().unwrap_or(&figures));
    let mut warnings = Vec::new();
    let reports = match (&book, &report_figures) {
        (Some(book), Some(book_figures)) => book.reports(&dataset, book_figures, &paths, &mut warnings),
        _ => HashMap::new(),
    };
    // Only the usage emails (`--month`) read the book's month.
    let month_report = match (&book, &report_figures, args.month) {
        (Some(book), Some(book_figures), Some(_)) => {
            Some(figures::month::report(&dataset, book_figures, &settings, book.month))
        }
        _ => None,
    };
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
        report_figures: report_figures.as_ref(),
        month_report: month_report.as_ref(),
    };
    let mut written = drafts::drafts(&input, &due, &templates)?;
    if args.month.is_some() {
        written.drafts.extend(drafts::usage_emails(&input, &templates, &paths)?);
    }
    for warning in warnings.iter().chain(&written.warnings) {
        crate::say!("warning: {}", replace_unsafe(warning));
    }
    let mut plan = Plan::default();
    for draft in &written.drafts {
        plan.add(draft.path.clone(), draft.eml.clone());
    }
    crate::output::write(&plan, &args.out, crate::output::OutputKind::Emails)?;
    print_written(&written.drafts, &args.out, as_of)?;
    Ok(0)
}

/// The book `emails` reads when `--book` is not given: where `render` writes by default.
const DEFAULT_BOOK: &str = "book";

/// `--month` asks for that month's usage emails: the book must be that month's.
fn require_book_of(month: Month, folder: &Path, book: Option<&WrittenBook>) -> Result<()> {
    match book {
        None => bail!(
            "--month {month}: {} holds no book written by ces-report: render {month} into it first, or give --book",
            folder.display()
        ),
        Some(book) if book.month != month => bail!(
            "--month {month}: the book in {} reports {} ({}), not {}: render {month} first, or give its book with --book",
            folder.display(),
            month_name(book.month),
            book.month,
            month_name(month)
        ),
        Some(_) => Ok(()),
    }
}

/// A wrap-up due with no book to take its report from is worth a word: the default `book`
/// folder may simply not be where the job runs.
fn warn_without_book(book: &Path, due: &[DueEmail]) {
    let wrap_ups_due = due.iter().any(|email| email.kind == EmailKind::WrapUp && email.missing.is_empty());
    if wrap_ups_due {
        crate::say!(
            "warning: {} holds no book written by ces-report: no report is attached to the wrap-ups (run render first, or give --book)",
            book.display()
        );
    }
}

/// Each draft on stdout, with its attachment; the count on stderr, like `build`'s.
fn print_written(drafts: &[Draft], out_dir: &Path, as_of: NaiveDate) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for draft in drafts {
        let attached =
            draft.attached.as_ref().map_or_else(String::new, |file| format!("  (attached: {file})"));
        writeln!(
            out,
            "{:<13}{}{attached}",
            crate::present::codes::email_slug(draft.kind),
            out_dir.join(&draft.path).display()
        )?;
    }
    let count = drafts.len();
    crate::say!(
        "wrote {count} draft{} to {} (emails due as of {as_of})",
        if count == 1 { "" } else { "s" },
        out_dir.display()
    );
    Ok(())
}
