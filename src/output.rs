//! The last stage: a plan of files held in memory, written to the output folder in one swap.
//!
//! The new tree is written to a temporary folder beside the output and swapped in at the end,
//! so a run that fails for any reason leaves the previous output exactly as it was.
//!
//! Who owns what in the output folder: the files this tool wrote are listed in
//! `.ces-report-files`; on the next build they are replaced, and those no longer produced are
//! removed. Every `_build/` (MyST's caches) and `exports/` (the PDFs of the previous run) are
//! left behind: they are rebuilt from the new sources. Every other file is the user's own (an extra
//! page, a logo) and is carried over unchanged. A folder that is not empty and has no
//! `.ces-report-files` is refused rather than overwritten.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Lists the files the tool wrote, one relative path per line.
pub(crate) const OWNED_LIST: &str = ".ces-report-files";

/// MyST's cache folder, wherever it is (the site's and each PDF project's): never carried over.
const CACHE: &str = "_build";
/// Folders of the output that later steps regenerate, never carried over.
const REGENERATED: [&str; 1] = ["exports"];

/// Files to write, by path relative to the output folder (`/`-separated), in a stable order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Plan {
    files: BTreeMap<String, Vec<u8>>,
}

impl Plan {
    pub fn add(&mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }

    /// Adds every file of `other`.
    pub fn extend(&mut self, other: Plan) {
        self.files.extend(other.files);
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Writes `plan` to `out`, replacing the previous output as described in the module docs.
pub(crate) fn write(plan: &Plan, out: &Path) -> Result<()> {
    let previous = previous_owned(out)?;
    let staging = sibling(out, "tmp")?;
    let result = stage(plan, out, &previous, &staging).and_then(|()| swap(&staging, out));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// The files a previous run wrote, or an error if `out` holds someone else's files.
fn previous_owned(out: &Path) -> Result<Option<BTreeSet<String>>> {
    if !out.exists() {
        return Ok(None);
    }
    let list = out.join(OWNED_LIST);
    if !list.exists() {
        let empty =
            fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?.next().is_none();
        if empty {
            return Ok(None);
        }
        bail!(
            "{} is not empty and was not written by ces-report (it has no {OWNED_LIST}); choose a new or empty folder",
            out.display()
        );
    }
    let text = fs::read_to_string(&list).with_context(|| format!("cannot read {}", list.display()))?;
    Ok(Some(text.lines().map(str::to_string).collect()))
}

/// A hidden folder next to `out`, on the same file system so the swap is a rename.
fn sibling(out: &Path, purpose: &str) -> Result<PathBuf> {
    let name = out.file_name().with_context(|| format!("{} has no folder name", out.display()))?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok(parent.join(format!(".{}.{purpose}-{}", name.to_string_lossy(), std::process::id())))
}

fn stage(plan: &Plan, out: &Path, previous: &Option<BTreeSet<String>>, staging: &Path) -> Result<()> {
    let _ = fs::remove_dir_all(staging);
    fs::create_dir_all(staging).with_context(|| format!("cannot create {}", staging.display()))?;
    if let Some(owned) = previous {
        carry_over_user_files(out, out, owned, plan, staging)?;
    }
    write_all(plan, staging)?;
    let listing: String = plan.files().map(|(path, _)| format!("{path}\n")).collect();
    write_file(&staging.join(OWNED_LIST), listing.as_bytes())
}

/// Writes the plan's files on all cores: a book has thousands of small files and creating
/// them is most of the time a build takes.
fn write_all(plan: &Plan, staging: &Path) -> Result<()> {
    let folders: BTreeSet<&Path> = plan.files().filter_map(|(path, _)| Path::new(path).parent()).collect();
    for folder in folders {
        let folder = staging.join(folder);
        fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let files: Vec<(&str, &[u8])> = plan.files().collect();
    crate::parallel::map(files.len(), |index| {
        let (path, bytes) = files[index];
        let path = staging.join(path);
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    })
    .into_iter()
    .collect()
}

/// Removes a folder tree, its top-level entries side by side.
fn remove_tree(folder: &Path) -> std::io::Result<()> {
    let entries: Vec<PathBuf> =
        fs::read_dir(folder)?.map(|entry| entry.map(|e| e.path())).collect::<std::io::Result<_>>()?;
    crate::parallel::map(entries.len(), |index| {
        let path = &entries[index];
        if path.is_dir() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    })
    .into_iter()
    .collect::<std::io::Result<()>>()?;
    fs::remove_dir(folder)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Copies the files under `dir` that the tool did not write into the staging folder.
fn carry_over_user_files(
    root: &Path,
    dir: &Path,
    owned: &BTreeSet<String>,
    plan: &Plan,
    staging: &Path,
) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let relative = path.strip_prefix(root).expect("inside the root").to_string_lossy().replace('\\', "/");
        let is_cache = path.file_name().is_some_and(|name| name == CACHE);
        if relative == OWNED_LIST || REGENERATED.contains(&relative.as_str()) || is_cache {
            continue;
        }
        if path.is_dir() {
            carry_over_user_files(root, &path, owned, plan, staging)?;
        } else if !owned.contains(&relative) && plan.get(&relative).is_none() {
            let target = staging.join(&relative);
            fs::create_dir_all(target.parent().expect("a file has a parent"))?;
            fs::copy(&path, &target).with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    Ok(())
}

/// Puts the staged tree in place of `out` with two renames.
fn swap(staging: &Path, out: &Path) -> Result<()> {
    if !out.exists() {
        return fs::rename(staging, out)
            .with_context(|| format!("cannot move the new output to {}", out.display()));
    }
    let backup = sibling(out, "old")?;
    let _ = fs::remove_dir_all(&backup);
    fs::rename(out, &backup).with_context(|| format!("cannot move {} aside", out.display()))?;
    if let Err(error) = fs::rename(staging, out) {
        let _ = fs::rename(&backup, out);
        return Err(error).with_context(|| format!("cannot move the new output to {}", out.display()));
    }
    remove_tree(&backup).with_context(|| format!("cannot remove the previous output {}", backup.display()))
}
