//! Reading one CSV export: header matching (any order, case-insensitive, trimmed, BOM
//! tolerated, unknown columns ignored) and typed access to cells that records every problem.

use std::io::Read;

use chrono::NaiveDate;

use super::cells::{parse_date, split_links, DATE_EXPECTED};
use crate::diagnostics::{Cell, Diagnostics};
use crate::hours::Hours;
use crate::settings::SlashDates;

/// A column of a table: its place in [`TableSpec::columns`] and its header name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub index: usize,
    pub name: &'static str,
    pub required: bool,
}

impl Column {
    pub const fn required(index: usize, name: &'static str) -> Column {
        Column { index, name, required: true }
    }

    pub const fn optional(index: usize, name: &'static str) -> Column {
        Column { index, name, required: false }
    }
}

/// The columns a table must have and the ones it may have, in index order.
pub struct TableSpec {
    pub file: &'static str,
    pub columns: &'static [Column],
}

/// Where each known column sits in this particular export, by [`Column::index`].
struct ColumnMap {
    positions: Vec<Option<usize>>,
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
    debug_assert!(
        spec.columns.iter().enumerate().all(|(i, c)| c.index == i),
        "{}: column indices out of order",
        spec.file
    );
    let positions: Vec<_> = spec.columns.iter().map(|column| find(column.name)).collect();
    let missing = spec
        .columns
        .iter()
        .zip(&positions)
        .filter(|(column, position)| column.required && position.is_none())
        .map(|(column, _)| column.name)
        .collect();
    (ColumnMap { positions }, missing)
}

fn missing_columns_message(missing: &[&str]) -> String {
    let names: Vec<String> = missing.iter().map(|name| format!("\"{name}\"")).collect();
    let noun = if missing.len() == 1 { "column" } else { "columns" };
    format!("missing required {noun} {}: expected them in the header row", names.join(", "))
}

/// Reads the header row; records missing columns or an unreadable file in `diagnostics`.
fn open<R: Read>(
    input: R,
    spec: &TableSpec,
    diagnostics: &mut Diagnostics,
) -> Option<(csv::Reader<R>, ColumnMap)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(input);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            diagnostics.line_error(spec.file, 1, csv_error_message(&error));
            return None;
        }
    };
    let (columns, missing) = map_columns(spec, &headers);
    if !missing.is_empty() {
        diagnostics.line_error(spec.file, 1, missing_columns_message(&missing));
        return None;
    }
    Some((reader, columns))
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
    let Some((mut reader, columns)) = open(input, spec, diagnostics) else { return };
    let context = RowContext { spec, columns: &columns, slash_dates };
    let mut batch = Batch::default();
    loop {
        let finished = batch.fill(&mut reader);
        context.parse(&batch, diagnostics, &mut each_row);
        if finished {
            return;
        }
    }
}

