//! Every sequence of characters a cell can hold comes out of the PDF literally: a generated
//! corpus (each ASCII punctuation character alone and in several positions, every pair and
//! triple of them, Typst keywords, calls and field accesses after each one) is escaped for the
//! PDF exactly as pages are, built by the real `myst build --pdf` and `typst` offline, and read
//! back with `pdftotext`. Needs the pinned toolchain (`scripts/setup`); fails, never skips.

use crate::support::*;

use std::path::Path;
use std::process::Command;

use ces_report::pages::escape::{inline, Target};

const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Typst code that must never run when it follows a character Typst gives meaning to.
const CODE: &[&str] = &[
    "ok",
    "replace(\"\", \"INJECTED\")",
    "set text(red)",
    "let x = 1",
    "show: none",
    "import \"a.typ\"",
    "include \"b.typ\"",
    "upper(\"x\")",
    "if true [yes] else [no]",
    "for x in (1, 2) [w]",
    "{1 + 1}",
    "[content]",
    "(draft)",
    "len()",
    "at(0)",
    "pagebreak()",
    "sym.arrow",
    "none",
    "auto",
];

/// The corpus, each entry distinct.
fn corpus() -> Vec<String> {
    let marks: Vec<char> = PUNCTUATION.chars().collect();
    let mut strings = vec![
        "Waiting...ok".to_string(),
        "v1..v2 upgrade".to_string(),
        "12.(draft)".to_string(),
        "-(x) item".to_string(),
        "x..replace(\"\", \"INJECTED\")".to_string(),
    ];
    for p in &marks {
        for form in ["{p}", "{p}word", "word{p}", "a{p}b", "a {p} b", "{p} item", "12{p} x", "{p}5"] {
            strings.push(form.replace("{p}", &p.to_string()));
        }
        for code in CODE {
            strings.push(format!("{p}{code}"));
            strings.push(format!("x{p}{p}{code}"));
            strings.push(format!("#{code} {p}"));
        }
    }
    for p in &marks {
        for q in &marks {
            strings.push(format!("{p}{q}"));
            strings.push(format!("a{p}{q}b"));
            strings.push(format!("{p}{q}ok"));
            for r in &marks {
                strings.push(format!("x{p}{q}{r}y"));
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    strings.retain(|s| seen.insert(s.clone()));
    strings
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn every_punctuation_sequence_round_trips_through_typst() {
    let strings = corpus();
    assert!(strings.len() > 35_000, "{}", strings.len());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = temp_folder("typst-corpus");
    copy_dir(&root.join("templates/pdf"), &book.join("_templates/pdf"));
    copy_dir(&root.join("templates/typst-packages"), &book.join("_templates/typst-packages"));
    // Two halves, built side by side. Each entry is followed by text that would continue a
    // Typst expression (a call) if the escaped cell left code mode open.
    let mut jobs = Vec::new();
    for (half, chunk) in strings.chunks(strings.len().div_ceil(2)).enumerate() {
        let project = book.join(format!("pdf/corpus-{half}"));
        std::fs::create_dir_all(&project).unwrap();
        std::fs::write(
            project.join("myst.yml"),
            format!("version: 1\nproject:\n  title: Corpus\n  exports:\n    - id: corpus\n      format: typst\n      template: ../../_templates/pdf\n      output: {}\n      articles: [report.md]\n", ces_report::render::TYPST_SOURCE),
        )
        .unwrap();
        let offset = half * strings.len().div_ceil(2);
        let mut page = String::from("---\ntitle: Corpus\n---\n\n");
        for (index, text) in chunk.iter().enumerate() {
            page.push_str(&format!("K{}K {}(end)\n\n", offset + index, inline(text, Target::Pdf)));
        }
        std::fs::write(project.join("report.md"), page).unwrap();
        jobs.push(ces_report::render::PdfJob {
            project,
            output: book.join(format!("exports/corpus-{half}.pdf")),
        });
    }
    let tools = ces_report::render::Toolchain::find().expect("the pinned toolchain (scripts/setup)");
    ces_report::render::build_pdfs(&tools, &book, &jobs, 2, crate::support::day("2026-10-31"))
        .expect("the corpus PDFs build");
    let mut text = String::new();
    for job in &jobs {
        let output = Command::new("pdftotext")
            .args(["-raw", job.output.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils, installed by scripts/setup)");
        text.push_str(&String::from_utf8(output.stdout).unwrap());
    }
    let lines: std::collections::HashMap<&str, &str> = text
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix('K')?;
            let (index, shown) = rest.split_once("K ")?;
            let shown = shown.strip_suffix("(end)")?;
            index.chars().all(|c| c.is_ascii_digit()).then_some((index, shown))
        })
        .collect();
    let mismatches: Vec<String> = strings
        .iter()
        .enumerate()
        .filter(|(index, text)| lines.get(index.to_string().as_str()) != Some(&text.as_str()))
        .map(|(index, text)| format!("{text:?} came out as {:?}", lines.get(index.to_string().as_str())))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} strings did not round-trip, e.g.:\n{}",
        mismatches.len(),
        strings.len(),
        mismatches.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    eprintln!("{} of {} strings round-tripped literally", strings.len() - mismatches.len(), strings.len());
}
