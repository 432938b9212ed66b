//! Stage 1: the Airtable CSV exports in a data folder → typed rows, names not yet linked.
//!
//! Every unreadable cell is recorded as a diagnostic and loading goes on, so one run reports
//! all problems. Linking names to records is the model's job.

pub mod activities;
pub mod allocations;
pub mod capacity;
pub mod cells;
pub mod contacts;
pub mod engagements;
pub mod feedback;
mod headers;
mod line_breaks;
pub mod names;
pub mod projects;
mod shape;
mod spec;
mod split;
mod table;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::diagnostics::Diagnostics;
use crate::settings::Settings;
pub(crate) use shape::{cut_long_cell, LONG_CELL};
pub use spec::{Column, TableSpec};
pub use table::{read_table, read_table_in_parallel, BatchParser, Row};

/// Every table, in the order they are read.
pub const TABLES: [&TableSpec; 7] = [
    &engagements::SPEC,
    &contacts::SPEC,
    &projects::SPEC,
    &allocations::SPEC,
    &activities::SPEC,
    &capacity::SPEC,
    &feedback::SPEC,
];

/// The settings' column map against the tables: each `[columns.TABLE] key = "Header"` names a known table, a known column key of it and a
/// header that is not empty.
pub fn check_column_names(columns: &crate::settings::ColumnNames) -> Result<()> {
    for (table, names) in columns {
        let Some(spec) = TABLES.iter().find(|spec| spec.table_name() == table) else {
            let tables: Vec<&str> = TABLES.iter().map(|spec| spec.table_name()).collect();
            bail!("[columns.{table}]: unknown table \"{table}\": expected one of {}", tables.join(", "));
        };
        for (key, header) in names {
            if !spec.columns.iter().any(|column| column.key() == *key) {
                let keys: Vec<String> = spec.columns.iter().map(|column| column.key()).collect();
                bail!(
                    "[columns.{table}] {key}: unknown column \"{key}\": expected one of {}",
                    keys.join(", ")
                );
            }
            if header.trim().is_empty() {
                bail!("[columns.{table}] {key} = \"\": expected the header of a column of {}", spec.file);
            }
        }
    }
    Ok(())
}

/// Names seen in a column, each stored once and referred to by index.
///
/// A large export repeats a few thousand names a million times, so the names live side by
/// side in one buffer, found through a table of slots that each hold a name's first 16 bytes,
/// hash, length and symbol: most names are that short, and a lookup then reads one slot and
/// nothing else.
#[derive(Debug, Default, Clone)]
pub struct Symbols {
    /// Open addressing with linear probing, a power of two long and at most half full.
    slots: Vec<Slot>,
    text: String,
    spans: Vec<(u32, u32)>,
}

/// One place in [`Symbols`]'s table.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The name's first 16 bytes, zeros after its end.
    prefix: u128,
    hash: u32,
    len: u32,
    /// Where the name starts in [`Symbols::text`].
    start: u32,
    /// The symbol, or [`Slot::EMPTY`].
    id: u32,
}

impl Slot {
    const EMPTY: u32 = u32::MAX;
    const FREE: Slot = Slot { prefix: 0, hash: 0, len: 0, start: 0, id: Slot::EMPTY };
}

impl Symbols {
    pub fn intern(&mut self, name: &str) -> u32 {
        if self.spans.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let bytes = name.as_bytes();
        let (prefix, hash) = prefix_and_hash(bytes);
        let mask = self.slots.len() - 1;
        let mut index = hash as usize & mask;
        loop {
            let slot = self.slots[index];
            if slot.id == Slot::EMPTY {
                break;
            }
            if slot.hash == hash
                && slot.prefix == prefix
                && slot.len as usize == bytes.len()
                && (bytes.len() <= 16
                    || self.text.as_bytes()[slot.start as usize + 16..][..bytes.len() - 16] == bytes[16..])
            {
                return slot.id;
            }
            index = (index + 1) & mask;
        }
        let id = self.spans.len() as u32;
        let (start, len) = (self.text.len() as u32, bytes.len() as u32);
        self.spans.push((start, len));
        self.text.push_str(name);
        self.slots[index] = Slot { prefix, hash, len, start, id };
        id
    }

