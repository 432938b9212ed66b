//! The rule that keeps every reader seeing one truth: presenters (`src/site/`, `src/present/`,
//! `src/drafts/`, `src/summary/`) format what `src/figures/` decided and call none of its
//! functions. ARCHITECTURE.md names this test as the check:
//!
//!     cargo test --test integration layers
//!
//! It reads the sources: every public function `src/figures/` defines (free functions and
//! inherent methods; trait methods such as `add` or `sum` are the traits', not the figures', and
//! a private function cannot be called from elsewhere) and every call in a presenter. A call by a bare name, a method call, or a path through a figures type
//! or module is a call of a figures function when the name is one figures defines; a call
//! through another type's path (`Month::of`, `StatusView::new`) is that type's.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::root;

const PRESENTERS: [&str; 4] = ["src/site", "src/present", "src/drafts", "src/summary"];

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The source without its unit tests and its comments, line by line.
fn code_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("a source file");
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines().map(|line| line.split("//").next().unwrap_or_default().to_string()).collect()
}

fn is_identifier(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The word that starts at `at` in `line`, if an identifier starts there.
fn word_at(line: &str, at: usize) -> &str {
    let rest = &line[at..];
    let end = rest.find(|c: char| !is_identifier(c)).unwrap_or(rest.len());
    &rest[..end]
}

/// The names of the functions a file defines outside trait impls, and the types it declares.
fn definitions(path: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut functions, mut types) = (BTreeSet::new(), BTreeSet::new());
    let mut depth = 0i32;
    let mut trait_impl_depth: Option<i32> = None;
    for line in code_lines(path) {
        let trimmed = line.trim_start();
        if trait_impl_depth.is_none() && trimmed.starts_with("impl") && line.contains(" for ") {
            trait_impl_depth = Some(depth);
        }
        for keyword in ["struct ", "enum ", "type "] {
            for (at, _) in line.match_indices(keyword) {
                let before = line[..at].chars().last();
                if before.is_none_or(|c| c == ' ') {
                    types.insert(word_at(&line, at + keyword.len()).to_string());
                }
            }
        }
        if trait_impl_depth.is_none() {
            for (at, _) in line.match_indices("fn ") {
                // Only what other modules can call: a private function is the compiler's to keep.
                if line[..at].trim_start().starts_with("pub") {
                    let name = word_at(&line, at + 3);
                    if !name.is_empty() {
                        functions.insert(name.to_string());
                    }
                }
            }
        }
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        if trait_impl_depth.is_some_and(|at| depth <= at) && line.contains('}') {
            trait_impl_depth = None;
        }
    }
    (functions, types)
}

/// Each call in `line` of a name in `functions`, unless it goes through a type's path that is
/// not one of `figures_types`.
fn calls_in<'a>(
    line: &'a str,
    functions: &BTreeSet<String>,
    figures_types: &BTreeSet<String>,
) -> Vec<&'a str> {
    let mut calls = Vec::new();
    for (at, _) in line.match_indices('(') {
        let before = &line[..at];
        let start = before.rfind(|c: char| !is_identifier(c)).map_or(0, |i| i + 1);
        let name = &before[start..];
        if name.is_empty() || !functions.contains(name) || before[..start].trim_end().ends_with("fn") {
            continue;
        }
        let path = before[..start].trim_end();
        let through_other_type = path.strip_suffix("::").is_some_and(|qualifier| {
            let owner = &qualifier[qualifier.rfind(|c: char| !is_identifier(c)).map_or(0, |i| i + 1)..];
            owner.starts_with(|c: char| c.is_ascii_uppercase()) && !figures_types.contains(owner)
        });
        if !through_other_type {
            calls.push(name);
        }
    }
    calls.extend(passed_by_path(line, functions, figures_types));
    calls
}

/// Each function of figures named by a path through a figures type or module without being
/// called there: passed as a value (`rows.iter().any(CommitmentRow::over_capacity)`), it runs all
/// the same.
fn passed_by_path<'a>(
    line: &'a str,
    functions: &BTreeSet<String>,
    figures_types: &BTreeSet<String>,
) -> Vec<&'a str> {
    let mut found = Vec::new();
    for (at, _) in line.match_indices("::") {
        let name = word_at(line, at + 2);
        let after = &line[at + 2 + name.len()..];
        // A call is found by `calls_in`; a name the path goes on through is a module.
        let called = after.starts_with('(') || after.starts_with("::");
        let before = &line[..at];
        let owner = &before[before.rfind(|c: char| !is_identifier(c)).map_or(0, |i| i + 1)..];
        if !called && functions.contains(name) && figures_types.contains(owner) {
            found.push(name);
        }
    }
    found
}

#[test]
fn presenters_call_no_function_of_figures() {
    let (mut functions, mut figures_types) = (BTreeSet::new(), BTreeSet::new());
    for file in rust_files(&root().join("src/figures")) {
        let (defined, types) = definitions(&file);
        functions.extend(defined);
        figures_types.extend(types);
        // A module's name is a path into figures too (`allowance::allowance`).
        figures_types.extend(file.file_stem().map(|stem| stem.to_string_lossy().into_owned()));
    }
    figures_types.insert("figures".to_string());
    assert!(functions.contains("allocation_figures") && functions.contains("community_month"));
    let mut found = Vec::new();
    for folder in PRESENTERS {
        for file in rust_files(&root().join(folder)) {
            for (index, line) in code_lines(&file).iter().enumerate() {
                for name in calls_in(line, &functions, &figures_types) {
                    let shown = file.strip_prefix(root()).unwrap_or(&file).display().to_string();
                    found.push(format!("{shown}:{}: {name}(…): {}", index + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "presenters call functions of figures/:\n{}", found.join("\n"));
}

/// The check itself finds calls: a bare call, a method call, a call through a figures type or
/// module and a figures type's function passed as a value are found; a call through another
/// type's path, a field and a definition are not.
#[test]
fn the_layer_check_finds_what_it_looks_for() {
    let functions: BTreeSet<String> = ["allowance", "new", "over_capacity"].map(String::from).into();
    let figures_types: BTreeSet<String> = ["CommitmentRow"].map(String::from).into();
    let calls = |line: &'static str| calls_in(line, &functions, &figures_types);
    assert_eq!(calls("let a = allowance(dataset, figures, id);"), ["allowance"]);
    assert_eq!(calls("let a = allowance::allowance(dataset);"), ["allowance"]);
    assert_eq!(calls("if row.over_capacity() {"), ["over_capacity"]);
    assert_eq!(calls("CommitmentRow::new(1)"), ["new"]);
    assert!(calls("StatusView::new(input, status)").is_empty());
    assert!(calls("fn allowance(x: u8) {").is_empty());
    assert!(calls("if row.over_capacity {").is_empty());
    assert_eq!(calls("if rows.iter().any(CommitmentRow::over_capacity) {"), ["over_capacity"]);
    assert!(calls("rows.map(Month::over_capacity)").is_empty());
    let with_module: BTreeSet<String> = ["CommitmentRow", "allowance"].map(String::from).into();
    assert_eq!(calls_in("ids.map(allowance::allowance)", &functions, &with_module), ["allowance"]);
    assert!(calls_in("use crate::figures::allowance::Allowance;", &functions, &with_module).is_empty());
}
