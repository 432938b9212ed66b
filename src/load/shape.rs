//! Rows the CSV reader accepts without a word but that lose other rows.
//!
//! A stray quote (") at the start of a cell opens a quoted cell that runs on, over line
//! breaks, to the next quote anywhere below: the rows in between become one cell's text and
//! their hours vanish. A deleted line break joins two rows into one long row, whose second
//! half is ignored, or joins the first row to the header row; an added one splits a row in
//! two. Each is a warning that names the lines. Checks are cheap for a normal row: one scan
//! for a line feed and a few length comparisons.

use super::cells::parse_date;
use super::headers::{shown, ColumnMap};
use super::spec::TableSpec;
use super::split::Record;
use crate::diagnostics::{Cell, Diagnostics};
use crate::settings::SlashDates;

/// A cell longer than this many characters is more than any description needs.
pub(crate) const LONG_CELL: usize = 10_000;

/// `text`'s first [`LONG_CELL`] characters and `… 4,999,000 more characters in FILE line N`,
/// or `text` itself when it is no longer: how a long cell is shown (see `model::long_cells`).
pub(crate) fn cut_long_cell(text: &mut String, file: &str, line: u64) {
    if text.len() <= LONG_CELL {
        return;
    }
    let Some((at, _)) = text.char_indices().nth(LONG_CELL) else { return };
    let more = text[at..].chars().count();
    text.truncate(at);
    text.push_str(&format!(
        "… {} more characters in {file} line {line}",
        crate::text::thousands(more as i64)
    ));
}

/// What a row of one export looks like.
pub(super) struct RowShape {
    header_count: usize,
    /// The position of the rightmost column read.
    last_read_position: usize,
    /// Positions of the date columns in this export.
    date_positions: Vec<usize>,
    slash_dates: SlashDates,
}

impl RowShape {
    pub(super) fn new(spec: &TableSpec, columns: &ColumnMap, slash_dates: SlashDates) -> RowShape {
        let date_positions = spec
            .columns
            .iter()
            .filter(|column| column.is_date)
            .filter_map(|column| columns.positions[column.index])
            .collect();
        let last_read_position = columns.positions.iter().flatten().copied().max().unwrap_or(0);
        RowShape { header_count: columns.header_count(), last_read_position, date_positions, slash_dates }
    }

    /// Warns about a record that holds lines looking like rows, a cell too long to be real,
    /// or more cells than the header row.
    pub(super) fn check(
        &self,
        record: Record<'_>,
        (file, line): (&str, u64),
        columns: &ColumnMap,
        diagnostics: &mut Diagnostics,
    ) {
        // A plain record is one line: only a quoted one can hold a line break.
        let has_break = !record.is_plain() && memchr::memchr(b'\n', record.bytes()).is_some();
        // One warning a row: a cell that swallowed rows also leaves its row short of cells.
        if (has_break || record.cells_len() > LONG_CELL)
            && self.check_cells(record, (file, line), columns, diagnostics)
        {
            return;
        }
        if record.len() > self.header_count {
            self.check_extra_cells(record, (file, line), diagnostics);
        } else if record.len() <= self.last_read_position {
            self.warn_missing_cells(record, (file, line), diagnostics);
        }
    }

    /// `true` when a cell got a warning.
    fn check_cells(
        &self,
        record: Record<'_>,
        (file, line): (&str, u64),
        columns: &ColumnMap,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        let mut cell_line = line;
        for (position, value) in record.iter().enumerate() {
            let breaks = memchr::memchr_iter(b'\n', value.as_bytes()).count() as u64;
            let holds_rows = breaks > 0 && value.split('\n').skip(1).any(|text| self.looks_like_a_row(text));
            let last_line = cell_line + breaks;
            let problem = if holds_rows {
                Some(swallowed_rows_message(cell_line, last_line))
            } else if value.len() > LONG_CELL && value.chars().count() > LONG_CELL {
                Some(long_cell_message(value, cell_line, last_line))
            } else {
                None
            };
            if let Some(message) = problem {
                let label = columns.label_at(position);
                let cell = Cell { file, line: cell_line, column: &label, value };
                diagnostics.cell_warning(cell, message);
                return true;
            }
            cell_line += breaks;
        }
        false
    }

    /// A line inside a cell that reads as a row of this table: as many cells as the header
    /// row, or a date where this table's dates are.
    fn looks_like_a_row(&self, text: &str) -> bool {
        let cells = split_cells(text, self.header_count);
        if cells.len() < 2 {
            return false;
        }
        if self.header_count >= 4 && cells.len() >= self.header_count {
            return true;
        }
        self.date_positions.iter().any(|position| {
            cells
                .get(*position)
                .is_some_and(|cell| parse_date(cell.trim().trim_matches('"'), self.slash_dates).is_some())
        })
    }

