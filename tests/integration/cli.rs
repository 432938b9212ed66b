//! The real binary on the sample data: exit codes, and the summary compared with expected
//! files. Run with `UPDATE_EXPECTED=1` to rewrite the expected files after a deliberate change.

use crate::support::*;

use std::path::Path;

#[test]
fn summary_text_of_the_sample_month() {
    let output = ces_report(&["summary", "sample-data", "--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_expected("summary-2026-10.txt", &text(&output.stdout));
}

#[test]
fn summary_json_of_the_sample_month() {
    let output = ces_report(&["summary", "sample-data", "--month", "2026-10", "--format", "json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["as_of"], "2026-10-31");
    for key in ["engagements", "allocations", "commitment", "upcoming", "logging", "warnings"] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_expected("summary-2026-10.json", &text(&output.stdout));
}

#[test]
fn a_base_with_the_interface_field_names_gives_the_same_figures() {
    let summary = |folder: &str| {
        let output = ces_report(&["summary", folder, "--format", "json", "--as-of", "2026-10-31"]);
        assert!(output.status.success(), "{folder}: {}", text(&output.stderr));
        text(&output.stdout)
    };
    assert_eq!(summary("tests/fixtures/interface-base"), summary("sample-data"));
}

#[test]
fn check_lists_warnings_and_succeeds() {
    let output = ces_report(&["check", "sample-data"]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().filter(|line| line.starts_with("warning: ")).count(), 13);
    assert!(text(&output.stdout).contains("no errors, 13 warnings"));
}

#[test]
fn bad_data_exits_1_with_every_error() {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-bad-data");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    for file in ["engagements.csv", "projects.csv", "allocations.csv"] {
        std::fs::copy(Path::new("sample-data").join(file), folder.join(file)).unwrap();
    }
    std::fs::write(
        folder.join("activities.csv"),
        "Allocation,Team member,Units,Start date\nNope,Ana,x,1/1/2026\n",
    )
    .unwrap();
    let output = ces_report(&["summary", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: activities.csv:2: column \"Units\": value \"x\": expected a number such as 2, 2.5 or 1,100\n\
         error: the data has 1 error; nothing was computed\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_flags_are_usage_errors() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["summary", "sample-data", "--month", "2026-13"],
            "error: invalid value '2026-13' for '--month <YYYY-MM>': expected a month such as 2026-10\n",
        ),
        (
            &["build", "sample-data", "--as-of", "2026-02-30"],
            "error: invalid value '2026-02-30' for '--as-of <DATE>': expected a date such as 2026-10-31\n",
        ),
        (
            &["what-if", "sample-data", "--hours", "5", "--from", "2026-11-32", "--to", "2026-12-08"],
            "error: invalid value '2026-11-32' for '--from <DATE>': expected a date such as 2026-10-31\n",
        ),
        (
            &["what-if", "sample-data", "--hours", "0", "--from", "2026-11-01", "--to", "2026-11-10"],
            "error: invalid value '0' for '--hours <HOURS>': expected a number of hours above 0\n",
        ),
    ];
    for (args, expected) in cases {
        let output = ces_report(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().next().map(|l| format!("{l}\n")).as_deref(), Some(expected), "{stderr}");
    }
    let both = ces_report(&["summary", "sample-data", "--month", "2026-10", "--as-of", "2026-10-01"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn what_if_answers_business_development() {
    let output = ces_report(&[
        "what-if",
        "sample-data",
        "--hours",
        "200",
        "--from",
        "2026-11-01",
        "--to",
        "2027-03-31",
        "--as-of",
        "2026-10-31",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_expected("what-if-200h.txt", &text(&output.stdout));
}

#[test]
fn plan_lists_the_periods_still_to_allocate() {
    let output = ces_report(&["plan", "sample-data", "--as-of", "2026-10-31"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_expected("plan.csv", &text(&output.stdout));
    assert!(text(&output.stderr).contains(
        "note: project \"Northwind Atmospheric Consortium GPU pilot\" is not planned: its capacity \"Up to 200 hours by 2i2c's Product and Services Team\" names no period (month, quarter or year)"
    ));
}

#[test]
fn command_line_mistakes_get_exact_messages() {
    let what_if = |from: &'static str, to: &'static str| -> Vec<&'static str> {
        vec!["what-if", "sample-data", "--hours", "5", "--from", from, "--to", to, "--as-of", "2026-10-31"]
    };
    let cases: [(&[&str], &str); 7] = [
        (&what_if("2026-11-10", "2026-11-01"), "error: --to 2026-11-01 is before --from 2026-11-10\n"),
        (&what_if("2026-11-07", "2026-11-08"), "error: 2026-11-07 to 2026-11-08 has no working days\n"),
        (
            &what_if("2026-01-01", "2026-03-31"),
            "error: 2026-01-01 to 2026-03-31 ended before the as-of date 2026-10-31: nothing can be committed in it\n",
        ),
        (&["templates", "sample-data"], "error: sample-data already exists; choose a new folder\n"),
        (&["check", "no-such-folder"], "error: data folder no-such-folder does not exist\n"),
        (
            &["check", "Cargo.toml"],
            "error: Cargo.toml is a file, not a folder: give the folder that holds the CSV exports (engagements.csv, …)\n",
        ),
        (
            &["check", "sample-data", "--settings", "nope.toml"],
            "error: settings file nope.toml does not exist\n",
        ),
    ];
    for (args, expected) in cases {
        let output = ces_report(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&output.stderr), expected, "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn plan_defuses_cells_a_spreadsheet_would_run() {
    let folder = temp_folder("plan-formula");
    let files = [
        ("engagements.csv", "Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status\nE,C,1/1/2027,3/31/2027,Tier,Active\n"),
        ("projects.csv", "Project name,Engagement,Project start date,Project end date,Project description,Capacity\n\"=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\",E,1/1/2027,3/31/2027,Outcome,Up to 4 hours / quarter\n"),
        ("allocations.csv", "Allocation name,Project,Allocation start date,Allocation end date,Hours available\n"),
        ("activities.csv", "Allocation,Team member,Units,Start date\n"),
    ];
    for (file, text) in files {
        std::fs::write(folder.join(file), text).unwrap();
    }
    let output = ces_report(&["plan", folder.to_str().unwrap(), "--as-of", "2026-10-31"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Note\n\
         \"'=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\") 2027 Q1\",\"'=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\",2027-01-01,2027-03-31,4,\n"
    );
}

#[test]
fn the_terminal_wording_comes_from_the_templates_folder() {
    let folder = temp_folder("terminal-templates").join("templates");
    let copied = ces_report(&["templates", folder.to_str().unwrap()]);
    assert!(copied.status.success(), "{}", text(&copied.stderr));
    let summary = folder.join("summary.txt.j2");
    let wording = std::fs::read_to_string(&summary).unwrap().replace("\nStarting soon\n", "\nComing up\n");
    std::fs::write(&summary, wording).unwrap();
    let what_if = folder.join("what-if.txt.j2");
    let wording = std::fs::read_to_string(&what_if).unwrap().replace("SAFE:", "FITS:");
    std::fs::write(&what_if, wording).unwrap();
    let templates = ["--templates", folder.to_str().unwrap()];

    let output = ces_report(&[&["summary", "sample-data", "--month", "2026-10"][..], &templates].concat());
    let printed = text(&output.stdout);
    assert!(printed.contains("\nComing up\n  2026-11-09") && !printed.contains("Starting soon"), "{printed}");
    let ask = ["what-if", "sample-data", "--hours", "5", "--from", "2026-11-02", "--to", "2026-11-30"];
    let output = ces_report(&[&ask[..], &["--as-of", "2026-10-31"], &templates].concat());
    assert!(text(&output.stdout).contains("\nFITS: "), "{}", text(&output.stdout));
}
