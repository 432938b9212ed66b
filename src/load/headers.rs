//! The header row: which column of an export holds each column a table reads.
//!
//! A column is found by the header that `settings.toml` gives it (`[columns.activities]
//! units = "Hours spent"`), else by its own name or one of its few built-in synonyms (Hours
//! for Units), compared case-insensitively with surrounding spaces, invisible characters and
//! no-break spaces ignored. A header that appears twice is an error, never "first one wins";
//! a missing column's error lists the headers the file has and the settings line that would
//! map the closest one.

use std::collections::BTreeSet;

use super::names::link_key;
use super::spec::{Column, TableSpec};
use crate::settings::Settings;

/// Where each known column sits in one export, and what the headers say there.
pub(super) struct ColumnMap {
    /// By [`Column::index`]: the column's position in each record.
    pub positions: Vec<Option<usize>>,
    /// The export's headers as written (trimmed), by position.
    headers: Vec<String>,
}

impl ColumnMap {
    /// The header a column has in this export, as messages name it; its own name when the
    /// export lacks it.
    pub(super) fn label(&self, column: Column) -> &str {
        self.positions[column.index].map_or(column.name, |position| &self.headers[position])
    }

    /// The header of the cell at `position` of a record, or `cell N` past the last header.
    pub(super) fn label_at(&self, position: usize) -> String {
        match self.headers.get(position) {
            Some(header) if !header.is_empty() => header.clone(),
            _ => format!("cell {}", position + 1),
        }
    }

    pub(super) fn header_count(&self) -> usize {
        self.headers.len()
    }
}

/// The key a header is matched by.
fn header_key(header: &str) -> String {
    link_key(header).to_lowercase()
}

/// Finds every column of `spec` in `headers`. `Err` holds one message per problem: a
/// missing required column, a column mapped in the settings that is not there, or a column
/// given twice.
pub(super) fn map_columns(
    spec: &TableSpec,
    headers: &csv::StringRecord,
    settings: &Settings,
) -> Result<ColumnMap, Vec<String>> {
    let keys: Vec<String> = headers.iter().map(header_key).collect();
    let written: Vec<String> = headers
        .iter()
        .map(|header| header.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').to_string())
        .collect();
    let mut positions = vec![None; spec.columns.len()];
    let mut problems = Vec::new();
    let mut unfound = Vec::new();
    for column in spec.columns {
        let wanted = Wanted::of(spec, *column, settings);
        match find(&keys, &wanted.names()) {
            Found::Once(position) => positions[column.index] = Some(position),
            Found::Several(found) => problems.push(duplicate_message(*column, &found, &written)),
            Found::None if column.required || wanted.mapped.is_some() => unfound.push((*column, wanted)),
            Found::None => {}
        }
    }
    problems.extend(shared_headers(spec, &positions, &written, settings));
    let used: BTreeSet<usize> = positions.iter().flatten().copied().collect();
    for (column, wanted) in unfound {
        problems.push(missing_message(spec, column, &wanted, &written, &used));
    }
    if problems.is_empty() {
        Ok(ColumnMap { positions, headers: written })
    } else {
        Err(problems)
    }
}

/// One message per header that two columns would both be read from: the settings gave one
/// of them (or both) a header that already feeds another.
fn shared_headers(
    spec: &TableSpec,
    positions: &[Option<usize>],
    written: &[String],
    settings: &Settings,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (first, second) in
        spec.columns.iter().enumerate().flat_map(|(i, a)| spec.columns[i + 1..].iter().map(move |b| (a, b)))
    {
        let (Some(position), Some(other)) = (positions[first.index], positions[second.index]) else {
            continue;
        };
        if position != other {
            continue;
        }
        let line = |column: &Column| {
            settings
                .column_header(spec.table_name(), &column.key())
                .map(|header| settings_line(spec, *column, header))
                .unwrap_or_else(|| format!("\"{}\" by its own name", column.name))
        };
        problems.push(format!(
            "the header \"{}\" would feed two columns, \"{}\" ({}) and \"{}\" ({}): a header feeds one column; correct the mapping in settings.toml",
            shown(&written[position]),
            first.name,
            line(first),
            second.name,
            line(second)
        ));
    }
    problems
}

/// The headers a column may have in an export.
struct Wanted<'a> {
    /// The header the settings file gives it, which then is the only one looked for.
    mapped: Option<&'a str>,
    column: Column,
}

