//! Reading one CSV export: header matching (any order, case-insensitive, trimmed, BOM
//! tolerated, unknown columns ignored) and typed access to cells that records every problem.

use std::io::Read;

use chrono::NaiveDate;

use super::cells::{parse_date, parse_number, split_links, DATE_EXPECTED, NUMBER_EXPECTED};
use crate::diagnostics::{Cell, Diagnostics};
use crate::settings::SlashDates;

/// The columns a table must have and the ones it may have.
pub struct TableSpec {
    pub file: &'static str,
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

/// Where each known column sits in this particular export.
struct ColumnMap {
    positions: Vec<(&'static str, Option<usize>)>,
}

impl ColumnMap {
    fn position(&self, column: &str) -> Option<usize> {
        self.positions
            .iter()
            .find(|(name, _)| *name == column)
            .and_then(|(_, position)| *position)
    }
}

fn normalise_header(header: &str) -> String {
    header.trim_start_matches('\u{feff}').trim().to_lowercase()
}

fn map_columns(spec: &TableSpec, headers: &csv::StringRecord) -> (ColumnMap, Vec<&'static str>) {
    let normalised: Vec<String> = headers.iter().map(normalise_header).collect();
    let find = |name: &str| {
        let wanted = name.to_lowercase();
        normalised.iter().position(|header| *header == wanted)
    };
    let positions: Vec<_> = spec
        .required
        .iter()
        .chain(spec.optional)
        .map(|name| (*name, find(name)))
        .collect();
    let missing = spec
        .required
        .iter()
        .copied()
        .filter(|name| find(name).is_none())
        .collect();
    (ColumnMap { positions }, missing)
}

fn missing_columns_message(missing: &[&str]) -> String {
    let names: Vec<String> = missing.iter().map(|name| format!("\"{name}\"")).collect();
    let noun = if missing.len() == 1 { "column" } else { "columns" };
    format!(
        "missing required {noun} {}: expected them in the header row",
        names.join(", ")
    )
}

/// Calls `each_row` for every record of the CSV in `input`. Problems with the file itself
/// (missing columns, broken encoding) are recorded in `diagnostics`; rows are skipped then.
pub fn read_table<R: Read>(
    input: R,
    spec: &TableSpec,
    slash_dates: SlashDates,
    diagnostics: &mut Diagnostics,
    mut each_row: impl FnMut(&mut Row<'_>),
) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            diagnostics.line_error(spec.file, 1, csv_error_message(&error));
            return;
        }
    };
    let (columns, missing) = map_columns(spec, &headers);
    if !missing.is_empty() {
        diagnostics.line_error(spec.file, 1, missing_columns_message(&missing));
        return;
    }
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.iter().all(|field| field.trim().is_empty()) {
                    continue;
                }
                let mut row = Row {
                    file: spec.file,
                    line,
                    record: &record,
                    columns: &columns,
                    slash_dates,
                    diagnostics,
                };
                each_row(&mut row);
            }
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                diagnostics.line_error(spec.file, line, csv_error_message(&error));
                if !matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
}

fn csv_error_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "expected UTF-8 text (save the export as UTF-8)".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => format!("cannot read this line as CSV: {error}"),
    }
}

/// One record, with typed accessors that record a diagnostic for every bad cell.
pub struct Row<'a> {
    pub file: &'static str,
    pub line: u64,
    record: &'a csv::StringRecord,
    columns: &'a ColumnMap,
    slash_dates: SlashDates,
    pub diagnostics: &'a mut Diagnostics,
}

impl Row<'_> {
    /// The trimmed text of a column (empty when the column is absent or the cell is short).
    pub fn text(&self, column: &str) -> &str {
        self.raw(column).trim()
    }

    fn raw(&self, column: &str) -> &str {
        raw_cell(self.record, self.columns, column)
    }

    /// A cell's text with line breaks normalised, for free text such as descriptions.
    pub fn free_text(&self, column: &str) -> String {
        self.text(column).replace("\r\n", "\n").replace('\r', "\n")
    }

    pub fn cell<'c>(&'c self, column: &'c str) -> Cell<'c> {
        Cell {
            file: self.file,
            line: self.line,
            column,
            value: self.raw(column),
        }
    }

    pub fn error(&mut self, column: &str, message: impl Into<String>) {
        let cell = Cell {
            file: self.file,
            line: self.line,
            column,
            value: raw_cell(self.record, self.columns, column),
        };
        self.diagnostics.cell_error(cell, message);
    }

    /// The text of a column that must not be empty.
    pub fn required_text(&mut self, column: &str) -> Option<String> {
        let text = self.text(column);
        if text.is_empty() {
            self.error(column, "expected a value; this field is required");
            return None;
        }
        Some(text.to_string())
    }

    /// An optional date: `Ok(None)` when empty, `Err(())` when unreadable (already reported).
    pub fn optional_date(&mut self, column: &str) -> Result<Option<NaiveDate>, ()> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        match parse_date(text, self.slash_dates) {
            Some(date) => Ok(Some(date)),
            None => {
                self.error(column, DATE_EXPECTED);
                Err(())
            }
        }
    }

    pub fn required_date(&mut self, column: &str) -> Option<NaiveDate> {
        if self.text(column).is_empty() {
            self.error(column, "expected a date; this field is required");
            return None;
        }
        self.optional_date(column).ok().flatten()
    }

    pub fn required_number(&mut self, column: &str) -> Option<f64> {
        if self.text(column).is_empty() {
            self.error(column, "expected a number; this field is required");
            return None;
        }
        let number = parse_number(self.text(column));
        if number.is_none() {
            self.error(column, NUMBER_EXPECTED);
        }
        number
    }

    pub fn links(&self, column: &str) -> Vec<String> {
        split_links(self.text(column))
    }

    /// Checks that `end` is not before `start`, reporting on the end column.
    pub fn check_order(&mut self, start: Option<NaiveDate>, end: Option<NaiveDate>, end_column: &str) -> bool {
        match (start, end) {
            (Some(start), Some(end)) if end < start => {
                self.error(end_column, format!("expected a date on or after the start date {start}"));
                false
            }
            _ => true,
        }
    }
}

fn raw_cell<'r>(record: &'r csv::StringRecord, columns: &ColumnMap, column: &str) -> &'r str {
    columns
        .position(column)
        .and_then(|position| record.get(position))
        .unwrap_or("")
}
