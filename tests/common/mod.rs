//! Small in-memory data folders for tests: a valid baseline that each test changes a little.
#![allow(dead_code)]

use std::collections::HashMap;

use ces_report::diagnostics::{Diagnostics, InputErrors};
use ces_report::model::Dataset;
use ces_report::settings::Settings;

pub const ENGAGEMENTS: &str = "\u{feff}Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status,Record ID
Alpha 2026 Premier,Alpha Lab,1/1/2026,12/31/2027,\"Premier Tier
Hub support and training\",Active,rec1
";
pub const PROJECTS: &str =
    "Project name,Engagement,Project start date,Project end date,Project description,Capacity
Alpha hub,Alpha 2026 Premier,1/1/2026,12/31/2027,Hub support,Up to 12 hours / quarter
";
pub const ALLOCATIONS: &str =
    "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha 2026 Q4,Alpha hub,10/1/2026,12/31/2026,12,Ana Silva
";
pub const ACTIVITIES: &str = "Allocation,Team member,Units,Description,Start date,End date,Created
Alpha 2026 Q4,Ana Silva,2,Kick-off call,10/5/2026,,10/5/2026 3:00pm
Alpha 2026 Q4,Ben Okafor,2,Image update,10/20/2026,,10/21/2026 9:12am
";

/// A data folder held in memory, file name → contents.
#[derive(Clone)]
pub struct Data {
    pub files: HashMap<&'static str, String>,
}

impl Data {
    pub fn baseline() -> Data {
        let files = [
            ("engagements.csv", ENGAGEMENTS),
            ("projects.csv", PROJECTS),
            ("allocations.csv", ALLOCATIONS),
            ("activities.csv", ACTIVITIES),
        ];
        Data { files: files.into_iter().map(|(name, text)| (name, text.to_string())).collect() }
    }

    pub fn with(mut self, file: &'static str, text: &str) -> Data {
        self.files.insert(file, text.to_string());
        self
    }

    /// Appends data rows to a file.
    pub fn add(mut self, file: &'static str, rows: &str) -> Data {
        self.files.get_mut(file).expect("known file").push_str(rows);
        self
    }

    pub fn without(mut self, file: &'static str) -> Data {
        self.files.remove(file);
        self
    }

    pub fn read_with(&self, settings: &Settings) -> anyhow::Result<(Dataset, Diagnostics)> {
        let source: HashMap<&str, &str> =
            self.files.iter().map(|(name, text)| (*name, text.as_str())).collect();
        ces_report::read_dataset(&source, settings)
    }

    pub fn read(&self) -> (Dataset, Diagnostics) {
        match self.read_with(&Settings::default()) {
            Ok(read) => read,
            Err(error) => panic!("expected valid data, got: {}", report_lines(&error).join("\n")),
        }
    }

    /// Every error and warning line of a run that must fail.
    pub fn errors(&self) -> Vec<String> {
        match self.read_with(&Settings::default()) {
            Ok(_) => panic!("expected the data to have errors"),
            Err(error) => report_lines(&error),
        }
    }

    /// The warning lines of a run that must succeed.
    pub fn warnings(&self) -> Vec<String> {
        self.read().1.warnings().map(|w| w.report_line()).collect()
    }
}

pub fn report_lines(error: &anyhow::Error) -> Vec<String> {
    match error.downcast_ref::<InputErrors>() {
        Some(InputErrors(diagnostics)) => diagnostics.all().iter().map(|d| d.report_line()).collect(),
        None => vec![format!("{error:#}")],
    }
}

pub fn day(text: &str) -> chrono::NaiveDate {
    text.parse().expect("ISO date")
}

/// A fresh, empty folder under the target directory's temp space, unique per test.
pub fn temp_folder(name: &str) -> std::path::PathBuf {
    let folder =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// The linked dataset of `sample-data/`.
pub fn sample_dataset() -> Dataset {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    ces_report::read_dataset(&ces_report::load::Folder(&folder), &Settings::default())
        .expect("valid sample data")
        .0
}

/// The text a reader sees in a generated Markdown page, as far as cell text goes: MyST's
/// backslash escapes dropped, and the PDF pages' Typst strings (`{raw:typst}`#"…";``, with
/// punctuation as `\u{…}`) decoded.
pub fn literal_text(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some(start) = rest.find("{raw:typst}`#\"") {
        out.push_str(&rest[..start].replace('\\', ""));
        let after = &rest[start + "{raw:typst}`#\"".len()..];
        let end = after.find("\";`").expect("a closed Typst string");
        out.push_str(&decode_typst_string(&after[..end]));
        rest = &after[end + "\";`".len()..];
    }
    out.push_str(&rest.replace('\\', ""));
    out
}

fn decode_typst_string(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("\\u{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("a closed escape") + start;
        let code = u32::from_str_radix(&rest[start + 3..end], 16).expect("hex");
        out.push(char::from_u32(code).expect("a character"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}
