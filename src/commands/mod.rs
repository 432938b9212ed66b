//! One module per subcommand; each returns the process exit code. What they share: reading
//! the data (every input error printed, exit 1) and printing diagnostics safely.

mod brief;
mod build;
mod changes;
mod check;
mod emails;
mod initiatives;
mod plan;
mod pull;
mod render;
mod send;
mod summary;
mod templates;
mod what_if;

use std::io::Write;

use anyhow::Result;

use crate::cli::{Command, DataArgs, DraftFormat};
use crate::diagnostics::{Diagnostics, InputErrors};
use crate::load::Folder;
use crate::model::Dataset;
use crate::settings::Settings;

pub fn run(command: &Command) -> Result<i32> {
    match command {
        Command::Check { data } => check::run(data),
        Command::Summary { data, as_of, format, templates } => summary::run(data, as_of, *format, templates),
        Command::Changes { data, since, as_of, before, format, templates } => changes::run(
            data,
            changes::Period { since: *since, as_of: as_of.unwrap_or_else(today) },
            before.as_deref(),
            *format,
            templates,
        ),
        Command::Build { data, as_of, book } => {
            build::run(data, as_of, book).map(|built| built.map_or(1, |_| 0))
        }
        Command::Emails(args) => emails::run(args),
        Command::Pull { base, out, api_url, settings } => pull::run(base, out, api_url, settings.as_deref()),
        Command::Send { dir, smtp, dry_run, ledger, resend, mark_sent } => send::run(&send::SendArgs {
            dir,
            smtp: smtp.as_deref(),
            dry_run: *dry_run,
            ledger: ledger.as_deref(),
            resend,
            mark_sent,
        }),
        Command::Templates { dir } => templates::run(dir),
        Command::Plan { data, as_of, all, no_prorate } => {
            plan::run(data, as_of.unwrap_or_else(today), *all, !no_prorate)
        }
        Command::WhatIf { data, hours, from, to, as_of, format, templates } => {
            what_if::run(data, *hours, (*from, *to), as_of.unwrap_or_else(today), *format, templates)
        }
        Command::Initiatives { data, as_of, out, format, templates } => {
            let destination = match out {
                Some(out) => initiatives::Destination::Folder(out),
                None => initiatives::Destination::Stdout(format.unwrap_or(DraftFormat::Md)),
            };
            initiatives::run(data, as_of.unwrap_or_else(today), destination, templates)
        }
        Command::Brief { data, community, as_of, out, no_pdf, templates } => brief::run(
            data,
            community,
            as_of.unwrap_or_else(today),
            brief::Output { folder: out.as_deref(), pdf: !no_pdf },
            templates,
        ),
        Command::Render { data, as_of, book, jobs, html } => render::run(data, as_of, book, *jobs, *html),
    }
}

/// Today's date: read only when a command is given no date.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Every diagnostic on stderr, one line each, with nothing a terminal would act on.
fn print_diagnostics<'a>(diagnostics: impl Iterator<Item = &'a crate::diagnostics::Diagnostic>) {
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics {
        if let Err(error) = writeln!(stderr, "{}", crate::text::replace_unsafe(&diagnostic.report_line())) {
            crate::stderr_write_failed(&error);
            return;
        }
    }
}

/// Each input file and its SHA-256: the data folder's tables and the settings file, what a
/// book's provenance records.
fn input_fingerprints(data: &DataArgs) -> Result<Vec<(String, String)>> {
    let mut inputs = crate::load::fingerprints(data.folder()?)?;
    if let Some(file) = data.settings_file() {
        let name = file.file_name().map_or_else(String::new, |n| n.to_string_lossy().to_string());
        inputs.push((name, crate::load::sha256_of(&file)?));
    }
    Ok(inputs)
}

/// Ends a command's use of the data without freeing it record by record: the process exits
/// right after, and the system takes back a million activities' memory at once faster than
/// they are freed one by one.
fn leave_to_exit(dataset: Dataset) {
    std::mem::forget(dataset);
}

/// When the data folder's tables were pulled from Airtable, as people read it (`on 7 December
/// 2026 at 06:00 UTC`), from the `pull.json` a pull writes beside them; `None` for a hand
/// export.
fn pulled_at(folder: &std::path::Path) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    #[derive(serde::Deserialize)]
    struct Pull {
        pulled_at: String,
    }
    let path = folder.join("pull.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)?;
    let pull: Pull = serde_json::from_str(&text)
        .map_err(|error| anyhow::anyhow!("{}: not a pull record ({error})", path.display()))?;
    let time = chrono::DateTime::parse_from_rfc3339(&pull.pulled_at)
        .map_err(|_| anyhow::anyhow!("{}: pulled_at `{}` is not a time", path.display(), pull.pulled_at))?;
    Ok(Some(time.with_timezone(&chrono::Utc)))
}

/// The data of a run, read and linked.
/// The figures as of `as_of` and, worked out beside them, those of `earlier` as of `since`:
/// what `changes` and the since-last-meeting page compare.
fn figures_now_and_then(
    now: &Dataset,
    earlier: &Dataset,
    settings: &Settings,
    as_of: chrono::NaiveDate,
    since: chrono::NaiveDate,
) -> (crate::figures::Figures, crate::figures::Figures) {
    std::thread::scope(|scope| {
        let then = scope.spawn(|| crate::figures::compute(earlier, settings, since));
        let now = crate::figures::compute(now, settings, as_of);
        (now, then.join().expect("the figures of the earlier date"))
    })
}

struct Loaded {
    dataset: Dataset,
    diagnostics: Diagnostics,
    settings: Settings,
}

/// Reads the data. Input errors are all printed to stderr and give `Ok(None)`: the command
/// then exits 1 without computing anything.
fn read(data: &DataArgs) -> Result<Option<Loaded>> {
    let settings = data.settings()?;
    match crate::read_dataset_known_at(&Folder(data.folder()?), &settings, data.known_at) {
        Ok((dataset, diagnostics)) => Ok(Some(Loaded { dataset, diagnostics, settings })),
        Err(error) => {
            let InputErrors(diagnostics) = error.downcast::<InputErrors>()?;
            print_diagnostics(diagnostics.all().iter());
            let count = diagnostics.errors().count();
            crate::say!(
                "error: the data has {count} error{}; nothing was computed",
                if count == 1 { "" } else { "s" }
            );
            Ok(None)
        }
    }
}