impl<'a> Wanted<'a> {
    fn of(spec: &TableSpec, column: Column, settings: &'a Settings) -> Wanted<'a> {
        Wanted { mapped: settings.column_header(spec.table_name(), &column.key()), column }
    }

    fn names(&self) -> Vec<&str> {
        match self.mapped {
            Some(header) => vec![header],
            None => std::iter::once(self.column.name).chain(self.column.synonyms.iter().copied()).collect(),
        }
    }
}

enum Found {
    None,
    Once(usize),
    Several(Vec<usize>),
}

/// The positions of the first of `names` that the header row has.
fn find(keys: &[String], names: &[&str]) -> Found {
    for name in names {
        let wanted = header_key(name);
        let found: Vec<usize> = (0..keys.len()).filter(|position| keys[*position] == wanted).collect();
        match found.len() {
            0 => continue,
            1 => return Found::Once(found[0]),
            _ => return Found::Several(found),
        }
    }
    Found::None
}

fn duplicate_message(column: Column, found: &[usize], written: &[String]) -> String {
    let places: Vec<String> = found
        .iter()
        .map(|position| format!("{} (\"{}\")", position + 1, shown(&written[*position])))
        .collect();
    let (last, first) = places.split_last().expect("several");
    format!(
        "columns {} and {last} both name the column \"{}\": expected it once; delete or rename one",
        first.join(", "),
        column.name
    )
}

fn missing_message(
    spec: &TableSpec,
    column: Column,
    wanted: &Wanted<'_>,
    written: &[String],
    used: &BTreeSet<usize>,
) -> String {
    let names = wanted.names();
    let mut message = match wanted.mapped {
        Some(header) => format!(
            "missing column \"{}\", which settings.toml names for \"{}\" ({})",
            shown(header),
            column.name,
            settings_line(spec, column, header)
        ),
        None if names.len() > 1 => {
            let others: Vec<String> = names[1..].iter().map(|name| format!("\"{name}\"")).collect();
            format!("missing column \"{}\" (or {})", column.name, others.join(" or "))
        }
        None => format!("missing column \"{}\"", column.name),
    };
    message.push_str(&format!(": {}", header_list(written)));
    let unused =
        (0..written.len()).filter(|position| !used.contains(position) && !written[*position].is_empty());
    let verb = if wanted.mapped.is_some() { "change that line to" } else { "add to settings.toml" };
    match closest(&names, unused, written) {
        Some(position) => {
            let header = &written[position];
            message.push_str(&format!(
                "; if \"{}\" holds it, {verb}: {}",
                shown(header),
                settings_line(spec, column, header)
            ));
        }
        None => message.push_str(&format!(
            "; if a column under another header holds it, {verb}: {}",
            settings_line(spec, column, "that header")
        )),
    }
    message
}

/// Longest header shown in a message, in characters, and most headers listed.
const HEADER_LIMIT: usize = 60;
const HEADERS_LISTED: usize = 30;

fn header_list(written: &[String]) -> String {
    let present: Vec<String> = written
        .iter()
        .filter(|header| !header.is_empty())
        .map(|header| format!("\"{}\"", shown(header)))
        .collect();
    match present.len() {
        0 => "the header row is empty".to_string(),
        count if count > HEADERS_LISTED => format!(
            "the header row has {} and {} more",
            present[..HEADERS_LISTED].join(", "),
            count - HEADERS_LISTED
        ),
        _ => format!("the header row has {}", present.join(", ")),
    }
}

/// A header on one line, cut when long.
pub(super) fn shown(header: &str) -> String {
    let mut text: String =
        header.chars().take(HEADER_LIMIT).map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
    if header.chars().nth(HEADER_LIMIT).is_some() {
        text.push('…');
    }
    text
}

/// The settings line mapping `column` to `header`, exactly as it goes in `settings.toml`.
pub(super) fn settings_line(spec: &TableSpec, column: Column, header: &str) -> String {
    format!("[columns.{}] {} = {}", spec.table_name(), column.key(), toml_string(header))
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut quoted = String::from('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The header among `candidates` closest to one of `names`: the most words in common, then
/// the smallest edit distance; on a tie the leftmost. `None` when none is close at all.
fn closest(names: &[&str], candidates: impl Iterator<Item = usize>, written: &[String]) -> Option<usize> {
    let mut best: Option<((usize, f64), usize)> = None;
    for position in candidates {
        let score = names.iter().map(|name| similarity(name, &written[position])).fold((0, 0.0), |a, b| {
            if b > a {
                b
            } else {
                a
            }
        });
        let close_enough = score.0 > 0 || score.1 >= 0.6;
        if close_enough && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, position));
        }
    }
    best.map(|(_, position)| position)
}

/// Words of three letters or more in common, and the normalised edit-distance similarity.
fn similarity(name: &str, header: &str) -> (usize, f64) {
    let (name, header) = (name.to_lowercase(), header.to_lowercase());
    let words = |text: &str| -> BTreeSet<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 3)
            .map(str::to_string)
            .collect()
    };
    let shared = words(&name).intersection(&words(&header)).count();
    (shared, strsim::normalized_damerau_levenshtein(&name, &header))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_header_shares_a_word_or_is_spelt_alike() {
        let written: Vec<String> =
            ["Record ID", "Hours spent", "Unit", "Notes"].iter().map(|h| h.to_string()).collect();
        assert_eq!(closest(&["Units", "Hours"], 0..4, &written), Some(1));
        assert_eq!(closest(&["Units"], 0..4, &written), Some(2));
        assert_eq!(closest(&["Allocation"], 0..4, &written), None);
    }

    #[test]
    fn settings_lines_are_valid_toml() {
        assert_eq!(toml_string("Hours \"spent\" \\ x"), "\"Hours \\\"spent\\\" \\\\ x\"");
    }
}
