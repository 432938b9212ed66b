//! `build`: write the MyST project for the figures as of a date.

use anyhow::Result;
use chrono::NaiveDate;

use crate::calendar::Month;
use crate::cli::{AsOfArgs, BookArgs, DataArgs};
use crate::figures;
use crate::present::Phrases;
use crate::site::{self, BookInput, Provenance};

/// What `build` wrote, for the summary line and for `render`.
pub(super) struct Built {
    pub(super) out: std::path::PathBuf,
    pub(super) files: usize,
    pub(super) as_of: NaiveDate,
    pub(super) pdfs: Vec<site::project::PdfExport>,
}

/// Generates the MyST project; `Ok(None)` when the data has errors (already printed).
pub(super) fn run(data: &DataArgs, as_of: &AsOfArgs, book: &BookArgs) -> Result<Option<Built>> {
    let (as_of, month) = as_of.resolve();
    let templates = book.templates.load()?;
    let phrases = Phrases::new(&templates)?;
    let Some(super::Loaded { dataset, diagnostics, settings }) = super::read(data)? else {
        return Ok(None);
    };
    super::print_diagnostics(diagnostics.warnings());
    let since = settings.meeting.last_before(as_of);
    let before = dataset.known_at(since);
    let (figures, before_figures) = super::figures_now_and_then(&dataset, &before, &settings, as_of, since);
    let warnings = diagnostics.warnings().map(|w| w.to_string()).collect();
    let provenance = Provenance::new(
        as_of,
        data.known_at,
        super::input_fingerprints(data)?,
        crate::render::pinned_typst(),
    );
    let report = figures::month::report(&dataset, &figures, &settings, month.unwrap_or(Month::of(as_of)));
    let changes = figures::changes::changes(
        figures::changes::State { dataset: &before, figures: &before_figures },
        figures::changes::State { dataset: &dataset, figures: &figures },
        &settings,
        None,
    );
    let (mut input, clashes) =
        BookInput::new(&dataset, &figures, &report, &settings, &phrases, warnings, provenance);
    input.month = month;
    input.meeting = Some(site::MeetingChanges { before: &before, changes: &changes });
    input.pulled_at = super::pulled_at(data.folder()?)?;
    for clash in &clashes {
        crate::say!("warning: {}", crate::text::replace_unsafe(&site::clash_warning(clash)));
    }
    let unaddressed = site::manifest::missing_recipients(&input);
    for warning in &unaddressed {
        crate::say!("warning: {}", crate::text::replace_unsafe(warning));
    }
    input.warnings.extend(unaddressed);
    let mut generated = site::build(&input, &templates)?;
    // render writes these PDFs later: the tool owns them from now on.
    for pdf in &generated.pdfs {
        generated.plan.reserve(pdf.output.clone());
    }
    crate::output::write(&generated.plan, &book.out, crate::output::OutputKind::Book)?;
    let files = generated.plan.len();
    crate::say!("wrote {files} files to {} (figures as of {as_of})", book.out.display());
    Ok(Some(Built { out: book.out.clone(), files, as_of, pdfs: generated.pdfs }))
}