/// Parses one batch of rows at a time, on a worker thread of [`read_table_in_parallel`].
pub trait BatchParser: Send {
    type Output: Send;
    fn parse_row(&mut self, row: &mut Row<'_>);
    /// Hands over what the rows parsed since the last call produced.
    fn finish_batch(&mut self) -> Self::Output;
}

/// What a worker sends back: its output for batch `index`, that batch's diagnostics, and the
/// emptied batch for reuse.
type Parsed<O> = (usize, O, Diagnostics, Batch);

/// Like [`read_table`], for exports with millions of rows: one thread decodes the CSV, the
/// `parsers` turn batches of records into typed rows side by side, and `merge` receives each
/// batch's output in file order, so the result is the same as reading sequentially.
pub fn read_table_in_parallel<R: Read + Send, P: BatchParser>(
    input: R,
    spec: &TableSpec,
    slash_dates: SlashDates,
    diagnostics: &mut Diagnostics,
    parsers: Vec<P>,
    mut merge: impl FnMut(P::Output),
) {
    use std::sync::mpsc::{channel, sync_channel};
    let Some((mut reader, columns)) = open(input, spec, diagnostics) else { return };
    let context = RowContext { spec, columns: &columns, slash_dates };
    let (done_sender, done) = channel::<Parsed<P::Output>>();
    let (empty_sender, empty) = channel::<Batch>();
    std::thread::scope(|scope| {
        let mut queues = Vec::new();
        for mut parser in parsers {
            let (queue, work) = sync_channel::<(usize, Batch)>(2);
            let done_sender = done_sender.clone();
            let context = &context;
            queues.push(queue);
            scope.spawn(move || {
                for (index, batch) in work {
                    let mut local = Diagnostics::default();
                    context.parse(&batch, &mut local, &mut |row| parser.parse_row(row));
                    let output = parser.finish_batch();
                    if done_sender.send((index, output, local, batch)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_sender);
        scope.spawn(move || {
            for index in 0.. {
                let mut batch = empty.try_recv().unwrap_or_default();
                let finished = batch.fill(&mut reader);
                if queues[index % queues.len()].send((index, batch)).is_err() || finished {
                    return;
                }
            }
        });
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for (index, output, local, batch) in done {
            waiting.insert(index, (output, local));
            while let Some((output, local)) = waiting.remove(&next) {
                merge(output);
                diagnostics.extend(local);
                next += 1;
            }
            let _ = empty_sender.send(batch);
        }
    });
}

/// What every row of one table shares.
struct RowContext<'a> {
    spec: &'a TableSpec,
    columns: &'a ColumnMap,
    slash_dates: SlashDates,
}

impl RowContext<'_> {
    fn parse(&self, batch: &Batch, diagnostics: &mut Diagnostics, each_row: &mut dyn FnMut(&mut Row<'_>)) {
        for record in &batch.records[..batch.len] {
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, |p| p.line());
            let cleaned = self.replace_unsafe_characters(record, line, diagnostics);
            let mut row = Row {
                file: self.spec.file,
                line,
                record: cleaned.as_ref().unwrap_or(record),
                columns: self.columns,
                slash_dates: self.slash_dates,
                diagnostics,
            };
            each_row(&mut row);
        }
        if let Some(error) = &batch.error {
            let line = error.position().map_or(0, |p| p.line());
            diagnostics.line_error(self.spec.file, line, csv_error_message(error));
        }
    }
}

impl RowContext<'_> {
    /// The one rule for control characters and bidi overrides in a cell (see
    /// [`crate::text::is_unsafe_char`]): each is replaced with U+FFFD and the cell gets a
    /// warning, so no output can carry one and the data owner learns where it is. `None` when
    /// the record is clean, as nearly every record is.
    fn replace_unsafe_characters(
        &self,
        record: &csv::StringRecord,
        line: u64,
        diagnostics: &mut Diagnostics,
    ) -> Option<csv::StringRecord> {
        let unsafe_field = |field: &str| field.chars().any(crate::text::is_unsafe_char);
        if !crate::text::may_hold_unsafe(record.as_slice().as_bytes()) || !record.iter().any(unsafe_field) {
            return None;
        }
        for (column, position) in self.spec.columns.iter().zip(&self.columns.positions) {
            let Some(value) = position.and_then(|p| record.get(p)).filter(|v| unsafe_field(v)) else {
                continue;
            };
            let first = value.chars().find(|c| crate::text::is_unsafe_char(*c)).expect("found above");
            let cell = Cell { file: self.spec.file, line, column: column.name, value };
            diagnostics.cell_warning(
                cell,
                format!(
                    "contains the invisible control character U+{:04X}; every report shows it as U+FFFD (\u{fffd})",
                    first as u32
                ),
            );
        }
        Some(record.iter().map(|field| crate::text::replace_unsafe(field).into_owned()).collect())
    }
}

const BATCH_SIZE: usize = 4096;

/// Decoded records on their way to a parser; the vectors are reused once parsed.
#[derive(Default)]
struct Batch {
    records: Vec<csv::StringRecord>,
    len: usize,
    /// The error that ended this batch, if any.
    error: Option<csv::Error>,
}

impl Batch {
    /// Decodes up to [`BATCH_SIZE`] records; `true` when the file is done.
    fn fill<R: Read>(&mut self, reader: &mut csv::Reader<R>) -> bool {
        self.len = 0;
        self.error = None;
        while self.len < BATCH_SIZE {
            if self.records.len() == self.len {
                self.records.push(csv::StringRecord::new());
            }
            match reader.read_record(&mut self.records[self.len]) {
                Ok(true) => self.len += 1,
                Ok(false) => return true,
                Err(error) => {
                    // A record that is not UTF-8 is skipped; any other error ends the file.
                    let fatal = !matches!(error.kind(), csv::ErrorKind::Utf8 { .. });
                    self.error = Some(error);
                    return fatal;
                }
            }
        }
        false
    }
}

fn csv_error_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "expected UTF-8 text (save the export as UTF-8)".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => format!("cannot read this line as CSV: {error}"),
    }
}

