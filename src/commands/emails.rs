//! `emails`: seed 002's introduction and wrap-up emails due as of a date, written as `.eml`
//! drafts, with each community's PDF from the book attached to its wrap-ups; with `--month`,
//! also each community's usage email for that month, complete and ready to send.
//!
//! The book is read back only as far as the tool wrote it: the files in its
//! `.ces-report-files`, regular files inside it. Which PDF goes to whom is computed from the
//! data, and the data must be the book's own (its `provenance.json`).

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use crate::calendar::Month;
use crate::cli::{DataArgs, EmailsArgs};
use crate::drafts::{self, Draft, DraftInput, DraftOptions, Report};
use crate::figures::emails::{due_emails, DueEmail, EmailKind};
use crate::figures::report::community_reported_in_month;
use crate::figures::{self, Figures};
use crate::file_plan::Plan;
use crate::model::{CommunityId, Dataset};
use crate::output::{owned_files, read_owned};
use crate::present::format::month_name;
use crate::site::layout::Communities;
use crate::site::{self, layout, manifest, WrittenProvenance};
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
    let folder = args.book.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_BOOK));
    let book = match Book::read(&folder, &args.data) {
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
fn require_book_of(month: Month, folder: &Path, book: Option<&Book>) -> Result<()> {
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

/// A book this tool wrote, as far as `emails` reads it.
struct Book {
    folder: PathBuf,
    owned: BTreeSet<String>,
    month: Month,
    as_of: NaiveDate,
}

impl Book {
    /// The book in `folder`, or `None` when it holds no book the tool wrote. An error when it
    /// was made from other data than `data`: its PDFs would not say what the emails say.
    fn read(folder: &Path, data: &DataArgs) -> Result<Option<Book>> {
        let Some(owned) = owned_files(folder)? else { return Ok(None) };
        if !owned.contains(layout::MANIFEST) {
            return Ok(None);
        }
        let text = |relative: &str| -> Result<String> {
            String::from_utf8(read_owned(folder, relative, &owned)?)
                .with_context(|| format!("{} is not UTF-8", folder.join(relative).display()))
        };
        let (month, as_of) = manifest::written_month(&text(layout::MANIFEST)?).with_context(|| {
            format!("{} is not a manifest written by ces-report", folder.join(layout::MANIFEST).display())
        })?;
        let provenance = WrittenProvenance::parse(&text(layout::PROVENANCE)?).with_context(|| {
            format!("{} is not written by ces-report", folder.join(layout::PROVENANCE).display())
        })?;
        match provenance.differs_from(&super::input_fingerprints(data)?, data.known_at) {
            None => Ok(Some(Book { folder: folder.to_path_buf(), owned, month, as_of })),
            Some(Some(file)) => bail!(
                "the book in {} was made from another {file} than the one in {}: render it again from this data, or give the book made from it",
                folder.display(),
                data.folder()?.display()
            ),
            Some(None) => bail!(
                "the book in {} was made with another --known-at: give the same one, or render it again",
                folder.display()
            ),
        }
    }

    /// The PDF of every community the book reports, as the tool names it; a PDF missing or not
    /// the tool's is a warning, and no email attaches it.
    fn reports(
        &self,
        dataset: &Dataset,
        figures: &Figures,
        paths: &Communities,
        warnings: &mut Vec<String>,
    ) -> HashMap<CommunityId, Report> {
        let mut reports = HashMap::new();
        for (id, community) in figures.communities.iter_enumerated() {
            if !community_reported_in_month(dataset, community, self.month, self.as_of) {
                continue;
            }
            let relative = paths[community.current].pdf(self.month);
            match read_owned(&self.folder, &relative, &self.owned) {
                Ok(pdf) => {
                    let file_name = relative.rsplit('/').next().unwrap_or_default().to_string();
                    reports.insert(id, Report { month: self.month, as_of: self.as_of, file_name, pdf });
                }
                Err(error) => warnings.push(format!(
                    "no report for community \"{}\": {error:#}; no email attaches one",
                    community.name
                )),
            }
        }
        reports
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
        writeln!(out, "{:<13}{}{attached}", draft.kind.slug(), out_dir.join(&draft.path).display())?;
    }
    let count = drafts.len();
    crate::say!(
        "wrote {count} draft{} to {} (emails due as of {as_of})",
        if count == 1 { "" } else { "s" },
        out_dir.display()
    );
    Ok(())
}
