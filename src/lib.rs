//! Community Enablement Service reports.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`] reads the Airtable CSV exports into typed rows;
//! 2. [`model`] links and validates them;
//! 3. [`figures`] computes every figure as of a date (pure functions);
//! 4. [`summary`] presents them at the terminal or as JSON, or [`book`] turns them into a
//!    MyST project in memory, with [`charts`] and [`pages`];
//! 5. [`output`] writes that project in one swap, and [`render`] runs MyST and Typst on it.

pub mod book;
pub mod charts;
pub mod cli;
pub mod commands;
pub mod diagnostics;
pub mod figures;
pub mod hours;
pub mod load;
pub mod model;
pub mod output;
pub mod pages;
pub mod parallel;
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
    let tables = load::load(source, settings, &mut diagnostics)?;
    if diagnostics.has_errors() {
        return Err(InputErrors(diagnostics).into());
    }
    let dataset = model::link(tables, settings, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(InputErrors(diagnostics).into());
    }
    Ok((dataset, diagnostics))
}
