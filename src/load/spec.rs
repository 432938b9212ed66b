//! What a table is: the columns an export must have and may have, the names they go by, and
//! which hold dates. Read by the header matcher, the row-shape checks and the row reader
//! alike, so it depends on none of them.

/// A column of a table: its place in [`TableSpec::columns`], its name (the README's), and
/// the other headers it is known by in Airtable bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub index: usize,
    pub name: &'static str,
    pub required: bool,
    /// Built-in synonyms, looked for when the export has no header `name` (README, "Input").
    pub synonyms: &'static [&'static str],
    /// Holds dates: a line inside a cell with a date here looks like a swallowed row.
    pub is_date: bool,
}

impl Column {
    pub const fn required(index: usize, name: &'static str) -> Column {
        Column { index, name, required: true, synonyms: &[], is_date: false }
    }

    pub const fn optional(index: usize, name: &'static str) -> Column {
        Column { index, name, required: false, synonyms: &[], is_date: false }
    }

    pub const fn or(self, synonyms: &'static [&'static str]) -> Column {
        Column { synonyms, ..self }
    }

    pub const fn date(self) -> Column {
        Column { is_date: true, ..self }
    }

    /// The column's key in `[columns.TABLE]` of the settings: its name in snake case
    /// (`Team member` → `team_member`).
    pub fn key(&self) -> String {
        self.name.to_lowercase().replace(' ', "_")
    }
}

/// The columns a table must have and the ones it may have, in index order.
pub struct TableSpec {
    pub file: &'static str,
    pub columns: &'static [Column],
}

impl TableSpec {
    /// The table's name in `[columns.TABLE]`: its file name without `.csv`.
    pub fn table_name(&self) -> &'static str {
        self.file.strip_suffix(".csv").unwrap_or(self.file)
    }
}
