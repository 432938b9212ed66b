//! The plan of files a command writes: built in memory by the pure stages, handed to
//! [`crate::output::write`] at the edge. A base type every stage may use, so building a book
//! never reaches into the stage that touches the disk.

use std::collections::{BTreeMap, BTreeSet};

/// Files to write, by path relative to the output folder (`/`-separated), in a stable order,
/// and the files a later step writes from them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Plan {
    files: BTreeMap<String, Vec<u8>>,
    reserved: BTreeSet<String>,
}

impl Plan {
    pub fn add(&mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }

    /// Claims a file that a later step writes (the PDFs of `render`): it is not written now,
    /// but it is listed as the tool's, so the next build may remove it, and a file of
    /// someone else's at that path stops this build.
    pub fn reserve(&mut self, path: impl Into<String>) {
        self.reserved.insert(path.into());
    }

    /// Adds every file of `other`.
    pub fn extend(&mut self, other: Plan) {
        self.files.extend(other.files);
        self.reserved.extend(other.reserved);
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Every path the tool owns once this plan is written: its files and the reserved ones.
    pub fn owned(&self) -> BTreeSet<&str> {
        self.files.keys().chain(&self.reserved).map(String::as_str).collect()
    }

    /// How many files are written now.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
