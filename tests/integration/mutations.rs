//! Mutated copies of `sample-data/`: bytes flipped, quotes, commas, line breaks and digits
//! inserted or deleted, separators changed. Whatever the bytes, reading them never panics
//! and never hangs, and a mutation the loader accepts without an error either keeps every
//! table's row count or comes with a warning about the shape of a row: rows are never lost
//! in silence.
//!
//! The cases are drawn from a fixed seed, so a failure names a case that can be replayed.
//! `MUTATION_CASES=20000 cargo test --release --test integration mutations` runs more of them.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use ces_report::diagnostics::Diagnostics;
use ces_report::load::Source;
use ces_report::model::Dataset;
use ces_report::settings::Settings;

const FILES: [&str; 6] =
    ["engagements.csv", "contacts.csv", "projects.csv", "allocations.csv", "activities.csv", "capacity.csv"];

/// The longest one run may take, in debug, on a loaded machine.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Warnings that account for a changed row count: the messages of `load::shape`.
const ROW_SHAPE_WARNINGS: [&str; 4] =
    ["this quoted cell runs over", "this row has", "this cell holds", "the header row holds"];

type Files = HashMap<&'static str, Vec<u8>>;

/// A data folder of raw bytes, which need not be UTF-8.
struct Bytes(Files);

impl Source for Bytes {
    fn open(&self, file: &str) -> anyhow::Result<Option<Box<dyn Read + Send + '_>>> {
        Ok(self.0.get(file).map(|bytes| Box::new(bytes.as_slice()) as Box<dyn Read + Send>))
    }
}

/// splitmix64: small, fast, and the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// One random change to `bytes`, described for the failure message.
fn mutate(bytes: &mut Vec<u8>, random: &mut Random) -> String {
    let at = random.below(bytes.len() + 1);
    match random.below(11) {
        0 => {
            let at = at.min(bytes.len().saturating_sub(1));
            let value = random.below(256) as u8;
            bytes[at] = value;
            format!("byte {at} set to {value:#04x}")
        }
        1 => insert(bytes, at, b"\"", "quote"),
        2 => delete_one_of(bytes, b'"', random, "quote"),
        3 => insert(bytes, at, b",", "comma"),
        4 => delete_one_of(bytes, b',', random, "comma"),
        5 => insert(bytes, at, b"\n", "line feed"),
        6 => delete_one_of(bytes, b'\n', random, "line feed"),
        7 => insert(bytes, at, b"\r", "carriage return"),
        8 => {
            let digits: Vec<u8> = (0..1 + random.below(400)).map(|_| b'0' + random.below(10) as u8).collect();
            let at = next_digit(bytes, at).unwrap_or(at);
            insert(bytes, at, &digits, "digits")
        }
        9 => {
            let separator = [b';', b'\t', b'|'][random.below(3)];
            match nth_position(bytes, b',', random) {
                Some(at) => {
                    bytes[at] = separator;
                    format!("comma at {at} replaced with {:?}", separator as char)
                }
                None => "nothing".to_string(),
            }
        }
        _ => match next_digit(bytes, at) {
            Some(at) => {
                bytes[at] = b'0' + random.below(10) as u8;
                format!("digit at {at} changed")
            }
            None => "nothing".to_string(),
        },
    }
}

fn insert(bytes: &mut Vec<u8>, at: usize, text: &[u8], what: &str) -> String {
    bytes.splice(at..at, text.iter().copied());
    format!("{what} inserted at {at}")
}

fn delete_one_of(bytes: &mut Vec<u8>, byte: u8, random: &mut Random, what: &str) -> String {
    match nth_position(bytes, byte, random) {
        Some(at) => {
            bytes.remove(at);
            format!("{what} deleted at {at}")
        }
        None => "nothing".to_string(),
    }
}

/// A random position holding `byte`.
fn nth_position(bytes: &[u8], byte: u8, random: &mut Random) -> Option<usize> {
    let count = bytes.iter().filter(|b| **b == byte).count();
    let nth = random.below(count);
    bytes.iter().enumerate().filter(|(_, b)| **b == byte).nth(nth).map(|(at, _)| at)
}

fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.iter().skip(from).position(u8::is_ascii_digit).map(|offset| from + offset)
}

fn row_counts(dataset: &Dataset) -> [usize; 6] {
    [
        dataset.engagements.len(),
        dataset.contacts.len(),
        dataset.projects.len(),
        dataset.allocations.len(),
        dataset.activities.len(),
        dataset.capacity.as_ref().map_or(0, Vec::len),
    ]
}

/// What one run gave: `Ok(None)` when the data has errors, `Err` with the panic message.
type Outcome = Result<Option<([usize; 6], Diagnostics)>, String>;

/// Reads and links `files`, then computes the figures, on a thread of its own with a time
/// limit.
fn run_bounded(files: Files, settings: Settings) -> Outcome {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| {
            let (dataset, diagnostics) = ces_report::read_dataset(&Bytes(files), &settings).ok()?;
            let as_of = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
            ces_report::figures::compute(&dataset, &settings, as_of);
            Some((row_counts(&dataset), diagnostics))
        });
        let _ = sender.send(outcome.map_err(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        }));
    });
    match receiver.recv_timeout(TIME_LIMIT) {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("no answer within {TIME_LIMIT:?}")),
    }
}

fn sample() -> (Files, Settings) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let files = FILES.iter().map(|file| (*file, std::fs::read(folder.join(file)).unwrap())).collect();
    let settings = Settings::load_optional(&folder.join("settings.toml")).unwrap();
    (files, settings)
}

#[test]
fn mutated_sample_data_never_panics_hangs_or_loses_rows_silently() {
    let cases: u64 = std::env::var("MUTATION_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(100);
    let (original, settings) = sample();
    let Ok(Some((original_counts, _))) = run_bounded(original.clone(), settings.clone()) else {
        panic!("the sample data reads cleanly");
    };
    let mut accepted = 0;
    for case in 0..cases {
        let mut random = Random(case);
        let mut files = original.clone();
        let file = FILES[random.below(FILES.len())];
        let changes: Vec<String> =
            (0..1 + random.below(3)).map(|_| mutate(files.get_mut(file).unwrap(), &mut random)).collect();
        let what = format!("case {case}: {file}: {}", changes.join(", "));
        match run_bounded(files, settings.clone()) {
            Err(problem) => panic!("{what}: {problem}"),
            Ok(None) => {}
            Ok(Some((counts, diagnostics))) => {
                accepted += 1;
                let explained = diagnostics
                    .warnings()
                    .any(|warning| ROW_SHAPE_WARNINGS.iter().any(|start| warning.message.starts_with(start)));
                assert!(
                    counts == original_counts || explained,
                    "{what}: rows {counts:?} instead of {original_counts:?} without a warning"
                );
            }
        }
    }
    // The mutations must not all be rejected outright, or rows lost in silence go unseen.
    assert!(accepted * 10 >= cases, "only {accepted} of {cases} mutations were accepted");
}
