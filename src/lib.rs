//! Community Enablement Service reports.
//!
//! The pipeline, one module per stage; data flows down this list and no stage uses a later one:
//!
//! 1. [`load`] reads the Airtable CSV exports into typed rows;
//! 2. [`model`] links and validates them into a [`model::Dataset`] with typed ids;
//! 3. [`figures`] computes every figure and reporting decision as of a date (pure functions);
//! 4. presentation formats them: `summary` for the terminal and JSON, [`site`] for the MyST
//!    project (pages through [`pages`], charts, downloads, manifest), [`drafts`] for seed
//!    002's emails as `.eml` drafts, `initiatives` for the GitHub issue drafts, all with the
//!    shared wording of [`present`] and the [`templates`] (whose one [`templates::Engine`]
//!    every template goes through);
//! 5. `output` writes the project in one swap, and [`render`] runs MyST and Typst on it.
//!
//! [`calendar`], [`hours`], [`rounding`], [`settings`], [`diagnostics`], [`text`] and [`file_plan`] are base
//! layers every stage may use. [`commands`] runs one subcommand end to end.

/// Like `eprintln!`, but a closed or full stderr is not a panic: the work goes on, and the
/// run ends with exit 1 unless the reader simply closed the pipe (see [`stderr_failed`]).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stderr().lock(), $($arg)*) {
            $crate::stderr_write_failed(&error);
        }
    }};
}

static STDERR_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Records that a message could not be written to stderr, unless the pipe was closed.
#[doc(hidden)]
pub fn stderr_write_failed(error: &std::io::Error) {
    if error.kind() != std::io::ErrorKind::BrokenPipe {
        STDERR_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whether a message was lost to a full or failing stderr: the run then ends with exit 1.
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

pub mod calendar;
pub mod cli;
pub mod commands;
pub mod diagnostics;
pub mod drafts;
pub mod figures;
pub mod file_plan;
pub mod hours;
pub mod ids;
mod initiatives;
pub mod interrupt;
pub mod load;
pub mod model;
mod output;
pub mod pages;
mod parallel;
pub mod present;
pub mod pull;
pub mod render;
pub mod rounding;
pub mod settings;
pub mod site;
mod summary;
pub mod templates;
pub mod text;
mod written_book;

use anyhow::Result;

use crate::diagnostics::{Diagnostics, InputErrors};
use crate::load::Source;
use crate::model::Dataset;
use crate::settings::Settings;

/// Loads and links the data. Input errors come back as [`InputErrors`] listing all of them;
/// warnings are returned with the dataset.
pub fn read_dataset(source: &dyn Source, settings: &Settings) -> Result<(Dataset, Diagnostics)> {
    read_dataset_known_at(source, settings, None)
}

/// [`read_dataset`] as the data was known at `known_at`: activities logged (Created) after it
/// are left out, so a past report can be reproduced as it was sent.
pub fn read_dataset_known_at(
    source: &dyn Source,
    settings: &Settings,
    known_at: Option<chrono::NaiveDate>,
) -> Result<(Dataset, Diagnostics)> {
    let mut diagnostics = Diagnostics::default();
    let tables = load::load(source, settings, &mut diagnostics)?;
    if diagnostics.has_errors() {
        return Err(InputErrors(diagnostics).into());
    }
    let dataset = model::link(tables, settings, known_at, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(InputErrors(diagnostics).into());
    }
    Ok((dataset, diagnostics))
}
