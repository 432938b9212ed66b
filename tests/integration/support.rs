//! What the tests share: the real binary and its outputs (PDF text included), small in-memory
//! data folders (a valid baseline that each test changes a little), temporary folders.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ces_report::diagnostics::{Diagnostics, InputErrors};
use ces_report::model::Dataset;
use ces_report::settings::Settings;

pub(crate) const ENGAGEMENTS: &str = "\u{feff}Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status,Record ID
Alpha 2026 Premier,Alpha Lab,1/1/2026,12/31/2027,\"Premier Tier
Hub support and training\",Active,rec1
";
pub(crate) const PROJECTS: &str =
    "Project name,Engagement,Project start date,Project end date,Project description,Capacity
Alpha hub,Alpha 2026 Premier,1/1/2026,12/31/2027,Hub support,Up to 12 hours / quarter
";
pub(crate) const ALLOCATIONS: &str =
    "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha 2026 Q4,Alpha hub,10/1/2026,12/31/2026,12,Ana Silva
";
pub(crate) const ACTIVITIES: &str = "Allocation,Team member,Units,Description,Start date,End date,Created
Alpha 2026 Q4,Ana Silva,2,Kick-off call,10/5/2026,,10/5/2026 3:00pm
Alpha 2026 Q4,Ben Okafor,2,Image update,10/20/2026,,10/21/2026 9:12am
";

/// A data folder held in memory, file name → contents.
#[derive(Clone)]
pub(crate) struct Data {
    pub(crate) files: HashMap<&'static str, String>,
}

impl Data {
    pub(crate) fn baseline() -> Data {
        let files = [
            ("engagements.csv", ENGAGEMENTS),
            ("projects.csv", PROJECTS),
            ("allocations.csv", ALLOCATIONS),
            ("activities.csv", ACTIVITIES),
        ];
        Data { files: files.into_iter().map(|(name, text)| (name, text.to_string())).collect() }
    }

    pub(crate) fn with(mut self, file: &'static str, text: &str) -> Data {
        self.files.insert(file, text.to_string());
        self
    }

    /// Appends data rows to a file.
    pub(crate) fn add(mut self, file: &'static str, rows: &str) -> Data {
        self.files.get_mut(file).expect("known file").push_str(rows);
        self
    }

    pub(crate) fn without(mut self, file: &'static str) -> Data {
        self.files.remove(file);
        self
    }

    /// Writes the files into a fresh folder under `target/tmp`, named after `name`.
    pub(crate) fn folder(&self, name: &str) -> std::path::PathBuf {
        let folder = temp_folder(name);
        for (file, text) in &self.files {
            std::fs::write(folder.join(file), text).unwrap();
        }
        folder
    }

    pub(crate) fn read_with(&self, settings: &Settings) -> anyhow::Result<(Dataset, Diagnostics)> {
        let source: HashMap<&str, &str> =
            self.files.iter().map(|(name, text)| (*name, text.as_str())).collect();
        ces_report::read_dataset(&source, settings)
    }

    /// The data as known at a date: activities logged after it left out.
    pub(crate) fn read_known_at(&self, known_at: Option<chrono::NaiveDate>) -> (Dataset, Diagnostics) {
        let source: HashMap<&str, &str> =
            self.files.iter().map(|(name, text)| (*name, text.as_str())).collect();
        ces_report::read_dataset_known_at(&source, &Settings::default(), known_at).expect("valid data")
    }

    pub(crate) fn read(&self) -> (Dataset, Diagnostics) {
        match self.read_with(&Settings::default()) {
            Ok(read) => read,
            Err(error) => panic!("expected valid data, got: {}", report_lines(&error).join("\n")),
        }
    }

    /// Every error and warning line of a run that must fail.
    pub(crate) fn errors(&self) -> Vec<String> {
        match self.read_with(&Settings::default()) {
            Ok(_) => panic!("expected the data to have errors"),
            Err(error) => report_lines(&error),
        }
    }

    /// The warning lines of a run that must succeed.
    pub(crate) fn warnings(&self) -> Vec<String> {
        self.read().1.warnings().map(|w| w.report_line()).collect()
    }
}

pub(crate) fn report_lines(error: &anyhow::Error) -> Vec<String> {
    match error.downcast_ref::<InputErrors>() {
        Some(InputErrors(diagnostics)) => diagnostics.all().iter().map(|d| d.report_line()).collect(),
        None => vec![format!("{error:#}")],
    }
}

pub(crate) fn day(text: &str) -> chrono::NaiveDate {
    text.parse().expect("ISO date")
}

