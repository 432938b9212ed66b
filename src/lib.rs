//! Community Enablement Service reports.
//!
//! The pipeline, one module per stage: [`load`] reads the Airtable CSV exports into typed
//! rows, [`model`] links and validates them, [`figures`] computes every figure as of a date,
//! and [`summary`] presents them at the terminal or as JSON.

pub mod book;
pub mod charts;
pub mod cli;
pub mod commands;
pub mod diagnostics;
pub mod figures;
pub mod load;
pub mod model;
pub mod output;
pub mod pages;
pub mod render;
pub mod settings;
pub mod summary;
pub mod text;

use anyhow::Result;

use crate::diagnostics::{Diagnostics, InputErrors};
use crate::load::Source;
use crate::model::Dataset;
use crate::settings::Settings;

/// Loads and links the data. Input errors come back as [`InputErrors`] listing all of them;
/// warnings are returned with the dataset.
pub fn read_dataset(source: &dyn Source, settings: &Settings) -> Result<(Dataset, Diagnostics)> {
    let mut diagnostics = Diagnostics::default();
    let tables = load::load(source, settings.slash_dates, &mut diagnostics)?;
    if diagnostics.has_errors() {
        return Err(InputErrors(diagnostics).into());
    }
    let dataset = model::link(tables, settings, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(InputErrors(diagnostics).into());
    }
    Ok((dataset, diagnostics))
}
