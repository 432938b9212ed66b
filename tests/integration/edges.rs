//! Two edges of the monthly job: a base with no records yet (a new organisation's first pull,
//! or exports cut to their header rows), and one enormous cell (a stray quote that merged a
//! file into one Community cell).

use std::path::Path;
use std::time::Instant;

use crate::support::{ces_report, literal_text, pdf_text, root, temp_folder, text};

/// The sample's exports cut to their header rows.
fn empty_base(name: &str) -> std::path::PathBuf {
    let folder = temp_folder(name);
    for entry in std::fs::read_dir(root().join("sample-data")).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let kept = if path.extension().is_some_and(|x| x == "csv") {
            format!("{}\n", text.lines().next().unwrap())
        } else {
            text
        };
        std::fs::write(folder.join(file), kept).unwrap();
    }
    folder
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = ces_report(args);
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn every_command_succeeds_on_an_empty_base_and_says_there_is_nothing_yet() {
    let data = empty_base("empty-base");
    let data_arg = data.to_str().unwrap();
    let (code, stdout, _) = run(&["check", data_arg]);
    assert_eq!(
        (code, stdout.as_str()),
        (Some(0), "0 engagements, 0 projects, 0 allocations, 0 activities: no errors, 0 warnings\n")
    );

    let (code, stdout, _) = run(&["summary", data_arg, "--as-of", "2026-10-31"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("0 engagements running on 2026-10-31") && stdout.contains("No engagements yet"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["summary", data_arg, "--as-of", "2026-10-31", "--format", "json"]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for list in ["engagements", "allocations", "upcoming", "team", "renewals"] {
        assert_eq!(json[list], serde_json::json!([]), "{list} is an empty array");
    }
    let (code, stdout, _) = run(&["changes", data_arg, "--as-of", "2026-10-31"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("0 turned red, 0 back to green, 0 new findings"), "{stdout}");

    // The monthly job: the site content and the aggregated PDF, each saying so.
    let book = data.join("book");
    let (code, stdout, stderr) =
        run(&["render", data_arg, "--month", "2026-10", "--out", book.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}\n{stdout}");
    assert!(book.join("_build/site/content/index.json").exists(), "the site content is written");
    let dashboard = literal_text(&std::fs::read_to_string(book.join("index.md")).unwrap());
    assert!(dashboard.contains("No engagement is running: there are no engagements yet."), "{dashboard}");
    let pdf = pdf_text(&book.join("exports/2i2c-ces-report-2026-10.pdf"));
    assert!(pdf.contains("No community is reported this month: there are no engagements yet."), "{pdf}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(book.join("exports/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["communities"], serde_json::json!([]));
    let config = std::fs::read_to_string(book.join("myst.yml")).unwrap();
    assert!(!config.contains("children:"), "no empty list where myst expects an array:\n{config}");

    let drafts = data.join("drafts");
    let month = ["--as-of", "2026-11-02", "--month", "2026-10", "--book", book.to_str().unwrap()];
    let (_, stderr) =
        crate::emails::emails(&data, &drafts, &[&month[..], &["--from", "CES <ces@example.org>"]].concat());
    assert!(stderr.contains("wrote 0 drafts"), "{stderr}");

    let (code, _, stderr) =
        run(&["brief", data_arg, "--community", "Alpha Lab", "--as-of", "2026-10-31", "--no-pdf"]);
    assert_eq!(
        (code, stderr.as_str()),
        (Some(1), "error: no community \"Alpha Lab\": the data has no engagements\n")
    );
}

/// Every file under `dir`, in bytes.
fn size_of(dir: &Path) -> u64 {
    crate::support::files_under(dir, &|_| false).values().map(|bytes| bytes.len() as u64).sum()
}

/// Tidewater's Community cell holding 5,000,000 more characters: the warning is given, the cell
/// is cut where it is shown with the cut said beside it, and the render stays within twice the
/// sample's time and output size.
#[test]
fn one_five_megabyte_cell_is_cut_where_it_is_shown() {
    let folder = temp_folder("five-megabytes");
    for entry in std::fs::read_dir(root().join("sample-data")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
    }
    let engagements = std::fs::read_to_string(folder.join("engagements.csv")).unwrap();
    let huge = format!("Tidewater Ocean Lab{}", " x".repeat(2_500_000));
    let engagements = engagements.replacen(",Tidewater Ocean Lab,", &format!(",\"{huge}\","), 1);
    std::fs::write(folder.join("engagements.csv"), engagements).unwrap();

    let render = |data: &Path, out: &Path| {
        let started = Instant::now();
        let (code, stdout, stderr) =
            run(&["render", data.to_str().unwrap(), "--month", "2026-10", "--out", out.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{stderr}\n{stdout}");
        (started.elapsed().as_secs_f64(), stderr)
    };
    let sample_book = folder.join("sample-book");
    let (sample_time, _) = render(&root().join("sample-data"), &sample_book);
    let book = folder.join("book");
    let (time, stderr) = render(&folder, &book);
    assert!(
        stderr
            .contains("warning: engagements.csv:2: column \"Community\": value \"Tidewater Ocean Lab x x x"),
        "{stderr}"
    );
    assert!(stderr.contains("this cell holds 5,000,019 characters"), "{stderr}");
    let page = std::fs::read_dir(book.join("engagements"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("tidewater-ocean-lab"))
        .unwrap();
    let page = literal_text(&std::fs::read_to_string(page).unwrap());
    assert!(
        page.contains("… 4,990,019 more characters in engagements.csv line 2"),
        "the cut is said on the page"
    );
    let (size, sample_size) = (size_of(&book), size_of(&sample_book));
    assert!(size < 2 * sample_size, "{size} bytes written against the sample's {sample_size}");
    assert!(time < 2.0 * sample_time, "{time:.1} s against the sample's {sample_time:.1} s");
}