    /// Doubles the table (16 slots to begin with) and places every name again.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let mut slots = vec![Slot::FREE; size];
        for slot in self.slots.iter().filter(|slot| slot.id != Slot::EMPTY) {
            let mut index = slot.hash as usize & (size - 1);
            while slots[index].id != Slot::EMPTY {
                index = (index + 1) & (size - 1);
            }
            slots[index] = *slot;
        }
        self.slots = slots;
    }

    pub fn name(&self, id: u32) -> &str {
        let (start, len) = self.spans[id as usize];
        &self.text[start as usize..(start + len) as usize]
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// A name's first 16 bytes (zero-padded) as one number, and a fast 32-bit hash of the whole
/// name: rotate, xor and multiply per 8 bytes, the last ones padded with zeros, then the high
/// half folded into the low.
fn prefix_and_hash(bytes: &[u8]) -> (u128, u32) {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mix = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let (low, high) = head_words(bytes);
    let mut hash = mix(mix(mix(0, bytes.len() as u64), low), high);
    for chunk in bytes.get(16..).unwrap_or_default().chunks(8) {
        hash = mix(hash, word(chunk));
    }
    (u128::from(low) | (u128::from(high) << 64), (hash ^ (hash >> 32)) as u32)
}

/// The first 16 bytes (or fewer) as two little-endian words, zeros after them.
pub(crate) fn head_words(bytes: &[u8]) -> (u64, u64) {
    let head = &bytes[..bytes.len().min(16)];
    let (low, high) = head.split_at(head.len().min(8));
    (word(low), word(high))
}

/// Up to 8 bytes as a little-endian number, zeros after them: whole words and overlapping
/// halves read at once rather than byte by byte or through a copy (names are hashed a million
/// times).
fn word(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let at = |index: usize| u64::from(bytes[index]);
    match len {
        0 => 0,
        1..=3 => at(0) | at(len / 2) << (8 * (len / 2)) | at(len - 1) << (8 * (len - 1)),
        4..=7 => {
            let half = |from: usize| {
                u64::from(u32::from_le_bytes(bytes[from..from + 4].try_into().expect("4 bytes")))
            };
            half(0) | half(len - 4) << (8 * (len - 4))
        }
        _ => u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")),
    }
}

/// Everything read from a data folder.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    pub engagements: Vec<engagements::EngagementRow>,
    pub contacts: Vec<contacts::ContactRow>,
    pub projects: Vec<projects::ProjectRow>,
    pub allocations: Vec<allocations::AllocationRow>,
    pub activities: Vec<activities::Activity>,
    /// Names the activities link to, indexed by `Activity::allocation`.
    pub activity_allocations: Symbols,
    /// Team members, indexed by `Activity::team_member`.
    pub team_members: Symbols,
    /// `None` when the folder has no `capacity.csv`: the capacity is then unknown.
    pub capacity: Option<Vec<capacity::CapacityRow>>,
    /// `None` when the folder has no `feedback.csv`: nobody has answered a form yet, or the
    /// service does not collect them.
    pub feedback: Option<Vec<feedback::FeedbackRow>>,
}

/// A source of table contents: the data folder, or in-memory text in tests.
pub trait Source {
    /// The reader for `file`, `Ok(None)` when it does not exist.
    fn open(&self, file: &str) -> Result<Option<Box<dyn Read + Send + '_>>>;
}

/// A data folder on disk.
pub struct Folder<'a>(pub &'a Path);

impl Source for Folder<'_> {
    fn open(&self, file: &str) -> Result<Option<Box<dyn Read + Send + '_>>> {
        let path = self.0.join(file);
        match File::open(&path) {
            Ok(handle) => Ok(Some(Box::new(BufReader::with_capacity(1 << 16, handle)))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error).with_context(|| format!("cannot open {}", path.display())),
        }
    }
}

/// In-memory files, keyed by file name.
impl Source for HashMap<&str, &str> {
    fn open(&self, file: &str) -> Result<Option<Box<dyn Read + Send + '_>>> {
        Ok(self.get(file).map(|text| Box::new(text.as_bytes()) as Box<dyn Read + Send>))
    }
}

/// The tables' file names, in the order they are read.
pub const FILES: [&str; 7] = [
    engagements::SPEC.file,
    contacts::SPEC.file,
    projects::SPEC.file,
    allocations::SPEC.file,
    activities::SPEC.file,
    capacity::SPEC.file,
    feedback::SPEC.file,
];

/// The SHA-256 (hex) of a file's bytes, read in blocks.
pub fn sha256_of(path: &Path) -> Result<String> {
    use sha2::Digest;
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let read = file.read(&mut buffer).with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect())
}

/// (file name, SHA-256) of each table present in `folder`, for the record of what a book was
/// made from.
pub fn fingerprints(folder: &Path) -> Result<Vec<(String, String)>> {
    FILES
        .iter()
        .map(|file| folder.join(file))
        .filter(|path| path.is_file())
        .map(|path| Ok((path.file_name().expect("a file").to_string_lossy().to_string(), sha256_of(&path)?)))
        .collect()
}

const MISSING_FILE: &str = "missing file: expected this table's CSV export in the data folder";