    /// A row too short to reach every column read: Airtable writes every cell, so a line
    /// break inside a row (which makes two rows of it) is the likely cause.
    fn warn_missing_cells(
        &self,
        record: Record<'_>,
        (file, line): (&str, u64),
        diagnostics: &mut Diagnostics,
    ) {
        let cells = match record.len() {
            1 => "1 cell".to_string(),
            count => format!("{count} cells"),
        };
        diagnostics.line_warning(
            file,
            line,
            format!(
                "this row has {cells} but the header row has {}; the missing cells are read as empty: check for a line break that splits a row in two",
                self.header_count
            ),
        );
    }

    fn check_extra_cells(
        &self,
        record: Record<'_>,
        (file, line): (&str, u64),
        diagnostics: &mut Diagnostics,
    ) {
        if record.iter().skip(self.header_count).all(|cell| cell.trim().is_empty()) {
            return;
        }
        diagnostics.line_warning(
            file,
            line,
            format!(
                "this row has {} cells but the header row has {}; the cells after the {} are not read: check for a missing line break or a stray comma",
                record.len(),
                self.header_count,
                ordinal(self.header_count)
            ),
        );
    }
}

/// A warning when the header row holds a cell that looks like data (a date, even run into a
/// header as in `Notes1/1/2025`, a number, an email address): the line break after the header
/// row is probably missing, and the first row was read as more headers.
pub(super) fn data_in_header(headers: &csv::StringRecord, slash_dates: SlashDates) -> Option<String> {
    let looks_like_data = |cell: &&str| {
        let cell = cell.trim();
        !cell.is_empty()
            && (contains_date(cell, slash_dates)
                || crate::hours::Hours::parse(cell).is_ok()
                || (cell.contains('@') && cell.contains('.')))
    };
    let cell = headers.iter().find(looks_like_data)?;
    Some(format!(
        "the header row holds \"{}\", which looks like data, not a column name: check for a missing line break after the header row; the row joined to it is not read",
        shown(cell.trim())
    ))
}

/// Whether a date such as `1/1/2025` or `2025-01-01` starts at any run of digits in `text`.
fn contains_date(text: &str, slash_dates: SlashDates) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|start| bytes[*start].is_ascii_digit() && (*start == 0 || !bytes[start - 1].is_ascii_digit()))
        .any(|start| {
            (8..=10).any(|len| {
                text.get(start..start + len)
                    .is_some_and(|candidate| parse_date(candidate, slash_dates).is_some())
            })
        })
}

fn swallowed_rows_message(first: u64, last: u64) -> String {
    format!(
        "this quoted cell runs over {} lines, from line {first} to line {last}, and lines in it look like rows of this table, which are then not read as rows: check for a stray quote (\") at the start of the cell, or a missing closing one",
        last - first + 1
    )
}

fn long_cell_message(value: &str, first: u64, last: u64) -> String {
    let lines = if last > first { format!(" on lines {first} to {last}") } else { String::new() };
    format!(
        "this cell holds {} characters{lines}, more than the {} a cell may sensibly hold: check for a stray quote (\") that merged rows into it",
        crate::text::thousands(value.chars().count() as i64),
        crate::text::thousands(LONG_CELL as i64)
    )
}

/// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `21st`.
fn ordinal(number: usize) -> String {
    let suffix = match (number % 10, number % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{number}{suffix}")
}

/// The comma-separated cells of one line (quotes kept, commas inside quotes not splitting),
/// at most `limit` + 1 of them.
fn split_cells(text: &str, limit: usize) -> Vec<&str> {
    let mut cells = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                cells.push(&text[start..index]);
                start = index + 1;
                if cells.len() > limit {
                    return cells;
                }
            }
            _ => {}
        }
    }
    cells.push(&text[start..]);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_outside_quotes() {
        assert_eq!(split_cells("a,\"b,c\",d", 10), ["a", "\"b,c\"", "d"]);
        assert_eq!(split_cells("a,b,c,d", 1), ["a", "b"]);
    }

    #[test]
    fn dates_run_into_a_header_are_found() {
        assert!(contains_date("Notes1/1/2025", SlashDates::Us));
        assert!(contains_date("2025-01-31", SlashDates::Us));
        assert!(!contains_date("Hours per working day", SlashDates::Us));
        assert!(!contains_date("Record ID 12345678", SlashDates::Us));
    }

    #[test]
    fn ordinals() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 111].into_iter().map(ordinal).collect();
        assert_eq!(words, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "111th"]);
    }
}
