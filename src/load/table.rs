//! Reading one CSV export: finding its columns (see [`super::headers`]), decoding records in
//! batches, checking each row's shape (see [`super::shape`]) and typed access to cells that
//! records every problem.

use std::io::{BufReader, Read};

use chrono::NaiveDate;

use super::cells::{single_link, split_links, trim, within_horizon, Dates, DATE_EXPECTED, HORIZON};
use super::headers::{map_columns, ColumnMap};
use super::line_breaks::LineFeeds;
use super::shape::{data_in_header, RowShape};
use super::spec::{Column, TableSpec};
use super::split::{for_each_record, primed_core, Batch, Chunk, OwnedRecord, Record, SplitRecord, Splitter};
use crate::diagnostics::{Cell, Diagnostics};
use crate::hours::Hours;
use crate::settings::{Settings, SlashDates};

/// Splits an export into records; CRLF and CR-only line endings read as line feeds so that
/// lines count right.
type Reader<R> = Splitter<LineFeeds<BufReader<R>>>;

/// Reads the header row; records missing columns or an unreadable file in `diagnostics`.
fn open<R: Read>(
    input: R,
    spec: &TableSpec,
    settings: &Settings,
    diagnostics: &mut Diagnostics,
) -> Option<(Reader<R>, ColumnMap)> {
    let mut reader = Splitter::new(LineFeeds::new(BufReader::with_capacity(1 << 16, input)));
    let headers = match reader.first_record().map(|batch| header_row(&batch)) {
        Ok(Ok(headers)) => headers,
        Ok(Err(problem)) => {
            diagnostics.line_error(spec.file, 1, problem);
            return None;
        }
        Err(error) => {
            diagnostics.line_error(spec.file, 1, csv_error_message(&error));
            return None;
        }
    };
    if let Some(warning) = data_in_header(&headers, settings.slash_dates) {
        diagnostics.line_warning(spec.file, 1, warning);
    }
    match map_columns(spec, &headers, settings) {
        Ok(columns) => Some((reader, columns)),
        Err(problems) => {
            for problem in problems {
                diagnostics.line_error(spec.file, 1, problem);
            }
            None
        }
    }
}

/// The header row as text (empty when the file is); a message naming the first header that is
/// not UTF-8, shown with U+FFFD where its bytes are not.
fn header_row(batch: &Batch) -> Result<csv::StringRecord, String> {
    let Some(split) = batch.records().next() else { return Ok(csv::StringRecord::new()) };
    let cells = (0..cell_count(&split)).map(|index| {
        let bytes = cell_bytes(&split, index);
        std::str::from_utf8(bytes).map_err(|_| {
            let lossy = String::from_utf8_lossy(bytes);
            let shown = crate::text::replace_unsafe(lossy.trim());
            format!("column {} \"{}\": {UTF8_EXPECTED}", index + 1, crate::text::quoted_name(&shown))
        })
    });
    Ok(csv::StringRecord::from(cells.collect::<Result<Vec<&str>, String>>()?))
}

/// How many cells a split record has.
fn cell_count(split: &SplitRecord<'_>) -> usize {
    match split.ends {
        Some(ends) => ends.len(),
        None => memchr::memchr_iter(b',', split.bytes).count() + 1,
    }
}

/// The bytes of one cell of a split record.
fn cell_bytes<'b>(split: &SplitRecord<'b>, index: usize) -> &'b [u8] {
    match split.ends {
        Some(ends) => {
            let start = if index == 0 { 0 } else { ends[index - 1] };
            &split.bytes[start..ends[index]]
        }
        None => split.bytes.split(|byte| *byte == b',').nth(index).expect("a cell"),
    }
}