/// A fresh, empty folder under the target directory's temp space, unique per test and run.
/// The folders of the same name left by earlier runs that have ended are removed first, so the
/// space holds one run's folders (to look at after a failure), not every run's.
pub(crate) fn temp_folder(name: &str) -> std::path::PathBuf {
    let space = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    remove_ended_runs(space, name);
    let folder = space.join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Removes `{name}-{pid}` folders whose process is no longer running (Linux's `/proc` tells;
/// elsewhere nothing is removed).
fn remove_ended_runs(space: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(space) else { return };
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|f| f.strip_prefix(name)?.strip_prefix('-')) else {
            continue;
        };
        let ended = pid.parse::<u32>().is_ok_and(|pid| !proc.join(pid.to_string()).exists());
        if ended {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The linked dataset of `sample-data/`.
pub(crate) fn sample_dataset() -> Dataset {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    ces_report::read_dataset(&ces_report::load::Folder(&folder), &Settings::default())
        .expect("valid sample data")
        .0
}

/// The text a reader sees in a generated Markdown page, as far as cell text goes: MyST's
/// backslash escapes dropped, and the PDF pages' Typst strings (`{raw:typst}`#"…";``, with
/// punctuation as `\u{…}`) decoded.
pub(crate) fn literal_text(page: &str) -> String {
    let page = page.replace("{raw:typst}`#box(\"", "{raw:typst}`#\"").replace("\");`", "\";`");
    let mut out = String::new();
    let mut rest = page.as_str();
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

/// The project folder: `sample-data/`, `book/` and `tests/expected/` are found from here.
pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the project folder.
pub(crate) fn ces_report(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Compares `actual` with the file under tests/expected, or rewrites it when asked to.
pub(crate) fn assert_expected(name: &str, actual: &str) {
    let path = root().join("tests/expected").join(name);
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {}", path.display()));
    assert!(
        expected == actual,
        "{name} differs from the expected file; diff it or rerun with UPDATE_EXPECTED=1"
    );
}

/// `ces-report build DATA --out OUT EXTRA…`.
pub(crate) fn build(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", data.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    ces_report(&args)
}

/// `ces-report render DATA --month 2026-10 --out OUT`, which must succeed; its stdout.
pub(crate) fn render(data: &Path, out: &Path) -> String {
    let output =
        ces_report(&["render", data.to_str().unwrap(), "--month", "2026-10", "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "render failed:\n{stderr}\n{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// The text of a PDF in reading order (`-raw` keeps short table cells intact).
pub(crate) fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext").args(["-raw", pdf.to_str().unwrap(), "-"]).output();
    let output =
        output.unwrap_or_else(|_| panic!("pdftotext is missing: install poppler-utils (scripts/setup does)"));
    assert!(output.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(output.stdout).unwrap()
}

/// Every PDF written: the aggregated report in exports/, one per community in
/// exports/communities/.
pub(crate) fn pdfs(book: &Path) -> Vec<PathBuf> {
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(book.join("exports"))
        .unwrap()
        .chain(std::fs::read_dir(book.join("exports/communities")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    pdfs.sort();
    pdfs
}

/// The `index`-th record's id (0 is the first row of its table).
pub(crate) fn id<I: ces_report::model::Id>(index: usize) -> I {
    I::from_index(index)
}

/// The built-in wording of every sentence.
pub(crate) fn phrases() -> ces_report::present::Phrases {
    ces_report::present::Phrases::new(&ces_report::templates::TemplateSet::load(None).unwrap()).unwrap()
}

/// Exact hours from a decimal such as 2.5.
pub(crate) fn hours(value: f64) -> ces_report::hours::Hours {
    ces_report::hours::Hours::rounded(value)
}

/// The sample data rendered for October 2026 (`render sample-data --month 2026-10`), once per
/// test run: several tests read its PDFs and pages.
pub(crate) fn rendered_sample() -> &'static (PathBuf, String) {
    static RENDERED: std::sync::OnceLock<(PathBuf, String)> = std::sync::OnceLock::new();
    RENDERED.get_or_init(|| {
        let out = temp_folder("rendered-sample").join("book");
        let summary = render(&root().join("sample-data"), &out);
        (out, summary)
    })
}

/// Every file under `dir` (its `/`-separated relative path → bytes), hidden ones included,
/// leaving out every path for which `skip` says so (and what is under it). A file that vanishes
/// while the folder is read (a build still running) is left out too.
pub(crate) fn files_under(
    dir: &Path,
    skip: &dyn Fn(&str) -> bool,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(
        root: &Path,
        dir: &Path,
        skip: &dyn Fn(&str) -> bool,
        files: &mut std::collections::BTreeMap<String, Vec<u8>>,
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            if skip(&relative) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, skip, files);
            } else if let Ok(bytes) = std::fs::read(&path) {
                files.insert(relative, bytes);
            }
        }
    }
    let mut files = std::collections::BTreeMap::new();
    walk(dir, dir, skip, &mut files);
    files
}

/// The names in `dir`, sorted.
pub(crate) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}
