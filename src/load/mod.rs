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
mod headers;
mod line_breaks;
pub mod names;
pub mod projects;
mod shape;
mod table;

use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result};

use crate::diagnostics::Diagnostics;
use crate::settings::Settings;
pub use table::{read_table, read_table_in_parallel, BatchParser, Column, Row, TableSpec};

/// Every table, in the order they are read.
pub const TABLES: [&TableSpec; 6] = [
    &engagements::SPEC,
    &contacts::SPEC,
    &projects::SPEC,
    &allocations::SPEC,
    &activities::SPEC,
    &capacity::SPEC,
];

/// Names seen in a column, each stored once and referred to by index.
///
/// A large export repeats a few thousand names a million times, so the names live side by
/// side in one buffer that stays in cache, found through their 64-bit hash.
#[derive(Debug, Default, Clone)]
pub struct Symbols {
    /// Hash of a name → the first symbol with that hash.
    first_by_hash: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    /// The next symbol sharing a hash (collisions are rare but possible).
    next_same_hash: Vec<Option<u32>>,
    text: String,
    spans: Vec<(u32, u32)>,
}

impl Symbols {
    pub fn intern(&mut self, name: &str) -> u32 {
        let hash = name_hash(name);
        let mut candidate = self.first_by_hash.get(&hash).copied();
        let mut last = None;
        while let Some(id) = candidate {
            if self.name(id) == name {
                return id;
            }
            last = Some(id);
            candidate = self.next_same_hash[id as usize];
        }
        let id = self.spans.len() as u32;
        self.spans.push((self.text.len() as u32, name.len() as u32));
        self.text.push_str(name);
        self.next_same_hash.push(None);
        match last {
            Some(previous) => self.next_same_hash[previous as usize] = Some(id),
            None => {
                self.first_by_hash.insert(hash, id);
            }
        }
        id
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

/// A fast 64-bit hash of a short name (rotate, xor, multiply per 8 bytes; then fold).
fn name_hash(name: &str) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mix = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let bytes = name.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut hash = mix(0, bytes.len() as u64);
    for chunk in &mut chunks {
        hash = mix(hash, u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
    }
    for byte in chunks.remainder() {
        hash = mix(hash, u64::from(*byte));
    }
    hash ^ (hash >> 32)
}

/// The keys are already hashes: use them as they are.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed");
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Everything read from a data folder.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    pub engagements: Vec<engagements::EngagementRow>,
    pub contacts: Vec<contacts::ContactRow>,
    pub projects: Vec<projects::ProjectRow>,
    pub allocations: Vec<allocations::AllocationRow>,
    pub activities: Vec<activities::ActivityRow>,
    /// Names the activities link to, indexed by `ActivityRow::allocation`.
    pub activity_allocations: Symbols,
    /// Team members, indexed by `ActivityRow::team_member`.
    pub team_members: Symbols,
    /// `None` when the folder has no `capacity.csv`: the capacity is then unknown.
    pub capacity: Option<Vec<capacity::CapacityRow>>,
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
pub const FILES: [&str; 6] = [
    engagements::SPEC.file,
    contacts::SPEC.file,
    projects::SPEC.file,
    allocations::SPEC.file,
    activities::SPEC.file,
    capacity::SPEC.file,
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