/// Calls `each_row` for every record of the CSV in `input`. Problems with the file itself
/// (missing columns, broken encoding) are recorded in `diagnostics`; rows are skipped then.
pub fn read_table<R: Read>(
    input: R,
    spec: &TableSpec,
    settings: &Settings,
    diagnostics: &mut Diagnostics,
    mut each_row: impl FnMut(&mut Row<'_>),
) {
    let Some((mut reader, columns)) = open(input, spec, settings, diagnostics) else { return };
    let context = RowContext::new(spec, &columns, settings.slash_dates);
    let (mut batch, mut dates) = (Batch::default(), Dates::new(settings.slash_dates));
    loop {
        let finished = reader.fill(&mut batch);
        context.parse(&batch, (diagnostics, &mut dates), &mut each_row);
        if finished {
            return;
        }
    }
}

/// Parses the rows of one chunk of an export at a time, on a worker thread of
/// [`read_table_in_parallel`].
pub trait BatchParser: Send {
    type Output: Send;
    fn parse_row(&mut self, row: &mut Row<'_>);
    /// Hands over what the rows parsed since the last call produced.
    fn finish_batch(&mut self) -> Self::Output;
}

/// How many bytes of an export one chunk holds (see [`Chunker`]).
pub(super) const CHUNK_SIZE: usize = 1 << 20;

/// What a worker sends back: its output for chunk `index`, that chunk's diagnostics, and the
/// chunk's emptied buffer for reuse.
type Parsed<O> = (usize, O, Diagnostics, Vec<u8>);

/// Like [`read_table`], for exports with millions of rows: one thread cuts the CSV into
/// chunks of whole records of about `chunk_size` bytes, the `parsers` split and parse the
/// chunks side by side, and `merge` receives each chunk's output in file order, so the
/// result and the diagnostics are the same as reading sequentially.
pub fn read_table_in_parallel<R: Read + Send, P: BatchParser>(
    input: R,
    (spec, settings, chunk_size): (&TableSpec, &Settings, usize),
    diagnostics: &mut Diagnostics,
    parsers: Vec<P>,
    mut merge: impl FnMut(P::Output),
) {
    use std::sync::mpsc::{channel, sync_channel};
    let Some((reader, columns)) = open(input, spec, settings, diagnostics) else { return };
    let mut chunker = reader.into_chunker();
    let context = RowContext::new(spec, &columns, settings.slash_dates);
    let (done_sender, done) = channel::<Parsed<P::Output>>();
    // A chunk's buffer comes back once its rows are merged, and the next chunk is cut only into
    // a buffer that came back: however the threads are scheduled, at most this many chunks and
    // their rows are on their way (the memory stays that of a few chunks).
    let (empty_sender, empty) = channel::<Vec<u8>>();
    for _ in 0..3 * parsers.len().max(1) {
        let _ = empty_sender.send(Vec::new());
    }
    std::thread::scope(|scope| {
        let mut queues = Vec::new();
        for mut parser in parsers {
            let (queue, work) = sync_channel::<(usize, Chunk)>(2);
            let done_sender = done_sender.clone();
            let context = &context;
            queues.push(queue);
            scope.spawn(move || {
                let (mut dates, mut core) = (Dates::new(settings.slash_dates), primed_core());
                for (index, mut chunk) in work {
                    let mut local = Diagnostics::default();
                    context.parse_chunk(&mut chunk, (&mut local, &mut dates), &mut core, &mut |row| {
                        parser.parse_row(row)
                    });
                    let output = parser.finish_batch();
                    if done_sender.send((index, output, local, chunk.bytes)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_sender);
        scope.spawn(move || {
            for index in 0.. {
                let Ok(recycled) = empty.recv() else { return };
                let Some(chunk) = chunker.next_chunk(chunk_size, recycled) else { return };
                if queues[index % queues.len()].send((index, chunk)).is_err() {
                    return;
                }
            }
        });
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for (index, output, local, bytes) in done {
            waiting.insert(index, (output, local));
            while let Some((output, local)) = waiting.remove(&next) {
                merge(output);
                diagnostics.extend(local);
                next += 1;
            }
            let _ = empty_sender.send(bytes);
        }
    });
}

/// What every row of one table shares.
struct RowContext<'a> {
    spec: &'a TableSpec,
    columns: &'a ColumnMap,
    shape: RowShape,
}

impl<'a> RowContext<'a> {
    fn new(spec: &'a TableSpec, columns: &'a ColumnMap, slash_dates: SlashDates) -> RowContext<'a> {
        RowContext { spec, columns, shape: RowShape::new(spec, columns, slash_dates) }
    }

    /// Splits and parses a chunk's records in file order; a failure of the input after them
    /// is reported last, as [`read_table`] reports it. Nearly every chunk is UTF-8 with no
    /// control character but line feeds: both are checked once for the whole chunk, and then
    /// not again for each record.
    fn parse_chunk(
        &self,
        chunk: &mut Chunk,
        (diagnostics, dates): (&mut Diagnostics, &mut Dates),
        core: &mut csv_core::Reader,
        each_row: &mut dyn FnMut(&mut Row<'_>),
    ) {
        let mut ends = Vec::new();
        let text = std::str::from_utf8(&chunk.bytes).ok();
        let clean = text.is_some() && !may_hold_unsafe_character_besides_line_feeds(&chunk.bytes);
        for_each_record((&chunk.bytes, text), chunk.line, core, &mut |split| {
            self.parse_split(&split, clean, &mut ends, (diagnostics, dates), each_row)
        });
        if let Some(error) = chunk.error.take() {
            diagnostics.line_error(self.spec.file, 0, csv_error_message(&error.into()));
        }
    }

    /// Parses the batch's records in file order. Each is checked to be UTF-8 here, on the
    /// parser's thread, so that the thread splitting the CSV does only that.
    fn parse(
        &self,
        batch: &Batch,
        (diagnostics, dates): (&mut Diagnostics, &mut Dates),
        each_row: &mut dyn FnMut(&mut Row<'_>),
    ) {
        let mut ends = Vec::new();
        for split in batch.records() {
            self.parse_split(&split, false, &mut ends, (diagnostics, dates), each_row);
        }
        if let Some(error) = &batch.error {
            let line = error.position().map_or(0, |p| p.line());
            diagnostics.line_error(self.spec.file, line, csv_error_message(error));
        }
    }

    /// Parses one record as split, `ends` its cells' ends when it is plain; `clean` when it is
    /// known to hold no character that [`crate::text::is_unsafe_char`] rejects.
    fn parse_split(
        &self,
        split: &SplitRecord<'_>,
        clean: bool,
        ends: &mut Vec<usize>,
        (diagnostics, dates): (&mut Diagnostics, &mut Dates),
        each_row: &mut dyn FnMut(&mut Row<'_>),
    ) {
        match record_of(split, ends) {
            Ok(record) => self.parse_record(record, clean, (diagnostics, dates), each_row),
            Err(field) => self.report_invalid_text(split, field, diagnostics),
        }
    }

    fn parse_record(
        &self,
        record: Record<'_>,
        clean: bool,
        (diagnostics, dates): (&mut Diagnostics, &mut Dates),
        each_row: &mut dyn FnMut(&mut Row<'_>),
    ) {
        if record.iter().all(|field| trim(field).is_empty()) {
            return;
        }
        let line = record.line;
        self.shape.check(record, (self.spec.file, line), self.columns, diagnostics);
        let cleaned = if clean { None } else { self.replace_unsafe_characters(record, diagnostics) };
        let mut row = Row {
            file: self.spec.file,
            line,
            record: cleaned.as_ref().map_or(record, OwnedRecord::record),
            columns: self.columns,
            dates,
            diagnostics,
        };
        each_row(&mut row);
    }

    /// A row that is not UTF-8 is skipped with an error on the first cell that is not.
    fn report_invalid_text(&self, split: &SplitRecord<'_>, field: usize, diagnostics: &mut Diagnostics) {
        let value = String::from_utf8_lossy(cell_bytes(split, field));
        let column = self.columns.label_at(field);
        let cell = Cell { file: self.spec.file, line: split.line, column: &column, value: &value };
        diagnostics.cell_error(cell, UTF8_EXPECTED);
    }
}

/// A split record as text, its cells found; `Err` with the first cell that is not UTF-8 (as
/// the `csv` crate reports it).
fn record_of<'b>(split: &SplitRecord<'b>, ends: &'b mut Vec<usize>) -> Result<Record<'b>, usize> {
    let first_bad_cell =
        || (0..cell_count(split)).find(|index| std::str::from_utf8(cell_bytes(split, *index)).is_err());
    if let (Some(text), None) = (split.text, split.ends) {
        return Ok(Record::plain(split.line, text, ends));
    }
    match split.ends {
        // Commas end UTF-8 sequences: the line is UTF-8 exactly when each cell is.
        None => match std::str::from_utf8(split.bytes) {
            Ok(text) => Ok(Record::plain(split.line, text, ends)),
            Err(_) => Err(first_bad_cell().expect("a cell that is not UTF-8")),
        },
        Some(cell_ends) => {
            if !split.bytes.is_ascii() {
                if let Some(index) = first_bad_cell() {
                    return Err(index);
                }
            }
            let text = std::str::from_utf8(split.bytes).expect("every cell is UTF-8");
            Ok(Record::joined(split.line, text, cell_ends))
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
        record: Record<'_>,
        diagnostics: &mut Diagnostics,
    ) -> Option<OwnedRecord> {
        let unsafe_field = |field: &str| field.chars().any(crate::text::is_unsafe_char);
        if !may_hold_unsafe_character(record.bytes()) || !record.iter().any(unsafe_field) {
            return None;
        }
        let line = record.line;
        for (column, position) in self.spec.columns.iter().zip(&self.columns.positions) {
            let Some(value) = position.and_then(|p| record.get(p)).filter(|v| unsafe_field(v)) else {
                continue;
            };
            let first = value.chars().find(|c| crate::text::is_unsafe_char(*c)).expect("found above");
            let cell = Cell { file: self.spec.file, line, column: self.columns.label(*column), value };
            diagnostics.cell_warning(
                cell,
                format!(
                    "contains the invisible control character U+{:04X}; every report shows it as U+FFFD (\u{fffd})",
                    first as u32
                ),
            );
        }
        Some(OwnedRecord::new(line, record.iter().map(crate::text::replace_unsafe)))
    }
}

/// Whether UTF-8 `bytes` may encode a character that [`crate::text::is_unsafe_char`] rejects:
/// a C0 control other than tab and line breaks, DEL, a C1 control (`C2 80`–`C2 9F`) or a
/// bidi override (`E2 80 AA`–`AE`, `E2 81 A6`–`A9`). Looking at bytes, not characters, keeps
/// the check cheap for the millions of clean cells.
fn may_hold_unsafe_character(bytes: &[u8]) -> bool {
    // First a pass without branches that the compiler vectorises: nearly every record has
    // no byte below 0x20, no DEL and no 0xC2 or 0xE2 lead byte, and is done here.
    let suspect = |byte: &u8| *byte < 0x20 || *byte == 0x7f || *byte == 0xc2 || *byte == 0xe2;
    if !bytes.chunks(32).any(|chunk| chunk.iter().fold(false, |found, byte| found | suspect(byte))) {
        return false;
    }
    bytes.iter().enumerate().any(|(index, byte)| match byte {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => bytes.get(index + 1).is_some_and(|next| (0x80..=0x9f).contains(next)),
        0xe2 => matches!(
            (bytes.get(index + 1), bytes.get(index + 2)),
            (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => false,
    })
}

/// Whether `bytes` (a run of records) may hold a character that
/// [`crate::text::is_unsafe_char`] rejects, other than the line feeds between records and in
/// cells: [`may_hold_unsafe_character`]'s first pass, without its branches, over a whole chunk.
fn may_hold_unsafe_character_besides_line_feeds(bytes: &[u8]) -> bool {
    let suspect =
        |byte: u8| (byte < 0x20) & (byte != b'\n') | (byte == 0x7f) | (byte == 0xc2) | (byte == 0xe2);
    bytes.chunks(64).any(|chunk| chunk.iter().fold(false, |found, byte| found | suspect(*byte)))
}

const UTF8_EXPECTED: &str = "expected UTF-8 text (save the export as UTF-8)";

fn csv_error_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => UTF8_EXPECTED.to_string(),
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
    record: Record<'a>,
    columns: &'a ColumnMap,
    dates: &'a mut Dates,
    pub diagnostics: &'a mut Diagnostics,
}

impl<'a> Row<'a> {
    /// The trimmed text of a column (empty when the column is absent or the cell is short).
    pub fn text(&self, column: Column) -> &str {
        trim(self.raw_text(column))
    }

    /// A cell's text exactly as exported, surrounding spaces and line breaks included.
    pub fn raw_text(&self, column: Column) -> &str {
        raw_cell(self.record, self.columns, column)
    }

    /// A cell's text with line breaks normalised, for free text such as descriptions.
    pub fn free_text(&self, column: Column) -> String {
        self.free_str(column).into_owned()
    }

    /// [`Row::free_text`], borrowed from the record when it has no line break to normalise.
    pub fn free_str(&self, column: Column) -> std::borrow::Cow<'a, str> {
        let text = self.trimmed(column);
        if memchr::memchr(b'\r', text.as_bytes()).is_some() {
            text.replace("\r\n", "\n").replace('\r', "\n").into()
        } else {
            text.into()
        }
    }

    /// The trimmed text of a column, borrowed from the record.
    fn trimmed(&self, column: Column) -> &'a str {
        trim(raw_cell(self.record, self.columns, column))
    }

    /// The text of a cell linking one record, without the quotes Airtable puts around a name
    /// holding a comma (`"Smith, Jane"`).
    pub fn single_link(&self, column: Column) -> std::borrow::Cow<'_, str> {
        single_link(self.text(column))
    }

    pub fn error(&mut self, column: Column, message: impl Into<String>) {
        let cell = Cell {
            file: self.file,
            line: self.line,
            column: self.columns.label(column),
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

    /// The text of a column that must not be empty, borrowed from the record.
    pub fn required_str(&mut self, column: Column) -> Option<&'a str> {
        let text = self.trimmed(column);
        if text.is_empty() {
            self.error(column, "expected a value; this field is required");
            return None;
        }
        Some(text)
    }

    /// An optional date: `Ok(None)` when empty, `Err(Reported)` when unreadable.
    pub fn optional_date(&mut self, column: Column) -> Result<Option<NaiveDate>, Reported> {
        let text = self.trimmed(column);
        if text.is_empty() {
            return Ok(None);
        }
        match self.dates.parse(text) {
            Some(date) if within_horizon(date) => Ok(Some(date)),
            Some(_) => {
                self.error(column, format!("expected a date {HORIZON}; a year outside is taken as a typo"));
                Err(Reported)
            }
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
        let text = self.trimmed(column);
        if text.is_empty() {
            self.error(column, "expected a number; this field is required");
            return None;
        }
        match Hours::parse(text) {
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

fn raw_cell<'r>(record: Record<'r>, columns: &ColumnMap, column: Column) -> &'r str {
    columns.positions[column.index].and_then(|position| record.get(position)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_check_finds_exactly_the_unsafe_characters() {
        let mut buffer = [0; 4];
        for c in (0..0x3000).chain(0xfff0..0x10000).filter_map(char::from_u32) {
            let bytes = c.encode_utf8(&mut buffer).as_bytes();
            assert_eq!(may_hold_unsafe_character(bytes), crate::text::is_unsafe_char(c), "{c:?}");
            // The check of a whole chunk never misses one, among line feeds and other text.
            let chunk = format!("a,b\n{c}\nc");
            if crate::text::is_unsafe_char(c) {
                assert!(may_hold_unsafe_character_besides_line_feeds(chunk.as_bytes()), "{c:?}");
            }
        }
        let clean = "Allocation 1,Ana Silva,2,\"Call,\nthen notes\",3/2/2026,,\n".repeat(50);
        assert!(!may_hold_unsafe_character_besides_line_feeds(clean.as_bytes()));
    }
}