/// A bad cell, already recorded in the diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported;

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
    pub fn text(&self, column: Column) -> &str {
        self.raw_text(column).trim()
    }

    /// A cell's text exactly as exported, surrounding spaces and line breaks included.
    pub fn raw_text(&self, column: Column) -> &str {
        raw_cell(self.record, self.columns, column)
    }

    /// A cell's text with line breaks normalised, for free text such as descriptions.
    pub fn free_text(&self, column: Column) -> String {
        let text = self.text(column);
        if text.as_bytes().contains(&b'\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.to_string()
        }
    }

    pub fn error(&mut self, column: Column, message: impl Into<String>) {
        let cell = Cell {
            file: self.file,
            line: self.line,
            column: column.name,
            value: raw_cell(self.record, self.columns, column),
        };
        self.diagnostics.cell_error(cell, message);
    }

    /// The text of a column that must not be empty.
    pub fn required_text(&mut self, column: Column) -> Option<String> {
        let text = self.text(column);
        if text.is_empty() {
            self.error(column, "expected a value; this field is required");
            return None;
        }
        Some(text.to_string())
    }

    /// An optional date: `Ok(None)` when empty, `Err(Reported)` when unreadable.
    pub fn optional_date(&mut self, column: Column) -> Result<Option<NaiveDate>, Reported> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        match parse_date(text, self.slash_dates) {
            Some(date) => Ok(Some(date)),
            None => {
                self.error(column, DATE_EXPECTED);
                Err(Reported)
            }
        }
    }

    pub fn required_date(&mut self, column: Column) -> Option<NaiveDate> {
        if self.text(column).is_empty() {
            self.error(column, "expected a date; this field is required");
            return None;
        }
        self.optional_date(column).ok().flatten()
    }

    /// An optional amount of money in cents: `Ok(None)` when empty, `Err(Reported)` when not
    /// an amount such as `48,000`, `$48,000.00` or `1,250.50`.
    pub fn optional_money(&mut self, column: Column) -> Result<Option<i64>, Reported> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        match super::cells::parse_money(text) {
            Some(cents) => Ok(Some(cents)),
            None => {
                self.error(column, super::cells::MONEY_EXPECTED);
                Err(Reported)
            }
        }
    }

    /// A number of hours, held exactly (see [`Hours`]).
    pub fn required_hours(&mut self, column: Column) -> Option<Hours> {
        if self.text(column).is_empty() {
            self.error(column, "expected a number; this field is required");
            return None;
        }
        match Hours::parse(self.text(column)) {
            Ok(hours) => Some(hours),
            Err(problem) => {
                self.error(column, problem.expected());
                None
            }
        }
    }

    pub fn links(&self, column: Column) -> Vec<String> {
        split_links(self.text(column))
    }

    /// Checks that `end` is not before `start`, reporting on the end column.
    pub fn check_order(
        &mut self,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
        end_column: Column,
    ) -> bool {
        match (start, end) {
            (Some(start), Some(end)) if end < start => {
                self.error(end_column, format!("expected a date on or after the start date {start}"));
                false
            }
            _ => true,
        }
    }
}

fn raw_cell<'r>(record: &'r csv::StringRecord, columns: &ColumnMap, column: Column) -> &'r str {
    columns.positions[column.index].and_then(|position| record.get(position)).unwrap_or("")
}