/// Reads all tables; problems in the data go to `diagnostics`, only I/O failures are `Err`.
pub fn load(source: &dyn Source, settings: &Settings, diagnostics: &mut Diagnostics) -> Result<Tables> {
    let mut tables = Tables::default();
    let context = (source, settings);
    read(context, &engagements::SPEC, true, diagnostics, &mut |row| {
        tables.engagements.extend(engagements::parse(row))
    })?;
    read(context, &contacts::SPEC, false, diagnostics, &mut |row| {
        tables.contacts.extend(contacts::parse(row))
    })?;
    read(context, &projects::SPEC, true, diagnostics, &mut |row| {
        tables.projects.extend(projects::parse(row))
    })?;
    read(context, &allocations::SPEC, true, diagnostics, &mut |row| {
        tables.allocations.extend(allocations::parse(row))
    })?;
    match source.open(activities::SPEC.file)? {
        Some(input) => {
            let before = diagnostics.all().len();
            tables.activities = activities::read_all(
                input,
                settings,
                diagnostics,
                &mut tables.activity_allocations,
                &mut tables.team_members,
            );
            blame_the_column_map(&activities::SPEC, settings, diagnostics, before);
        }
        None => diagnostics.line_error(activities::SPEC.file, 0, MISSING_FILE),
    }
    let mut capacity = Vec::new();
    if read(context, &capacity::SPEC, false, diagnostics, &mut |row| capacity.extend(capacity::parse(row)))? {
        tables.capacity = Some(capacity);
    }
    let mut feedback = Vec::new();
    let scale = settings.feedback;
    if read(context, &feedback::SPEC, false, diagnostics, &mut |row| {
        feedback.extend(feedback::parse(row, scale))
    })? {
        tables.feedback = Some(feedback);
    }
    Ok(tables)
}

/// Errors in this many cells of a column the settings map to a header, or more, point at the
/// mapping rather than at the cells.
const MAPPED_COLUMN_ERRORS: usize = 3;

/// When cells of a column that `settings.toml` maps to another header fail to read, the likely
/// fault is the mapping: one more error says so, naming the settings line to check.
fn blame_the_column_map(spec: &TableSpec, settings: &Settings, diagnostics: &mut Diagnostics, from: usize) {
    let mut blamed = Vec::new();
    for column in spec.columns {
        let Some(header) = settings.column_header(spec.table_name(), &column.key()) else { continue };
        let errors = diagnostics.all()[from..]
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .filter(|d| d.file == spec.file && d.column.as_deref().is_some_and(|c| c.trim() == header.trim()))
            .count();
        if errors >= MAPPED_COLUMN_ERRORS {
            blamed.push(format!(
                "{errors} cells of the column \"{header}\" cannot be read as \"{}\", which settings.toml reads from it ({}): check that line",
                column.name,
                headers::settings_line(spec, *column, header)
            ));
        }
    }
    for message in blamed {
        diagnostics.line_error(spec.file, 1, message);
    }
}

/// Reads one table if its file exists; `Ok(false)` when it does not.
fn read(
    (source, settings): (&dyn Source, &Settings),
    spec: &TableSpec,
    required: bool,
    diagnostics: &mut Diagnostics,
    each_row: &mut dyn FnMut(&mut Row<'_>),
) -> Result<bool> {
    match source.open(spec.file)? {
        Some(input) => {
            let before = diagnostics.all().len();
            read_table(input, spec, settings, diagnostics, each_row);
            blame_the_column_map(spec, settings, diagnostics, before);
            Ok(true)
        }
        None => {
            if required {
                diagnostics.line_error(spec.file, 0, MISSING_FILE);
            }
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Symbols;

    #[test]
    fn a_word_is_its_bytes_zero_padded() {
        let bytes: Vec<u8> = (1..=8).map(|n| n * 31).collect();
        for len in 0..=8 {
            let mut padded = [0; 8];
            padded[..len].copy_from_slice(&bytes[..len]);
            assert_eq!(super::word(&bytes[..len]), u64::from_le_bytes(padded), "{len}");
        }
    }

    #[test]
    fn symbols_number_names_in_order_of_first_use() {
        let mut symbols = Symbols::default();
        let mut names: Vec<String> = (0..5000).map(|n| format!("Allocation {n}")).collect();
        names.extend((0..100).map(|n| format!("A longer allocation name, number {n}")));
        names.extend(["Allocation 1\0", "Allocation 1\0\0\0\0\0"].map(String::from));
        let count = names.len() as u32;
        for round in 0..2 {
            for (index, name) in names.iter().enumerate() {
                assert_eq!(symbols.intern(name), index as u32, "round {round}");
            }
        }
        assert_eq!(symbols.intern(""), count);
        assert_eq!(symbols.intern("Allocation 1"), 1);
        assert_eq!(symbols.intern("A longer allocation name, number 7"), 5007);
        assert_eq!(symbols.len(), count as usize + 1);
        assert_eq!(symbols.name(4999), "Allocation 4999");
        assert_eq!(symbols.name(5099), "A longer allocation name, number 99");
        assert_eq!(symbols.name(count), "");
    }
}
