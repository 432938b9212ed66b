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
pub mod projects;
mod table;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result};

use crate::diagnostics::Diagnostics;
use crate::settings::SlashDates;
pub use table::{read_table, Row, TableSpec};

/// Names seen in a column, each stored once and referred to by index.
#[derive(Debug, Default, Clone)]
pub struct Symbols {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Symbols {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
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
    fn open(&self, file: &str) -> Result<Option<Box<dyn Read + '_>>>;
}

/// A data folder on disk.
pub struct Folder<'a>(pub &'a Path);

impl Source for Folder<'_> {
    fn open(&self, file: &str) -> Result<Option<Box<dyn Read + '_>>> {
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
    fn open(&self, file: &str) -> Result<Option<Box<dyn Read + '_>>> {
        Ok(self.get(file).map(|text| Box::new(text.as_bytes()) as Box<dyn Read>))
    }
}

/// Reads all tables; problems in the data go to `diagnostics`, only I/O failures are `Err`.
pub fn load(source: &dyn Source, slash_dates: SlashDates, diagnostics: &mut Diagnostics) -> Result<Tables> {
    let mut tables = Tables::default();
    let mut read = |spec: &TableSpec, required: bool, each: &mut dyn FnMut(&mut Row<'_>)| -> Result<bool> {
        match source.open(spec.file)? {
            Some(input) => {
                read_table(input, spec, slash_dates, diagnostics, each);
                Ok(true)
            }
            None if required => {
                diagnostics.line_error(spec.file, 0, "missing file: expected this table's CSV export in the data folder");
                Ok(false)
            }
            None => Ok(false),
        }
    };
    read(&engagements::SPEC, true, &mut |row| tables.engagements.extend(engagements::parse(row)))?;
    read(&contacts::SPEC, false, &mut |row| tables.contacts.extend(contacts::parse(row)))?;
    read(&projects::SPEC, true, &mut |row| tables.projects.extend(projects::parse(row)))?;
    read(&allocations::SPEC, true, &mut |row| tables.allocations.extend(allocations::parse(row)))?;
    read(&activities::SPEC, true, &mut |row| {
        let parsed = activities::parse(row, &mut tables.activity_allocations, &mut tables.team_members);
        tables.activities.extend(parsed);
    })?;
    let mut capacity = Vec::new();
    if read(&capacity::SPEC, false, &mut |row| capacity.extend(capacity::parse(row)))? {
        tables.capacity = Some(capacity);
    }
    Ok(tables)
}
